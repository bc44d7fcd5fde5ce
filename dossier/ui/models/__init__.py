"""Table models over the services: lazy, sorted and filtered in SQL."""

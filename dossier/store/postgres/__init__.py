"""What only PostgreSQL has: the connection, the search index, backups through pg_dump.

These are the counterparts of ``dossier.store.sqlite`` for team workspaces on a server.
"""

"""The sidebar panes: People, Rounds, Positions, Sources, Timeline."""

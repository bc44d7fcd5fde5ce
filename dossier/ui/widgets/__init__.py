"""Widgets shared by the Rounds, Positions and Timeline panes."""

"""Widgets the panes are made of: the record editor and its fields, list editors (citations,
participants, a negotiation's parties), the matrix, movement and timeline views, forms
shared in a team, and text laid out in its own direction."""

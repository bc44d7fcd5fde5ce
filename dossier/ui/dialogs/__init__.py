"""Dialogs of the desktop app: opening (a team workspace, a file that cannot simply be opened,
a backup to restore), a new negotiation, PDF export, a record's history and an edit in
conflict, preferences, and Help's about and shortcuts."""

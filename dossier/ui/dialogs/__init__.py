"""Dialogs of the desktop app: PDF export, keyboard shortcuts, about."""

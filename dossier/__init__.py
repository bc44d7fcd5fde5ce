"""Dossier: people, rounds and positions of diplomatic negotiations, printed as PDF dossiers."""

__version__ = "0.1.0"
APP_NAME = "Dossier"

"""The limits and names of the interchange format, version 1."""

from __future__ import annotations

from dossier.model.records import COLLECTIONS

FORMAT = "dossier-interchange"
VERSION = 1
MAX_DEPTH = 64
#: Largest file read at all; bigger ones are refused before they are loaded.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Checking stops once this many problems are found, so a hostile file cannot make it run long.
MAX_ERRORS = 1000
TOP_KEYS = ("format", "version", "exported_at", *COLLECTIONS)
#: Reading, checking and importing a file takes at most this many times its size in memory,
#: plus ``MEMORY_ALLOWANCE``; a file that would need more is refused (see ``_Budget``).
MEMORY_MULTIPLE = 8
MEMORY_ALLOWANCE = 80 * 1024 * 1024


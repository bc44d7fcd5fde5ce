"""Entry point of the frozen app: the same as ``python -m dossier``."""

import sys

from dossier.cli import main

if __name__ == "__main__":
    sys.exit(main())

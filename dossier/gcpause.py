"""Pausing Python's cyclic garbage collector around work that makes many objects at once."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file's worth of objects is made: the records
    of an import, the flowables and text runs of a PDF dossier.

    Those hundreds of thousands of new containers would otherwise trigger collection after
    collection that finds nothing; plain reference counting still frees everything as usual,
    and any cycle left over is collected once the collector runs again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

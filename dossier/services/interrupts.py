"""Ctrl+C in a command: every query the process runs stops at once, not only Python code."""

from __future__ import annotations


def stop_queries_on_ctrl_c() -> None:
    """Make Ctrl+C (SIGINT) stop a running query at once, in a command-line process; call it
    from the main thread. The query fails, and Python's handler then raises KeyboardInterrupt."""
    from dossier.store.database import stop_queries_on_ctrl_c as stop_on_ctrl_c

    stop_on_ctrl_c()


def stop_requested() -> bool:
    """Whether Ctrl+C was pressed since ``stop_queries_on_ctrl_c``."""
    from dossier.store.database import stop_requested as requested

    return requested()

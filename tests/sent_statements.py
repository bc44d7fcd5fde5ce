"""The SQL statements a piece of work sends, and the plans the database makes of them."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event


def sent_statements(ws, run: Callable[[], object], keep: Callable[[str], bool] = lambda _s: True) -> list[tuple]:
    """``(statement, parameters)`` of each statement ``run()`` sends to ``ws`` that ``keep`` keeps."""
    sent = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if keep(statement):
            sent.append((statement, parameters))

    event.listen(ws.db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(ws.db.engine, "before_cursor_execute", record)
    return sent


def postgres_plans(ws, sent: list[tuple]) -> list[tuple[str, object, str]]:
    """``(statement, parameters, plan)`` of each statement sent to a PostgreSQL workspace."""
    with ws.db.engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        plans = []
        for statement, parameters in sent:
            cursor.execute(f"EXPLAIN {statement}", parameters)
            plans.append((statement, parameters, "\n".join(row[0] for row in cursor.fetchall())))
    return plans

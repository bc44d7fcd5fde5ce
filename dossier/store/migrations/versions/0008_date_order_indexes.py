"""Indexes giving the order of dates: a month or a year after every day inside it

The Positions, Rounds and Sources tables sort a date by ``date || '~'`` (``tables.date_order``):
'~' sorts after '-' and every digit, so ``2025-06`` comes after ``2025-06-30`` and before
``2025-07-01``, and ``2025`` after ``2025-12``. The indexes that gave the order of the stored
text are replaced by indexes on that expression, written here as SQL exactly as the tables
render it (SQLite uses an index on an expression only for a query spelling it the same). On
PostgreSQL it is compared byte by byte (``COLLATE "C"``): a database's own collation may pass
over the punctuation. The negotiation's rounds and positions are still looked up by the new
indexes, which begin with the negotiation as the old ones did.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: (table, index replaced and its columns, new index and its columns: the last a date, sorted as dates sort)
INDEXES = (
    ("positions", "ix_positions_negotiation_date", ["negotiation_id", "date"],
     "ix_positions_negotiation_date_order", ["negotiation_id", "date"]),
    ("positions", "ix_positions_negotiation_kind_date", ["negotiation_id", "kind", "date"],
     "ix_positions_negotiation_kind_date_order", ["negotiation_id", "kind", "date"]),
    ("positions", "ix_positions_date", ["date"], "ix_positions_date_order", ["date"]),
    ("rounds", "ix_rounds_negotiation_start", ["negotiation_id", "start"],
     "ix_rounds_negotiation_start_order", ["negotiation_id", "start"]),
    ("sources", "ix_sources_published", ["published"], "ix_sources_published_order", ["published"]),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _date_order(column: str) -> sa.TextClause:
    """The date as dates sort (the SQL of ``tables.date_order``, as it was at this revision)."""
    return sa.text(f"({column} || '~')" if _sqlite() else f"({column} || '~') COLLATE \"C\"")


def upgrade() -> None:
    for table, old, _old_columns, new, columns in INDEXES:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, [*(sa.text(c) for c in columns[:-1]), _date_order(columns[-1])],
                        unique=False)


def downgrade() -> None:
    for table, old, old_columns, new, _columns in reversed(INDEXES):
        op.drop_index(new, table_name=table)
        op.create_index(old, table, old_columns, unique=False)

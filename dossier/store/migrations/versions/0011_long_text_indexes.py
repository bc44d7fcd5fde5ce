"""On PostgreSQL, the indexes on names, titles and summaries hold their first 500 characters

Revision ID: 0011
Revises: 0010

A PostgreSQL b-tree entry holds at most about 2,700 bytes, so an index on a whole name refused
a name longer than that (a workspace file takes any). Each index on a free-text column now holds
the text's first 500 characters (at most 2,000 bytes): ``left(name, 500)``, and for the orders
without case ``left(lower(name), 500)``; the listings sort by that prefix, then by the whole
text, then by id (``tables.nocase_prefix``), the order they had. The Summary order of the
Positions table gets the index a workspace file has had since 0006. SQLite is left as it is.
"""

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PREFIX = 500

#: (name, table, what it indexes before, and now)
INDEXES = (
    ("ix_parties_name", "parties", "name", f"(left(name, {PREFIX}))"),
    ("ix_people_name", "people", "name", f"(left(name, {PREFIX}))"),
    ("ix_parties_name_nocase", "parties", "(lower(name))", f"(left(lower(name), {PREFIX}))"),
    ("ix_people_name_nocase", "people", "(lower(name))", f"(left(lower(name), {PREFIX}))"),
    ("ix_topics_title_nocase", "topics", "(lower(title))", f"(left(lower(title), {PREFIX}))"),
    ("ix_sources_title_nocase", "sources", "(lower(title))", f"(left(lower(title), {PREFIX}))"),
    ("ix_positions_negotiation_summary_nocase", "positions", None,
     f"negotiation_id, (left(lower(summary), {PREFIX}))"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, before, now in INDEXES:
        if before is not None:
            op.execute(sa.text(f"DROP INDEX {name}"))
        op.execute(sa.text(f"CREATE INDEX {name} ON {table} ({now})"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, before, _now in reversed(INDEXES):
        op.execute(sa.text(f"DROP INDEX {name}"))
        if before is not None:
            op.execute(sa.text(f"CREATE INDEX {name} ON {table} ({before})"))

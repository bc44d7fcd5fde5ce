"""Indexes for the desktop app's sorted, paged tables

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _nocase(column: str) -> sa.TextClause:
    """The column compared without case: SQLite's NOCASE collation, lower() elsewhere."""
    if op.get_bind().dialect.name == "sqlite":
        return sa.text(f"{column} COLLATE NOCASE")
    return sa.text(f"lower({column})")


def upgrade() -> None:
    op.create_index("ix_people_name_nocase", "people", [_nocase("name")], unique=False)
    op.create_index("ix_sources_title_nocase", "sources", [_nocase("title")], unique=False)
    op.create_index("ix_sources_published", "sources", ["published"], unique=False)
    op.create_index("ix_positions_negotiation_kind_date", "positions", ["negotiation_id", "kind", "date"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_positions_negotiation_kind_date", table_name="positions")
    op.drop_index("ix_sources_published", table_name="sources")
    op.drop_index("ix_sources_title_nocase", table_name="sources")
    op.drop_index("ix_people_name_nocase", table_name="people")

"""Indexes giving each order of the Positions table, so a page is read without sorting

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: (name, columns) of the positions of one negotiation, in the order of a joined record or a value
POSITIONS = (
    ("ix_positions_negotiation_party", ["negotiation_id", "party_id"]),
    ("ix_positions_negotiation_topic", ["negotiation_id", "topic_id"]),
    ("ix_positions_negotiation_round", ["negotiation_id", "round_id"]),
    ("ix_positions_negotiation_person", ["negotiation_id", "person_id"]),
    ("ix_positions_negotiation_kind", ["negotiation_id", "kind"]),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _nocase(column: str) -> sa.TextClause:
    """The column compared without case: SQLite's NOCASE collation, lower() elsewhere."""
    return sa.text(f"{column} COLLATE NOCASE" if _sqlite() else f"lower({column})")


def upgrade() -> None:
    for name, columns in POSITIONS:
        op.create_index(name, "positions", columns, unique=False)
    if _sqlite():
        # PostgreSQL refuses a b-tree entry over about 2.7 kB, which a long summary can be:
        # there the Summary order sorts the negotiation's positions, as before
        op.create_index("ix_positions_negotiation_summary_nocase", "positions",
                        [sa.text("negotiation_id"), _nocase("summary")], unique=False)
    op.create_index("ix_parties_name_nocase", "parties", [_nocase("name")], unique=False)
    op.create_index("ix_topics_title_nocase", "topics", [_nocase("title")], unique=False)
    op.create_index("ix_rounds_number", "rounds", ["number"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rounds_number", table_name="rounds")
    op.drop_index("ix_topics_title_nocase", table_name="topics")
    op.drop_index("ix_parties_name_nocase", table_name="parties")
    if _sqlite():
        op.drop_index("ix_positions_negotiation_summary_nocase", table_name="positions")
    for name, _columns in reversed(POSITIONS):
        op.drop_index(name, table_name="positions")

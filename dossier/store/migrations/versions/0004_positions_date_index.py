"""Index for the Positions table sorted by date across every negotiation

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_positions_date", "positions", ["date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_positions_date", table_name="positions")

"""Record versions (a stale save is refused) and the history of every edit

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MAIN_TABLES = ("parties", "people", "negotiations", "topics", "rounds", "positions", "sources", "events")


def upgrade() -> None:
    for table in MAIN_TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection", sa.String(length=20), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=32), nullable=True),
        sa.CheckConstraint("action IN ('create', 'update', 'delete', 'import')", name=op.f("ck_history_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    op.create_index("ix_history_collection_uid", "history", ["collection", "uid", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_history_collection_uid", table_name="history")
    op.drop_table("history")
    for table in MAIN_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")

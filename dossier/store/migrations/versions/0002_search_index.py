"""Full-text search index

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from dossier.store.postgres import fulltext
    else:
        from dossier.store.sqlite import fulltext

    fulltext.create(bind)
    fulltext.rebuild(bind)


def downgrade() -> None:
    op.execute("DROP TABLE search_index")

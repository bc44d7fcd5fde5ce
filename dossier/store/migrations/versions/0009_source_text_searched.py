"""A source's document text is searched: the search index is filled again

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from dossier.store.postgres import fulltext
    else:
        from dossier.store.sqlite import fulltext

    fulltext.rebuild(bind)  # every source's entry now holds its document's text


def downgrade() -> None:
    pass  # the index holds more than 0008 reads; it stays consistent with the records

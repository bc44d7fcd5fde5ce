"""Sources: the document's full text, and one numbering per workspace

Existing sources are numbered 1, 2, 3 … in the order they were added (their integer key);
``numbering`` keeps the highest number given, so that a number is never given twice.

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa

from dossier.store import checks

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


#: The columns of ``sources`` once this migration has run, in their order
COLUMNS = ("id", "uid", "title", "publisher", "url", "published", "reliability", "via_id", "notes", "version",
           "text", "number")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.add_column("sources", sa.Column("text", sa.Text(), nullable=True))
    op.add_column("sources", sa.Column("number", sa.Integer(), nullable=True))
    bind = op.get_bind()
    keys = bind.execute(sa.text("SELECT id FROM sources ORDER BY id")).scalars().all()
    if keys:
        bind.execute(sa.text("UPDATE sources SET number = :number WHERE id = :id"),
                     [{"number": number, "id": key} for number, key in enumerate(keys, start=1)])
    if _sqlite():
        _make_sources_anew()
    else:
        op.alter_column("sources", "number", existing_type=sa.Integer(), nullable=False)
        op.create_unique_constraint(op.f("uq_sources_number"), "sources", ["number"])
        op.create_check_constraint(op.f("ck_sources_number"), "sources", "number >= 1")
    numbering = op.create_table(
        "numbering",
        sa.Column("collection", sa.String(length=20), nullable=False),
        sa.Column("highest", sa.Integer(), nullable=False),
        sa.CheckConstraint("highest >= 0", name=op.f("ck_numbering_highest")),
        sa.PrimaryKeyConstraint("collection", name=op.f("pk_numbering")),
    )
    op.bulk_insert(numbering, [{"collection": "sources", "highest": len(keys)}])


def _make_sources_anew() -> None:
    """SQLite adds NOT NULL and UNIQUE to a column only by making its table anew: a new table
    is filled with the rows (keys kept), the old one dropped, the new one renamed and given
    the old one's indexes. Foreign keys are not enforced meanwhile (see ``database._upgrade``)."""
    bind = op.get_bind()
    indexes = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sources' "
                                   "AND sql IS NOT NULL ORDER BY name")).scalars().all()
    op.create_table(
        "sources_anew",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("reliability", sa.String(length=1), nullable=False),
        sa.Column("via_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.CheckConstraint(checks.valid_uid(), name=op.f("ck_sources_uid")),
        sa.CheckConstraint(checks.partial_date("published"), name=op.f("ck_sources_published")),
        sa.CheckConstraint("reliability IN ('A', 'B', 'C', 'D', 'E', 'F')", name=op.f("ck_sources_reliability")),
        sa.CheckConstraint("length(trim(title)) > 0", name=op.f("ck_sources_title")),
        sa.CheckConstraint("via_id IS NULL OR via_id <> id", name=op.f("ck_sources_via_self")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_sources_number")),
        sa.ForeignKeyConstraint(["via_id"], ["sources.id"], name=op.f("fk_sources_via_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("uid", name=op.f("uq_sources_uid")),
        sa.UniqueConstraint("number", name=op.f("uq_sources_number")),
    )
    columns = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO sources_anew ({columns}) SELECT {columns} FROM sources")
    op.drop_table("sources")
    op.rename_table("sources_anew", "sources")
    for sql in indexes:
        op.execute(sql)


def downgrade() -> None:
    op.drop_table("numbering")
    if _sqlite():  # the table is made anew, which would lose this index's collation
        op.drop_index("ix_sources_title_nocase", table_name="sources")
    with op.batch_alter_table("sources") as batch:
        batch.drop_constraint(op.f("ck_sources_number"), type_="check")
        batch.drop_constraint(op.f("uq_sources_number"), type_="unique")
        batch.drop_column("number")
        batch.drop_column("text")
    if _sqlite():
        op.execute("CREATE INDEX ix_sources_title_nocase ON sources (title COLLATE NOCASE)")

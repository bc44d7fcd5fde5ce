"""Alembic environment: migrations always run on a connection handed in by Dossier."""

from alembic import context

from dossier.store.tables import metadata

config = context.config
target_metadata = metadata

connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic` run by hand on a file
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()

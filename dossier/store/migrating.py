"""The Alembic configuration every migration run uses: on a workspace file, on a server, or
on an in-memory database the expected schema is built on."""

from __future__ import annotations

from sqlalchemy import Connection


def alembic_config(connection: Connection, migrations: str):
    """Alembic's configuration for running the migrations in ``migrations`` on ``connection``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", migrations)
    cfg.attributes["connection"] = connection
    return cfg

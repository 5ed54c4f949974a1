from __future__ import annotations

from alembic import context

from qinglang.db import Base, make_engine
from qinglang.migrations import load_models

load_models()
config = context.config


def run() -> None:
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        # SQLAlchemy 2 connections do not autocommit; the migration transaction ends here.
        connection.commit()


run()

"""Alembic migrations, run the same way on SQLite and PostgreSQL.

Each domain's tables come in its own revision branching from ``0001`` (so domains can be
built side by side); ``upgrade`` goes to all heads.

``upgrade(engine)`` is what ``qinglang migrate``, the demo and the test suite call: the schema
is always the one the migrations build, never ``create_all``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

# Every module that defines tables; the metadata is complete once these are imported.
MODEL_MODULES = (
    "qinglang.identity.models",
    "qinglang.rules.models",
    "qinglang.content.models",
    "qinglang.policy.models",
    "qinglang.review.models",
    "qinglang.detection.models",
    "qinglang.notices.models",
    "qinglang.evidence.models",
    "qinglang.stream.models",
    "qinglang.authority.models",
    "qinglang.complaints.models",
    "qinglang.credit.models",
    "qinglang.rumors.models",
    "qinglang.feed.models",
)


def load_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    if engine is not None:
        config.attributes["engine"] = engine
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revisions(engine: Engine) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_heads()

"""Migrations build, tear down and rebuild the schema on a fresh database of the suite's engine."""

import uuid

import pytest
import sqlalchemy as sa

from qinglang import migrations
from qinglang.db import Base, make_engine


@pytest.fixture
def fresh_engine(settings, tmp_path):  # noqa: ANN001, ANN201
    if settings.is_sqlite:
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
        return
    admin = make_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    name = f"qinglang_migrations_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}"'))
    admin.dispose()


def test_upgrade_builds_every_table_the_models_declare(fresh_engine) -> None:
    migrations.upgrade(fresh_engine)
    migrations.load_models()
    tables = set(sa.inspect(fresh_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(migrations.alembic_config()).get_heads())
    assert set(migrations.current_revisions(fresh_engine)) == heads


def test_downgrade_to_base_and_upgrade_again(fresh_engine) -> None:
    migrations.upgrade(fresh_engine)
    migrations.downgrade(fresh_engine, "base")
    assert set(sa.inspect(fresh_engine).get_table_names()) <= {"alembic_version"}
    migrations.upgrade(fresh_engine)
    assert "accounts" in sa.inspect(fresh_engine).get_table_names()


def test_models_and_migrations_agree(fresh_engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrations.upgrade(fresh_engine)
    migrations.load_models()
    with fresh_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], "models changed without a migration: run the autogenerate command in CONTRIBUTING.md"

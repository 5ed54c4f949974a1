"""The CLI a platform operator uses first: migrate, demo, openapi, accounts (issue 2)."""

import json

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from qinglang.cli import app
from qinglang.settings import get_settings


@pytest.fixture
def embedded(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """An embedded installation in a temporary folder, as `make run` would create under var/."""
    monkeypatch.setenv("QINGLANG_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("QINGLANG_DATABASE_URL", raising=False)
    monkeypatch.setenv("QINGLANG_PASSWORD_HASH_COST", "1024")
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_demo_builds_a_platform_once(embedded) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "published user-agreement v1" in first.output
    assert "xiaoming" in first.output
    second = runner.invoke(app, ["demo", "--if-empty"])
    assert second.exit_code == 0 and "nothing loaded" in second.output

    engine = sa.create_engine(f"sqlite:///{embedded / 'qinglang.db'}")
    with engine.connect() as connection:
        states = connection.execute(sa.text("SELECT kind, state FROM content_items")).all()
    engine.dispose()
    assert {kind for kind, _ in states} == {"post", "reply", "message", "danmaku"}
    # The demo also shows a held doxxing post (review) and a rumour limited by its debunk (R9.7).
    assert "published" in {state for _, state in states}
    assert {state for _, state in states} <= {"published", "held", "limited"}
    assert (embedded / "secret.key").stat().st_mode & 0o077 == 0


def test_migrate_is_idempotent(embedded) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    again = runner.invoke(app, ["migrate"])
    assert again.exit_code == 0 and "published" not in again.output


def test_openapi_prints_the_api_document(embedded) -> None:
    result = CliRunner().invoke(app, ["openapi"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert "/v1/posts" in document["paths"]


def test_accounts_create_makes_the_first_admin_and_refuses_a_bad_role(embedded) -> None:
    runner = CliRunner()
    runner.invoke(app, ["migrate"])
    ok = runner.invoke(app, ["accounts", "create", "root", "--mobile", "13812345678", "--role", "admin"],
                       input="a long password\na long password\n")
    assert ok.exit_code == 0 and "as admin" in ok.output
    taken = runner.invoke(app, ["accounts", "create", "root", "--mobile", "13812345678"],
                          input="a long password\na long password\n")
    assert taken.exit_code == 2 and "handle_taken" in taken.output
    bad = runner.invoke(app, ["accounts", "create", "x2", "--mobile", "13812345678", "--role", "king"],
                        input="a long password\na long password\n")
    assert bad.exit_code != 0


def test_production_refuses_to_start_without_a_secret(monkeypatch) -> None:
    from pydantic import ValidationError

    from qinglang.settings import Settings

    monkeypatch.delenv("QINGLANG_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="QINGLANG_SECRET_KEY"):
        Settings(environment="production", database_url="postgresql+psycopg://x@localhost/db")


def test_a_command_on_a_database_never_migrated_says_to_migrate(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "QINGLANG_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
           "QINGLANG_VAR_DIR": str(tmp_path)}
    finished = subprocess.run([sys.executable, "-m", "qinglang", "review", "staffing"], env=env,
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode == 2
    assert "run 'qinglang migrate' first" in finished.stderr and "Traceback" not in finished.stderr

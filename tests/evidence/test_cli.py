"""R14.3 from the command line: an operator verifies the chain, exports a case file, purges."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from qinglang.cli import app
from qinglang.db import transaction
from qinglang.runtime import build_runtime
from qinglang.settings import get_settings
from tests.evidence.builders import content_life


@pytest.fixture
def installation(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("QINGLANG_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("QINGLANG_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert CliRunner().invoke(app, ["migrate"]).exit_code == 0
    runtime = build_runtime(get_settings())
    with transaction(runtime.sessions) as session:
        content_life(session, 41)
    runtime.close()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_verify_export_and_purge(installation, tmp_path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["evidence", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "evidence chain OK: 4 records (#1..#4) from genesis" in ok.output

    target = tmp_path / "case-41.json"
    exported = runner.invoke(app, ["evidence", "export", "content", "41", "-o", str(target)])
    assert exported.exit_code == 0, exported.output
    case = json.loads(target.read_text(encoding="utf-8"))
    assert [r["seq"] for r in case["records"]] == [1, 2, 3, 4]
    assert case["records"][3]["payload"]["content"]["body"] == "据说明天全市停水，大家快囤水！"

    purged = runner.invoke(app, ["evidence", "purge", "--dry-run"])
    assert purged.exit_code == 0 and "nothing to purge" in purged.output


def test_verify_fails_loudly_on_tampering(installation) -> None:
    connection = sqlite3.connect(installation / "qinglang.db")
    connection.execute("DROP TRIGGER evidence_records_no_update")
    connection.execute("UPDATE evidence_records SET actor_id = 99 WHERE seq = 3")
    connection.commit()
    connection.close()
    result = CliRunner().invoke(app, ["evidence", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at #3: modified" in result.output

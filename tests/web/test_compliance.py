"""The compliance report (page and CLI) lists every requirement ID with a live figure and the
tests whose docstrings cite it (R14.3 among them: the evidence chain is verified live)."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qinglang.web import compliance
from tests.identity.builders import staff
from tests.web.builders import sign_in

REGULATION = Path(__file__).resolve().parents[3] / "shared" / "regulation" / "REQUIREMENTS.md"


def test_the_shipped_requirement_list_matches_the_regulation() -> None:
    if not REGULATION.exists():
        pytest.skip(f"{REGULATION} is not beside this checkout")
    ids = re.findall(r"^\|\s*(R\d+\.\d+)\s*\|", REGULATION.read_text(encoding="utf-8"), re.MULTILINE)
    assert [r.id for r in compliance.requirements()] == ids


def test_the_page_lists_every_requirement_with_a_figure_and_its_tests(client, db, runtime) -> None:
    official = staff(client, db, runtime, "authority")
    sign_in(client, official)
    page = client.get("/compliance").text
    for requirement in compliance.requirements():
        assert f'<tr id="{requirement.id}">' in page
    r14_3 = page.split('<tr id="R14.3">')[1].split("</tr>")[0]
    assert "证据链校验通过" in r14_3
    assert "tests/evidence/" in r14_3  # found by reading the tests' docstrings


def test_tests_are_found_by_the_requirement_ids_in_their_docstrings(tmp_path) -> None:
    tests = tmp_path / "tests"
    (tests / "x").mkdir(parents=True)
    (tests / "x" / "test_a.py").write_text(
        '"""R9.2: module-wide."""\n\ndef test_one():\n    """R13.4 and R13.5."""\n\ndef helper():\n    """R1.1"""\n'
    )
    found = compliance.covering_tests(tests)
    assert found["R9.2"] == ["tests/x/test_a.py::test_one"]
    assert found["R13.5"] == ["tests/x/test_a.py::test_one"] and "R1.1" not in found


def test_the_cli_writes_the_report_as_one_html_file(settings, tmp_path, monkeypatch) -> None:
    from qinglang.cli import app
    from qinglang.settings import get_settings

    monkeypatch.setenv("QINGLANG_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QINGLANG_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("QINGLANG_VAR_DIR", str(settings.var_dir))
    get_settings.cache_clear()
    try:
        output = tmp_path / "report.html"
        result = CliRunner().invoke(app, ["compliance", "report", "-o", str(output), "--lang", "en"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    html = output.read_text(encoding="utf-8")
    assert all(f'<tr id="{r.id}">' in html for r in compliance.requirements())
    assert "<style>" in html and "evidence chain verified" in html

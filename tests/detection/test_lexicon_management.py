"""R7.1 with R9.1: the platform manages its own lexicon terms through the API and CLI; every
change is a version, and the detector in force picks it up."""

from typer.testing import CliRunner

from qinglang.cli import app as cli_app
from tests.identity.builders import publisher, staff

TERM = "蓝鲸挑战群"


def test_an_added_block_term_blocks_the_next_post_and_its_removal_lifts_it(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    author = publisher(client)
    text = f"快来加入{TERM}，每天完成任务"
    before = client.post("/v1/detect", headers=admin.headers, json={"text": text}).json()
    assert before["scores"].get("illegal.violence", 0) < 0.5

    added = client.post(
        "/v1/lexicon/terms", headers=admin.headers, json={"term": TERM, "category": "illegal.violence", "tier": "block"}
    )
    assert added.status_code == 201, added.text
    signals = client.post("/v1/detect", headers=admin.headers, json={"text": text}).json()
    assert "illegal.violence" in signals["flags"]
    span = next(e for e in signals["evidence"] if e["category"] == "illegal.violence")
    assert text[span["start"] : span["end"]] == TERM
    assert client.post("/v1/posts", headers=author.headers, json={"body": text}).json()["state"] == "blocked"

    removed = client.delete(f"/v1/lexicon/terms/{added.json()['id']}", headers=admin.headers)
    assert removed.status_code == 200
    assert client.post("/v1/posts", headers=author.headers, json={"body": text}).json()["state"] == "published"
    summaries = [v["summary"] for v in client.get("/v1/lexicon/versions", headers=admin.headers).json()]
    assert summaries[:2] == [f"remove {TERM}", f"add {TERM}"]


def test_imports_skip_duplicates_and_refuse_unknown_categories(client, db, runtime) -> None:
    admin = staff(client, db, runtime, "admin")
    row = "假药代购,illegal.false_information,weak,\n"
    csv_text = "term,category,tier,variants\n" + row + row
    first = client.post("/v1/lexicon/imports", headers=admin.headers, json={"format": "csv", "content": csv_text})
    assert first.status_code == 201 and first.json()["added"] == 1
    again = client.post("/v1/lexicon/imports", headers=admin.headers, json={"format": "csv", "content": csv_text})
    assert again.json()["added"] == 0
    bad = client.post(
        "/v1/lexicon/imports",
        headers=admin.headers,
        json={"format": "txt", "content": "某词\n", "category": "illegal.nonsense"},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_category"
    no_category = client.post("/v1/lexicon/imports", headers=admin.headers, json={"format": "txt", "content": "某词\n"})
    assert no_category.json()["code"] == "category_required"
    listed = client.get("/v1/lexicon/terms", headers=admin.headers, params={"q": "假药"}).json()
    assert [t["term"] for t in listed["items"]] == ["假药代购"]


def test_reviewers_can_read_but_not_change_the_lexicon(client, db, runtime) -> None:
    reviewer = staff(client, db, runtime, "reviewer")
    assert client.get("/v1/lexicon/terms", headers=reviewer.headers).status_code == 200
    response = client.post(
        "/v1/lexicon/terms",
        headers=reviewer.headers,
        json={"term": "x词", "category": "illegal.violence", "tier": "block"},
    )
    assert response.status_code == 403


def test_cli_imports_a_txt_file(tmp_path, monkeypatch) -> None:
    from qinglang.settings import get_settings

    monkeypatch.setenv("QINGLANG_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("QINGLANG_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(cli_app, ["migrate"]).exit_code == 0
        terms = tmp_path / "terms.txt"
        terms.write_text("# comment\n赌博网站\n网络赌场\n\n", encoding="utf-8")
        result = runner.invoke(cli_app, ["lexicon", "import", str(terms), "--category", "platform.spam"])
        assert result.exit_code == 0, result.output
        assert "read 2 terms, added 2" in result.output
        listed = runner.invoke(cli_app, ["lexicon", "list"])
        assert "赌博网站" in listed.output and "网络赌场" in listed.output
        bad = runner.invoke(cli_app, ["lexicon", "import", str(terms), "--category", "nope"])
        assert bad.exit_code == 2 and "unknown_category" in bad.output
    finally:
        get_settings.cache_clear()

"""``qinglang authority check`` and ``qinglang bench authority``."""

from typer.testing import CliRunner

from qinglang.cli import app


def test_check_names_what_is_wrong_in_a_routing_file(tmp_path) -> None:  # noqa: ANN001
    """R4.1: an operator validates the routing file before deploying it."""
    good = CliRunner().invoke(app, ["authority", "check"])
    assert good.exit_code == 0 and "9 departments, 7 rules" in good.output
    broken = tmp_path / "routing.yaml"
    broken.write_text("version: 1\ncity: {code: '3101', name: x}\ndepartments: []\nrules: []\n")
    result = CliRunner().invoke(app, ["authority", "check", str(broken)])
    assert result.exit_code == 1
    assert "departments: List should have at least 1 item" in result.output


def test_the_benchmark_prints_filing_rate_and_inbox_latency(tmp_path) -> None:  # noqa: ANN001
    result = CliRunner().invoke(
        app, ["bench", "authority", "--reports", "1000", "--filings", "20", "--lists", "10"]
    )
    assert result.exit_code == 0, result.output
    assert "reports_in_db=" in result.output and "reports/s" in result.output
    assert "inbox official" in result.output and "p99" in result.output

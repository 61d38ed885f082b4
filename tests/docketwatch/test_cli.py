"""The CLI's contract with scripts: output on stdout, clear errors, trustworthy exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from launcher.cli import app
from launcher.stack import free_port

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sudrf"
LIST = GOLDEN / "2zovs_search_r_criminal1inst_article205.1_page1.excerpt.cp1251.html"
runner = CliRunner()


def test_parse_prints_one_json_line_per_case() -> None:
    result = runner.invoke(app, ["parse", str(LIST), "--court", "77OV0000"])
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(lines) == 25
    assert {x["court_code"] for x in lines} == {"77OV0000"}
    assert sum(1 for x in lines if x["decision_class"] == "verdict") == 9


def test_parse_of_a_captcha_page_says_so() -> None:
    result = runner.invoke(app, ["parse", str(GOLDEN / "captcha_wrong_code_3ksoyu.utf8.html")])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "file": str(GOLDEN / "captcha_wrong_code_3ksoyu.utf8.html"), "state": "wrong_captcha"}


def test_parse_finds_the_kind_of_each_page_itself() -> None:
    """A list and a card in one call, no --kind: each is read as what the page is."""
    card = GOLDEN / "district_criminal_card_leninsky_ufa_1-151_2026.utf8.html"
    result = runner.invoke(app, ["parse", str(LIST), str(card), "--court", "03RS0004"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["kind"] for x in lines] == ["list"] * 25 + ["card"]
    assert lines[-1]["case_number"].startswith("1-151/2026")
    # --kind is still accepted, and forcing the wrong one is an error, not a guess.
    forced = runner.invoke(app, ["parse", str(card), "--kind", "list"])
    assert forced.exit_code == 1
    assert "expected a results page" in forced.stderr


def test_parse_reads_a_window_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "window.json"
    manifest.write_text(json.dumps({
        "court_code": "77OV0000", "date_from": "2024-01-01", "date_to": "2024-01-31",
        "total": 1, "rows": [{"case_uid": "u-1", "case_id": "1", "case_number": "1-1/2024"}],
    }))
    result = runner.invoke(app, ["parse", str(manifest)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "file": str(manifest), "kind": "window", "court_code": "77OV0000",
        "date_from": "2024-01-01", "date_to": "2024-01-31",
        "case_uid": "u-1", "case_id": "1", "case_number": "1-1/2024"}


@pytest.mark.parametrize(("args", "code", "message"), [
    (["demo", "--as-of", "27.12.2024"], 2, "is not a date"),
    (["backfill", "--court", "99XX0000"], 2, "unknown court code"),
    (["backfill", "--start", "yesterday"], 2, "is not a date"),
    (["report", "--year", "1999"], 2, "2022 or later"),
    (["report", "--year", "2024", "--lang", "de"], 2, "--lang must be one of ru, en"),
    (["replay", "--group", "docketwatch-parser"], 2, "NEW consumer group"),
    (["parse", "/nonexistent.html"], 2, "no such file"),
])
def test_bad_input_gets_a_clear_error_and_exit_code(args: list[str], code: int,
                                                    message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code
    assert message in " ".join(result.output.split())


READS = [["sql", "SELECT 1"], ["report", "--year", "2024"], ["alerts"], ["alerts", "--active"]]


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_read_with_nothing_listening_is_one_line_and_exit_3(
        monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("DW_CLICKHOUSE_URL", url)
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (f"error: {url} is unreachable (Connection refused); "
                             "is the aggregator running?\n")


@pytest.mark.parametrize(("name", "value", "line"), [
    ("DW_CLICKHOUSE_URL", "chdb:///var/store",
     "error: bad setting DW_CLICKHOUSE_URL: 'chdb:///var/store' is not an http(s) URL\n"),
    ("DW_CLICKHOUSE_TIMEOUT_S", "soon",
     "error: bad setting: DW_CLICKHOUSE_TIMEOUT_S: Input should be a valid number, unable to "
     "parse string as a number\n"),
])
@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_bad_read_setting_is_one_line_and_exit_2(
        monkeypatch: pytest.MonkeyPatch, args: list[str], name: str, value: str,
        line: str) -> None:
    monkeypatch.setenv(name, value)
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line)

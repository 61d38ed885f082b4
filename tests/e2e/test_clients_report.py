"""ClickHouse's own clients read the embedded store the aggregator serves, and read the same
numbers as ``docketwatch report --year 2024``: clickhouse-connect (and pandas through it),
the official Node client, the JDBC driver, curl. The pipeline is the real one (simulator →
fetcher → Kafka → parser → Kafka → aggregator with chDB)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, datetime, time
from typing import Any

import clickhouse_connect
import pytest

from docketwatch.settings import REPO_ROOT
from launcher.cli import REPORT_SQL
from launcher.stack import Stack
from tests.e2e.conftest import Corpus

pytestmark = pytest.mark.integration

LITERAL = "SELECT * FROM year_summary(year = 2024, since = '2022-02-24')"
JARS = REPO_ROOT / ".cache" / "clients" / "jdbc"
NODE = REPO_ROOT / "tests" / "clients" / "node"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(scale=0.05, courts_limit=6)  # a 2024 year summary of some size


def cell(value: Any) -> str:
    """One spelling of a value across clients (JSON text, Java's toString, Python)."""
    if value is None:
        return "NULL"
    if isinstance(value, datetime) and value.time() == time():  # pandas: a Date as Timestamp
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def table(columns: list[str], rows: list[list[Any]]) -> list[dict[str, str]]:
    return [{c: cell(v) for c, v in zip(columns, row, strict=True)} for row in rows]


@pytest.fixture(scope="module")
def report(pipeline: Stack) -> list[dict[str, str]]:
    """What `docketwatch report --year 2024` prints (its JSON form)."""
    out = subprocess.run(
        [sys.executable, "-m", "launcher.cli", "report", "--year", "2024", "--format", "json"],
        check=True, capture_output=True, text=True, cwd=REPO_ROOT,
        env={**os.environ, "DW_CLICKHOUSE_URL": pipeline.clickhouse_url})
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    got = [{k: cell(v) for k, v in r.items()} for r in rows]
    assert [r["line"] for r in got] == ["332", "337", "338", "refusal"], got
    assert int(got[-1]["received"]) > 50  # not trivially small
    return got


def test_clickhouse_connect_and_pandas(pipeline: Stack, report: list[dict[str, str]]) -> None:
    client = clickhouse_connect.get_client(host="127.0.0.1", port=pipeline.clickhouse_port)
    try:
        result = client.query(REPORT_SQL, parameters={"year": 2024, "since": "2022-02-24"})
        assert table(list(result.column_names), [list(r) for r in result.result_rows]) == report
        df = client.query_df(LITERAL)
        assert table(list(df.columns), df.astype(object).where(df.notna(), None)
                     .values.tolist()) == report
    finally:
        client.close()


def test_curl_with_server_side_parameters(pipeline: Stack, report: list[dict[str, str]]) -> None:
    out = subprocess.run(
        ["curl", "-sS", "--fail-with-body",
         f"{pipeline.clickhouse_url}/?param_year=2024&param_since=2022-02-24",
         "--data-binary", REPORT_SQL + " FORMAT CSVWithNames"],
        check=True, capture_output=True, text=True)
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert table(rows[0], [[None if v == "\\N" else v for v in r] for r in rows[1:]]) == report


def test_the_official_node_client(pipeline: Stack, report: list[dict[str, str]]) -> None:
    out = subprocess.run(
        ["node", str(NODE / "report.mjs"), pipeline.clickhouse_url, REPORT_SQL, "year=2024",
         "since=2022-02-24"], check=True, capture_output=True, text=True, cwd=NODE)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [{k: cell(v) for k, v in r.items()} for r in rows] == report


def test_the_jdbc_driver(pipeline: Stack, report: list[dict[str, str]]) -> None:
    java = REPO_ROOT / "tests" / "clients" / "java" / "Report.java"
    url = f"jdbc:clickhouse://127.0.0.1:{pipeline.clickhouse_port}/default"
    out = subprocess.run(["java", "-cp", f"{JARS}/*", str(java), url, LITERAL],
                         check=True, capture_output=True, text=True, timeout=300)
    lines = [line.split("\t") for line in out.stdout.splitlines()]
    assert table(lines[0], lines[1:]) == report


def test_the_report_as_xlsx_and_markdown(pipeline: Stack, report: list[dict[str, str]],
                                         tmp_path: Any) -> None:
    """The published year table as a spreadsheet and as Markdown: the same numbers as the
    JSON report, the lines labelled as published, the columns defined."""
    from openpyxl import load_workbook

    from docketwatch import i18n
    from docketwatch.store.definitions import FIGURES
    from docketwatch.store.report import LINE_LABELS

    def run(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "launcher.cli", "report", "--year", "2024", *args],
            check=True, capture_output=True, text=True, cwd=REPO_ROOT,
            env={**os.environ, "DW_CLICKHOUSE_URL": pipeline.clickhouse_url}).stdout

    path = tmp_path / "year.xlsx"
    run("--format", "xlsx", "--output", str(path))
    book = load_workbook(path)
    sheet = book["year 2024"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(report[0])
    assert [r[0] for r in rows[1:]] == [LINE_LABELS[r["line"]] for r in report]
    numbers = [c for c in report[0] if c not in ("line", "record_month")]
    for got, want in zip(rows[1:], report, strict=True):
        row = dict(zip(rows[0], got, strict=True))
        assert {c: row[c] for c in numbers} == {c: int(want[c]) for c in numbers}
    about = [r[0] for r in book["about"].iter_rows(values_only=True)]
    assert f"sentenced: {FIGURES['sentenced']}" in about

    md = run("--format", "md").splitlines()
    assert md[0] == "| " + " | ".join(report[0]) + " |"
    refusal = next(line for line in md if line.startswith(f"| {LINE_LABELS['refusal']} |"))
    with i18n.using("en"):  # Markdown is read: numbers grouped as the language writes them
        assert refusal.split(" | ")[1] == i18n.format_number(int(report[-1]["received"]))
    assert f"- sentenced: {FIGURES['sentenced']}" in md

    # --lang ru: the same numbers under Russian headers and labels (DW_LANG is en here)
    ru = run("--format", "md", "--lang", "ru").splitlines()
    with i18n.using("ru"):
        assert ru[0] == "| " + " | ".join(i18n.column(c) for c in report[0]) + " |"
        label = i18n.gettext(LINE_LABELS["refusal"])
        assert label == "отказ от службы (дела)"
        row = next(line for line in ru if line.startswith(f"| {label} |"))
        assert row.split(" | ")[1] == i18n.format_number(int(report[-1]["received"]))

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

from clickhouse_connect.driver.client import Client

from docketwatch.categories import article_group
from docketwatch.store.reference import load_courts
from docketwatch.store.sink import write_events

from .factories import make_event

STORE_CSV = (
    Path(__file__).resolve().parents[2] / "docketwatch/data/military_courts.csv"
)
# sha256 of the original, shared/fixtures/sudrf/military_courts.csv (the directory of
# Nov 2023), taken when it was copied in: the test needs nothing outside the repository.
SOURCE_SHA256 = "ab36ad959963a756ba445182242e2233286df93319771465215b9c429dcdd5aa"

GROUP_CASES = {
    "332": "refusal", "337": "refusal", "338": "refusal", "331": "military",
    "334": "military", "352": "military", "352.1": "military", "330": "other",
    "353": "other", "205.1": "other", "105": "other", "": "unknown",
}


def test_court_csv_is_a_verbatim_copy_of_the_directory() -> None:
    assert hashlib.sha256(STORE_CSV.read_bytes()).hexdigest() == SOURCE_SHA256


def test_courts() -> None:
    courts = load_courts()
    assert len(courts) == 111
    assert Counter(c.type for c in courts) == {"GV": 100, "OV": 9, "AV": 1, "KV": 1}
    by_code = {c.code: c for c in courts}
    assert by_code["25GV0001"].district_code == "25OV0000"
    assert by_code["25GV0001"].region == "Приморский край"
    assert by_code["54GV0001"].district_code is None  # not derivable from the directory
    assert by_code["63GV0008"].region == "Республика Башкортостан"
    with STORE_CSV.open(encoding="utf-8") as f:
        assert {r["vnkod"] for r in csv.DictReader(f)} == set(by_code)


def test_courts_table(store: Client) -> None:
    assert store.command("SELECT count() FROM courts FINAL") == 111
    assert store.query(
        "SELECT region, district_code FROM court_regions WHERE court_code = {c:String}",
        parameters={"c": "25GV0001"},
    ).result_rows == [("Приморский край", "25OV0000")]


def test_article_group_python() -> None:
    for article, group in GROUP_CASES.items():
        assert article_group(article) == group, article


def test_article_group_sql_agrees_with_python(store: Client) -> None:
    # tests/aggregator/test_categories.py checks many more articles, and case categories
    events = [
        make_event(f"1-{i}/2024", observed="2024-08-01T10:00:00", arts=[[a]] if a else [])
        for i, a in enumerate(GROUP_CASES)
    ]
    write_events(store, events)
    rows = store.query("SELECT article, article_group FROM case_articles").result_rows
    assert {str(a): str(c) for a, c in rows} == GROUP_CASES
    listed_rows = store.query("SELECT article, article_group FROM articles").result_rows
    listed = {str(a): str(c) for a, c in listed_rows}
    for article, group in listed.items():
        assert article_group(article) == group, article
    assert store.query(
        "SELECT name FROM articles WHERE article = '337'"
    ).result_rows == [("Самовольное оставление части или места службы",)]

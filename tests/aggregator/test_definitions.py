"""Every view carries its definition in the store (what any ClickHouse client sees), and
a view a migration re-creates gets it back."""

from __future__ import annotations

from clickhouse_connect.driver.client import Client

from docketwatch.store import migrate
from docketwatch.store.definitions import FIGURES, VIEWS, figures_of


def comments(store: Client) -> dict[str, str]:
    return {str(n): str(c) for n, c in store.query(
        "SELECT name, comment FROM system.tables WHERE database = currentDatabase() "
        "AND engine = 'View'").result_rows}


def test_every_view_has_its_definition_as_its_comment(store: Client) -> None:
    assert comments(store) == VIEWS
    assert all(20 < len(text) < 400 for text in [*VIEWS.values(), *FIGURES.values()])


def test_a_recreated_view_gets_its_comment_back(store: Client) -> None:
    store.command("CREATE OR REPLACE VIEW court_regions AS "
                  "SELECT code AS court_code FROM courts FINAL")
    assert comments(store)["court_regions"] == ""
    migrate(store)
    assert comments(store)["court_regions"] == VIEWS["court_regions"]


def test_figures_of_names_only_the_numbers_it_defines() -> None:
    assert figures_of(["month", "refusal_cases", "status"]) == {
        "refusal_cases": FIGURES["refusal_cases"]}

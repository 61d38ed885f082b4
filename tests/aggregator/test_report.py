"""year_summary on the hand-made dataset (dataset.py); expected values worked out by hand."""

from __future__ import annotations

from datetime import date

from clickhouse_connect.driver.client import Client

from docketwatch.store.definitions import FIGURES
from docketwatch.store.report import SummaryLine, format_year_summary, year_summary
from docketwatch.store.sink import write_events

from .dataset import hand_dataset

JUL, AUG = date(2024, 7, 1), date(2024, 8, 1)


def test_year_summary_2024(store: Client) -> None:
    write_events(store, hand_dataset())
    s = year_summary(store, 2024)
    assert s.since == date(2022, 2, 24)
    # 337: A, B, D, I received; A sentenced; B returned. Since 24 Feb 2022: K (Jan 2022)
    # is excluded. 338: B in 2024 (+ J in 2023). 332: C. refusal: B counted once.
    assert s.lines == {
        "332": SummaryLine("332", 1, 1, 0, 1, 1, 0, AUG, 1),
        "337": SummaryLine("337", 4, 1, 1, 4, 1, 1, JUL, 3),
        "338": SummaryLine("338", 1, 0, 1, 2, 1, 1, JUL, 1),
        "refusal": SummaryLine("refusal", 5, 2, 1, 6, 3, 1, JUL, 3),
    }
    # latest observation 2024-10-05, 60-day window: August 2024 onwards is provisional
    assert s.provisional_months == (AUG, date(2024, 9, 1), date(2024, 10, 1))
    text = format_year_summary(s)
    assert "337 AWOL" in text
    assert "2024-07: 3" in text
    assert "provisional (inside the publication-delay window): 2024-08, 2024-09, 2024-10" in text
    # What each column means, under the table.
    assert f"sentenced: {FIGURES['sentenced']}" in text.splitlines()


def test_year_summary_earlier_since_and_empty_year(store: Client) -> None:
    write_events(store, hand_dataset())
    s = year_summary(store, 2024, since=date(2022, 1, 1))
    assert s.lines["337"].received_since == 5  # now including K
    empty = year_summary(store, 2021)
    assert all(
        ln == SummaryLine(key, 0, 0, 0, 0, 0, 0, None, 0) for key, ln in empty.lines.items()
    )
    assert empty.provisional_months == ()

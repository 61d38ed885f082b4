"""The working-day calendar must equal FIGURES.md's reviewed table, month by month."""

from __future__ import annotations

from datetime import date

from clickhouse_connect.driver.client import Client

from docketwatch.work_calendar import calendar_days, monthly_working_days

# Copied from ../shared/reference/FIGURES.md ("Official Russian working days per month").
# This table is the specification; do not regenerate it from code.
FIGURES_WORKING_DAYS = {
    2022: (16, 19, 22, 21, 18, 21, 21, 23, 22, 21, 21, 22),
    2023: (17, 18, 22, 20, 20, 21, 21, 23, 21, 22, 21, 21),
    2024: (17, 20, 20, 21, 20, 19, 23, 22, 21, 23, 21, 21),
    2025: (17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22),
    2026: (15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22),
}
FIGURES_TOTALS = {2022: 247, 2023: 247, 2024: 248, 2025: 247, 2026: 247}


def test_figures_table_is_self_consistent() -> None:
    for year, months in FIGURES_WORKING_DAYS.items():
        assert sum(months) == FIGURES_TOTALS[year]


def test_python_calendar_matches_figures() -> None:
    counts = monthly_working_days()
    for year, months in FIGURES_WORKING_DAYS.items():
        assert tuple(counts[(year, m)] for m in range(1, 13)) == months, year


def test_sql_calendar_matches_figures(store: Client) -> None:
    rows = store.query(
        "SELECT toYear(month), toMonth(month), working_days FROM working_days_monthly "
        "ORDER BY month"
    ).result_rows
    got: dict[int, list[int]] = {}
    for year, month, days in rows:
        got.setdefault(year, []).append(days)
        assert len(got[year]) == month
    for year, months in FIGURES_WORKING_DAYS.items():
        assert tuple(got[year]) == months, year
    assert sorted(got) == [2022, 2023, 2024, 2025, 2026, 2027]
    assert len(got[2027]) == 12


def test_transfers() -> None:
    days = {d.day: d for d in calendar_days(date(2024, 1, 1), date(2024, 12, 31))}
    # working Saturdays (transfers) are working days
    assert days[date(2024, 4, 27)].is_working_day
    assert days[date(2024, 11, 2)].is_working_day
    assert days[date(2024, 12, 28)].is_working_day
    # the Mondays they were moved to are not
    assert not days[date(2024, 4, 29)].is_working_day
    assert not days[date(2024, 12, 30)].is_working_day
    assert not days[date(2024, 1, 8)].is_working_day
    assert days[date(2024, 1, 8)].holiday_name != ""

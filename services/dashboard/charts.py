"""Chart data for the pages, built from API payload rows.

The browser only draws: series are computed here and passed to it as JSON (in a
``<script type="application/json">`` block, never as script source), so nothing read from
a court page can become code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from docketwatch.i18n import month_abbr, term

Chart = dict[str, Any]


def month_grid(months: Iterable[str]) -> list[str]:
    """Every month from the first to the last, so a month without cases shows as 0."""
    parsed = sorted({date.fromisoformat(m) for m in months})
    if not parsed:
        return []
    out: list[str] = []
    y, m = parsed[0].year, parsed[0].month
    last = parsed[-1]
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}-01")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def stacked(rows: Sequence[Mapping[str, Any]], series: str, value: str,
            order: Sequence[str]) -> Chart:
    """Monthly stacks: one dataset per value of ``series`` (in ``order`` first)."""
    labels = month_grid(r["month"] for r in rows)
    index = {m: i for i, m in enumerate(labels)}
    keys = [k for k in order if any(r[series] == k for r in rows)]
    keys += sorted({str(r[series]) for r in rows} - set(keys))
    data = {k: [0] * len(labels) for k in keys}
    provisional = [False] * len(labels)
    for r in rows:
        data[str(r[series])][index[r["month"]]] += int(r[value])
        provisional[index[r["month"]]] |= r.get("status") == "provisional"
    return {"labels": [m[:7] for m in labels], "provisional": provisional,
            "datasets": [{"key": k, "label": term(k), "data": data[k]}
                         for k in keys]}


def line(rows: Sequence[Mapping[str, Any]], value: str, label: str) -> Chart:
    return {"labels": [str(r["month"])[:7] for r in rows],
            "provisional": [r.get("status") == "provisional" for r in rows],
            "datasets": [{"key": value, "label": label,
                          "data": [r[value] for r in rows]}]}


def year_over_year(rows: Sequence[Mapping[str, Any]]) -> Chart:
    """One line per calendar year over January…December; a month of the year is marked
    provisional when some year's value for it is (in practice: the latest months)."""
    years: dict[int, list[int | None]] = {}
    provisional = [False] * 12
    for r in rows:
        years.setdefault(int(r["year"]), [None] * 12)[int(r["month_of_year"]) - 1] = int(
            r["value"])
        provisional[int(r["month_of_year"]) - 1] |= r.get("status") == "provisional"
    return {"labels": [month_abbr(m) for m in range(1, 13)], "provisional": provisional,
            "datasets": [{"key": str(y), "label": str(y), "data": years[y]}
                         for y in sorted(years)]}

"""The dashboard's charts, each built once from the API's payloads: the pages embed the
chart's JSON for the browser to draw, and /api/v1/charts/{name}.svg|png draws the same JSON
on the server (services.dashboard.render), so a downloaded chart is the page's chart.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from docketwatch.i18n import _, term
from docketwatch.store.definitions import display_rate, view_text
from services.dashboard import charts, queries
from services.dashboard.data import Store

CATEGORY_ORDER = queries.CATEGORIES  # the stacks, bottom to top
CLASS_ORDER = ("verdict", "terminated", "returned_to_prosecutor", "transferred",
               "other_ruling", "medical_measures", "other", "unclassified")
NAMES = ("received", "decisions", "per-day", "yoy", "suspended")
NATIONAL = queries.Filters()


@dataclass(frozen=True)
class Figure:
    name: str  # one of NAMES: /api/v1/charts/{name}.svg
    kind: str  # how dashboard.js draws it: stacked | line | yoy
    title: str
    note: str
    chart: charts.Chart
    query: dict[str, str]  # the chart's own query parameters, for its download links


def _query(category: str | None, filters: queries.Filters) -> dict[str, str]:
    out = {"category": category or "", "court": filters.court or "",
           "region": filters.region or ""}
    return {k: v for k, v in out.items() if v}


def _rounded(values: list[Any]) -> list[float | None]:
    """Rates as they are shown (display_rate): the chart's tooltips and labels read them."""
    return [None if v is None else float(display_rate(v)) for v in values]


async def build(store: Store, name: str, category: str | None,
                filters: queries.Filters = NATIONAL) -> Figure:
    """One chart. ``category``: received → only that category (None: every category
    stacked); the others → that category (None: refusal)."""
    q = _query(category, filters)
    if name == "received":
        rows = (await store.listing(queries.received(filters, category)))["data"]
        title = (_("{category} cases received per month, by category").format(
            category=term(category)) if category else _("Cases received per month, by category"))
        return Figure(name, "stacked", title, view_text("monthly_received_by_category"),
                      charts.stacked(rows, "category", "cases", CATEGORY_ORDER), q)
    category = category or "refusal"
    q = _query(category, filters)
    if name == "decisions":
        rows = (await store.listing(queries.decisions(filters, category)))["data"]
        return Figure(name, "stacked", _("Decisions per month, by class ({category})").format(
                          category=term(category)),
                      view_text("monthly_decisions_by_category"),
                      charts.stacked(rows, "decision_class", "cases", CLASS_ORDER), q)
    if filters != NATIONAL:
        raise ValueError(f"the {name} chart is national: no court or region")
    if name == "per-day":
        one, every = await asyncio.gather(
            store.listing(queries.verdicts_per_working_day(category)),
            store.listing(queries.verdicts_per_working_day("all")))
        chart = charts.line(one["data"], "per_day", _("{category} verdicts per day").format(
            category=term(category)))
        all_by_month = {r["month"][:7]: r["per_day"] for r in every["data"]}
        chart["datasets"].append({"key": "all", "label": _("all verdicts per day"),
                                  "data": [all_by_month.get(m) for m in chart["labels"]]})
        for dataset in chart["datasets"]:
            dataset["data"] = _rounded(dataset["data"])
        return Figure(name, "line", _("Verdicts per working day"),
                      view_text("verdicts_per_working_day"), chart, q)
    if name == "yoy":
        rows = (await store.listing(queries.year_over_year("received", category)))["data"]
        return Figure(name, "yoy", _("Year over year: {category} cases received").format(
                          category=term(category)),
                      _("One line per year.") + " " + view_text("monthly_rolling"),
                      charts.year_over_year(rows), q)
    if name == "suspended":
        rows = (await store.listing(queries.suspended_share(category)))["data"]
        return Figure(name, "line", _("Suspended sentences ({category})").format(
                          category=term(category)),
                      view_text("suspended_share") + " " + _(
                          "Acts appear weeks to months after the verdict, so recent months "
                          "are thin."),
                      charts.line(rows, "suspended_pct",
                                  _("% of sentences suspended (art. 73)")), q)
    raise ValueError(f"no chart {name}")

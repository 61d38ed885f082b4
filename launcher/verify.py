"""The store's published numbers against the court simulator's truth, with every loss
explained by what the fetcher reported, or not.

Used by the end-to-end tests and by ``bench/bench_counts.py``. A case of the truth that the
store misses or shows differently is put down to one cause, the first that applies:

- ``blocked``: its court was reported blocked (captcha, WAF) or failed (outage, circuit
  open) in a pass report;
- ``incomplete``: a window that covers the case (its receipt window, or its decision window)
  was reported incomplete;
- ``unreported``: nothing said so. Numbers that go to print must have none of these.

Each published view is compared cell by cell too (truth rows against the view's rows):
``lost`` and ``extra`` sum the deficits and surpluses over its cells, and ``unreported``
counts the deficits and surpluses in courts no report named at all. The national views
(``monthly_measures``, ``verdicts_per_working_day`` on the official calendar), each year's
``year_summary`` and the provisional cut-off (``publication_status``) are compared row by
row: any difference is unreported unless some court was reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from docketwatch.settings import COUNT_SINCE

Query = Callable[[str, dict[str, Any] | None], list[list[Any]]]
Cell = tuple[str, ...]

# view → (SQL giving (cell columns..., count), truth table, truth cell keys)
VIEWS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "monthly_received": (
        "SELECT formatDateTime(month, '%Y-%m'), article, court_code, sum(cases) "
        "FROM monthly_received GROUP BY 1, 2, 3",
        "monthly_received", ("month", "article", "court")),
    "monthly_received_by_category": (
        "SELECT formatDateTime(month, '%Y-%m'), category, court_code, sum(cases) "
        "FROM monthly_received_by_category GROUP BY 1, 2, 3",
        "monthly_received_by_category", ("month", "category", "court")),
    "monthly_decisions": (
        "SELECT formatDateTime(month, '%Y-%m'), decision_class, article, court_code, "
        "sum(cases) FROM monthly_decisions GROUP BY 1, 2, 3, 4",
        "monthly_decided_by_article", ("month", "decision_class", "article", "court")),
    "monthly_decisions_by_category": (
        "SELECT formatDateTime(month, '%Y-%m'), decision_class, category, court_code, "
        "sum(cases) FROM monthly_decisions_by_category GROUP BY 1, 2, 3, 4",
        "monthly_decided", ("month", "decision_class", "category", "court")),
}
# National views and figures, compared row by row with the truth as text; a status column
# is the truth's month measured against the store's publication delay (a setting).
PUBLISHED: dict[str, tuple[str, tuple[str, ...]]] = {
    "monthly_measures": (
        "SELECT measure, category, formatDateTime(month, '%Y-%m'), toString(value), status "
        "FROM monthly_measures", ("measure", "category", "month", "value", "status")),
    "verdicts_per_working_day": (
        "SELECT formatDateTime(month, '%Y-%m'), category, toString(verdicts), "
        "toString(working_days), toDecimalString(per_day, 1), status "
        "FROM verdicts_per_working_day",
        ("month", "category", "verdicts", "working_days", "per_day", "status")),
}
YEAR_SUMMARY_SQL = (
    "SELECT line, toString(received), toString(sentenced), toString(other_decisions), "
    "toString(received_since), toString(sentenced_since), toString(other_decisions_since), "
    "if(record_month_received = 0, 'None', formatDateTime(record_month, '%Y-%m')), "
    "toString(record_month_received) "
    "FROM year_summary(year = {year:UInt16}, since = {since:Date})")
YEAR_SUMMARY_KEYS = ("line", "received", "sentenced", "other_decisions", "received_since",
                     "sentenced_since", "other_decisions_since", "record_month",
                     "record_month_received")
PUBLICATION_SQL = ("SELECT toString(docket_date), publication_delay_days, "
                   "toString(complete_through) FROM publication_status")
CASES_SQL = ("SELECT court_code, case_number, toString(receipt_date), articles, "
             "toString(decision_date), ifNull(toString(decision_class), '') FROM cases")
CAUSES = ("blocked", "incomplete", "unreported")


@dataclass
class ViewDiff:
    lost: int = 0
    extra: int = 0
    unreported: int = 0  # lost + extra in courts that no report named


@dataclass
class Verification:
    truth_cases: int = 0
    store_cases: int = 0
    lost: Counter[str] = field(default_factory=Counter)  # cause → cases missing
    wrong: Counter[str] = field(default_factory=Counter)  # cause → cases shown differently
    extra: int = 0  # cases the truth does not have
    views: dict[str, ViewDiff] = field(default_factory=dict)
    # national view → rows of the store not in the truth ('+') and of the truth not in it
    published: dict[str, list[str]] = field(default_factory=dict)
    # some court was reported (blocked, failed, incomplete): a national difference is
    # put down to that; with no report at all it is unreported
    reported: bool = False
    examples: list[str] = field(default_factory=list)  # a few unreported ones, for a reader

    @property
    def unreported(self) -> int:
        return (self.lost["unreported"] + self.wrong["unreported"] + self.extra
                + sum(v.unreported for v in self.views.values())
                + (0 if self.reported else sum(map(len, self.published.values()))))

    @property
    def exact(self) -> bool:
        """The store equals the truth: nothing lost, wrong or extra, every view equal."""
        return (not sum(self.lost.values()) and not sum(self.wrong.values())
                and not self.extra and not any(v.lost or v.extra for v in self.views.values())
                and not any(self.published.values()))


class Reports:
    """What the fetcher's pass reports (``last_pass.json``) said, merged over passes."""

    def __init__(self, reports: Iterable[dict[str, Any]]) -> None:
        self.down: set[str] = set()
        self.windows: dict[str, list[tuple[str, str, str]]] = {}
        for r in reports:
            self.down |= set(r.get("blocked", {})) | set(r.get("failed", {}))
            for i in r.get("incomplete", []):
                self.windows.setdefault(i["court"], []).append(
                    (i["kind"], i["date_from"], i["date_to"]))

    def named(self, court: str) -> bool:
        return court in self.down or court in self.windows

    def cause(self, court: str, receipt: str | None, decision: str | None) -> str:
        if court in self.down:
            return "blocked"
        for kind, start, end in self.windows.get(court, []):
            day = receipt if kind == "receipt" else decision
            if day is not None and start <= day <= end:
                return "incomplete"
        return "unreported"


def _case_rows(truth: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {(c["court"], c["case_number"]): (
        c["receipt_date"], tuple(sorted(c["articles"])), c["decision_date"],
        c["decision_class"] or "") for c in truth["cases"]}


def verify(query: Query, truth: dict[str, Any],
           reports: Iterable[dict[str, Any]] = ()) -> Verification:
    said = Reports(reports)
    out = Verification()
    want = _case_rows(truth)
    got = {(str(c), str(n)): (r, tuple(sorted(a)), d, k)
           for c, n, r, a, d, k in query(CASES_SQL, None)}
    out.truth_cases, out.store_cases = len(want), len(got)
    for key, case in want.items():
        mine = got.get(key)
        if mine == case:
            continue
        cause = said.cause(key[0], case[0], case[2])
        (out.lost if mine is None else out.wrong)[cause] += 1
        if cause == "unreported" and len(out.examples) < 10:
            out.examples.append(f"{key}: truth {case}, store {mine}")
    out.extra = len(set(got) - set(want))
    for name, (sql, table, keys) in VIEWS.items():
        have = Counter({tuple(map(str, row[:-1])): int(row[-1]) for row in query(sql, None)})
        need: Counter[Cell] = Counter()
        for row in truth[table]:
            need[tuple(str(row[k]) for k in keys)] += int(row["cases"])
        diff = ViewDiff()
        for cell in set(have) | set(need):
            short, over = max(0, need[cell] - have[cell]), max(0, have[cell] - need[cell])
            diff.lost += short
            diff.extra += over
            if not said.named(cell[-1]):  # the court is the last key of every view
                diff.unreported += short + over
        out.views[name] = diff
    out.reported = bool(said.down or said.windows)
    out.published = published(query, truth)
    return out


def month_status(month: str, complete_through: date) -> str:
    """A month ('YYYY-MM…') is complete when its last day is on or before the cut-off."""
    y, m = int(month[:4]), int(month[5:7])
    last = date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
    return "complete" if last <= complete_through else "provisional"


def _differences(have: Iterable[tuple[str, ...]], need: Iterable[tuple[str, ...]]) -> list[str]:
    h, n = Counter(have), Counter(need)
    return ([f"+{row}" for row in sorted((h - n).elements())]
            + [f"-{row}" for row in sorted((n - h).elements())])


def published(query: Query, truth: dict[str, Any]) -> dict[str, list[str]]:
    """Each national view, the year summaries and the provisional cut-off against the
    truth: the rows that differ, per view."""
    docket, delay, through = query(PUBLICATION_SQL, None)[0]
    cut = date.fromisoformat(truth["docket_date"]) - timedelta(days=int(delay))
    out = {"publication_status": _differences(
        [(str(docket), str(through))], [(truth["docket_date"], cut.isoformat())])}
    for name, (sql, keys) in PUBLISHED.items():
        need = [(*(str(r[k]) for k in keys[:-1]), month_status(r["month"], cut))
                for r in truth[name]]
        out[name] = _differences((tuple(map(str, row)) for row in query(sql, None)), need)
    for year, lines in truth["year_summary"].items():
        have = [tuple(map(str, r)) for r in
                query(YEAR_SUMMARY_SQL, {"year": int(year), "since": COUNT_SINCE})]
        need = [tuple(str(r[k]) for k in YEAR_SUMMARY_KEYS) for r in lines]
        # A line with no case at all is a row of zeros or no row (the report prints zeros).
        out[f"year_summary {year}"] = _differences(
            [r for r in have if set(r[1:7]) != {"0"}], [r for r in need if set(r[1:7]) != {"0"}])
    return out


def table(rows: list[tuple[str, Verification]]) -> str:
    """A markdown table, one line per run."""
    head = ("| run | truth cases | lost: blocked / incomplete / unreported "
            "| wrong: blocked / incomplete / unreported | extra | view cells lost / extra "
            "| national rows differing | unreported |\n|---|---:|---|---|---:|---|---:|---:|")
    lines = [head]
    for name, v in rows:
        views = ", ".join(f"{n} {d.lost}/{d.extra}" for n, d in v.views.items())
        lines.append(
            f"| {name} | {v.truth_cases} | {' / '.join(str(v.lost[c]) for c in CAUSES)} "
            f"| {' / '.join(str(v.wrong[c]) for c in CAUSES)} | {v.extra} | {views} "
            f"| {sum(map(len, v.published.values()))} | {v.unreported} |")
    return "\n".join(lines)

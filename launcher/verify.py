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
counts the deficits and surpluses in courts no report named at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Query = Callable[[str], list[list[Any]]]
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
    examples: list[str] = field(default_factory=list)  # a few unreported ones, for a reader

    @property
    def unreported(self) -> int:
        return (self.lost["unreported"] + self.wrong["unreported"] + self.extra
                + sum(v.unreported for v in self.views.values()))

    @property
    def exact(self) -> bool:
        """The store equals the truth: nothing lost, wrong or extra, every view equal."""
        return (not sum(self.lost.values()) and not sum(self.wrong.values())
                and not self.extra and not any(v.lost or v.extra for v in self.views.values()))


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
           for c, n, r, a, d, k in query(CASES_SQL)}
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
        have = Counter({tuple(map(str, row[:-1])): int(row[-1]) for row in query(sql)})
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
    return out


def table(rows: list[tuple[str, Verification]]) -> str:
    """A markdown table, one line per run."""
    head = ("| run | truth cases | lost: blocked / incomplete / unreported "
            "| wrong: blocked / incomplete / unreported | extra | view cells lost / extra "
            "| unreported |\n|---|---:|---|---|---:|---|---:|")
    lines = [head]
    for name, v in rows:
        views = ", ".join(f"{n} {d.lost}/{d.extra}" for n, d in v.views.items())
        lines.append(
            f"| {name} | {v.truth_cases} | {' / '.join(str(v.lost[c]) for c in CAUSES)} "
            f"| {' / '.join(str(v.wrong[c]) for c in CAUSES)} | {v.extra} | {views} "
            f"| {v.unreported} |")
    return "\n".join(lines)

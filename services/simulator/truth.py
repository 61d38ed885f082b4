"""What a perfect pipeline would report from the simulated sites on a given date.

Everything is computed from the *visible* docket (`Corpus.visible`), so it is what the
pages show, not the corpus' hidden future. Categories follow docketwatch.categories, the
store's rule: a case counts once, in its one category (``Case.category``), so the
by-category counts of a month add up to its cases; per-article counts count a case once
under each of its articles.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from docketwatch.categories import REFUSAL_ARTICLES
from docketwatch.settings import COUNT_SINCE
from docketwatch.work_calendar import monthly_working_days

from .acts import ACT_PENDING, ACT_PUBLISHED, ACT_WITHHELD
from .appeal_truth import appeal_truth
from .corpus import Corpus
from .model import CaseView


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def case_state(v: CaseView) -> dict[str, Any]:
    c = v.case
    return {
        "court": c.court,
        "case_number": c.case_number,
        "case_id": c.case_id,
        "case_uid": c.case_uid,
        "judicial_uid": c.judicial_uid,
        "receipt_date": _iso(c.receipt_date),
        "published_at": _iso(c.published_at),
        "judge": c.judge,
        "decision_date": _iso(v.decision_date),
        "decision_class": v.decision_class,
        "decision_ground": c.decision_ground if v.decision_class == "terminated" else None,
        "entry_into_force": _iso(v.entry_into_force),
        "has_act": v.has_act,
        "category": c.category,
        "articles": list(c.article_numbers),
        "defendants": [
            [
                {
                    "article": a.article,
                    "part": a.part,
                    "points": a.points,
                    "inchoate": a.inchoate,
                    "raw": a.text,
                }
                for a in d.articles
            ]
            for d in c.defendants
        ],
        "origin_uid": c.origin_uid,
        "origin_kind": c.origin_kind,
        "act_state": act_state(v),
        "act_published_at": _iso(c.act_published_at) if v.has_act else None,
        # What the act says (or will say): per defendant, in the order of the card.
        "punishments": [p.as_dict() for p in c.punishments]
        if v.decision_class == "verdict"
        else None,
    }


def act_state(v: CaseView) -> str | None:
    """published / pending (not out yet) / withheld (never to be out); None: no verdict."""
    if v.decision_class != "verdict":
        return None
    if v.has_act:
        return ACT_PUBLISHED
    return ACT_WITHHELD if v.case.act_withheld else ACT_PENDING


def _rows(counter: Counter[tuple[str, ...]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {**dict(zip(names, key, strict=True)), "cases": n} for key, n in sorted(counter.items())
    ]


def _measures(views: list[CaseView]) -> Counter[tuple[str, str, str]]:
    """(measure, category, month) → cases, nationally; category 'all' counts every case."""
    out: Counter[tuple[str, str, str]] = Counter()
    for v in views:
        for cat in (v.case.category, "all"):
            out[("received", cat, _month(v.case.receipt_date))] += 1
            if v.decision_date is not None:
                month = _month(v.decision_date)
                out[("decisions", cat, month)] += 1
                verdict = v.decision_class == "verdict"
                out[("verdicts" if verdict else "other_decisions", cat, month)] += 1
    return out


def _week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _weekly_refusal(views: list[CaseView]) -> dict[str, list[dict[str, Any]]]:
    """Refusal cases (each once) received and decided by a verdict per ISO week (Monday to
    Sunday, the docket's dates): the weekly digest's figures, per court and nationally."""
    received: Counter[tuple[str, str]] = Counter()
    verdicts: Counter[tuple[str, str]] = Counter()
    for v in views:
        if v.case.category != "refusal":
            continue
        received[(_week(v.case.receipt_date), v.case.court)] += 1
        if v.decision_class == "verdict" and v.decision_date is not None:
            verdicts[(_week(v.decision_date), v.case.court)] += 1
    national: Counter[tuple[str, str]] = Counter()
    for (week, _), n in received.items():
        national[(week, "received")] += n
    for (week, _), n in verdicts.items():
        national[(week, "verdicts")] += n
    cells = sorted(set(received) | set(verdicts))
    return {
        "by_court": [{"week": w, "court": c, "received": received[(w, c)],
                      "verdicts": verdicts[(w, c)]} for w, c in cells],
        "national": [{"week": w, "received": national[(w, "received")],
                      "verdicts": national[(w, "verdicts")]}
                     for w in sorted({w for w, _ in national})],
    }


def _per_working_day(measures: Counter[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Verdicts per official working day, rounded to 0.1 half away from zero."""
    days = monthly_working_days()
    rows = []
    for (measure, cat, month), n in sorted(measures.items()):
        wd = days.get((int(month[:4]), int(month[5:])))
        if measure != "verdicts" or not wd:
            continue
        per_day = (Decimal(n) / Decimal(wd)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rows.append({"month": month, "category": cat, "verdicts": n, "working_days": wd,
                     "per_day": str(per_day)})
    return rows


def _year_summary(views: list[CaseView], year: int,
                  since: date = COUNT_SINCE) -> list[dict[str, Any]]:
    """The published table's lines: each refusal article (the cases charged under it) and
    'refusal' (the refusal cases, each once); record month = most received, earliest on a
    tie."""
    y0, y1 = date(year, 1, 1), date(year + 1, 1, 1)
    lines: dict[str, list[CaseView]] = {a: [] for a in sorted(REFUSAL_ARTICLES)}
    lines["refusal"] = []
    for v in views:
        for a in REFUSAL_ARTICLES & set(v.case.article_numbers):
            lines[a].append(v)
        if v.case.category == "refusal":
            lines["refusal"].append(v)
    out = []
    for line, cases in lines.items():
        def count(start: date, which: str, cases: list[CaseView] = cases) -> int:
            n = 0
            for v in cases:
                if which == "received":
                    n += start <= v.case.receipt_date < y1
                elif v.decision_date is not None and start <= v.decision_date < y1:
                    n += (v.decision_class == "verdict") == (which == "sentenced")
            return n
        months = Counter(_month(v.case.receipt_date) for v in cases
                         if y0 <= v.case.receipt_date < y1)
        record = min(months.items(), key=lambda kv: (-kv[1], kv[0])) if months else None
        out.append({
            "line": line, "received": count(y0, "received"), "sentenced": count(y0, "sentenced"),
            "other_decisions": count(y0, "other"),
            "received_since": count(since, "received"),
            "sentenced_since": count(since, "sentenced"),
            "other_decisions_since": count(since, "other"),
            "record_month": record[0] if record else None,
            "record_month_received": record[1] if record else 0,
        })
    return out


def truth(corpus: Corpus, as_of: date) -> dict[str, Any]:
    """JSON-serialisable truth: every visible case and the monthly counts derived from them."""
    views = corpus.visible_cases(as_of)
    views.sort(key=lambda v: (v.case.court, v.case.receipt_date, v.case.case_number))
    received: Counter[tuple[str, ...]] = Counter()
    received_cat: Counter[tuple[str, ...]] = Counter()
    decided: Counter[tuple[str, ...]] = Counter()
    decided_art: Counter[tuple[str, ...]] = Counter()
    by_year: Counter[tuple[str, ...]] = Counter()
    for v in views:
        c = v.case
        month = _month(c.receipt_date)
        arts = c.article_numbers
        cat = c.category
        for a in arts:
            received[(month, a, c.court)] += 1
        received_cat[(month, cat, c.court)] += 1
        by_year[(str(c.receipt_date.year), cat)] += 1
        if v.decision_class is not None and v.decision_date is not None:
            dmonth = _month(v.decision_date)
            decided[(dmonth, v.decision_class, cat, c.court)] += 1
            for a in arts:
                decided_art[(dmonth, v.decision_class, a, c.court)] += 1
    refusal_totals = {
        a: sum(1 for v in views if a in v.case.article_numbers) for a in sorted(REFUSAL_ARTICLES)
    }
    sentenced = [v for v in views if v.decision_class == "verdict"]
    measures = _measures(views)
    # Punishments a perfect pipeline can report: defendants of verdicts whose act is out.
    punished: Counter[tuple[str, ...]] = Counter()
    acts: Counter[str] = Counter()
    for v in sentenced:
        acts[act_state(v) or ""] += 1
        if not v.has_act or v.decision_date is None:
            continue
        for d, p in zip(v.case.defendants, v.case.punishments, strict=True):
            for a in dict.fromkeys(r.article for r in d.articles):
                punished[(_month(v.decision_date), a, v.case.court, p.kind)] += 1
    return {
        "seed": corpus.seed,
        "as_of": as_of.isoformat(),
        "scale": corpus.scale,
        "courts": [c.vnkod for c in corpus.courts],
        "cases": [case_state(v) for v in views],
        # Cases published and later taken off the site by as_of (FaultConfig-free: only a
        # corpus built with removal_rate > 0 has any).
        "removed": [
            {"court": c.court, "case_number": c.case_number, "case_uid": c.case_uid,
             "receipt_date": c.receipt_date.isoformat(), "published_at": c.published_at.isoformat(),
             "removed_at": c.removed_at.isoformat()}
            for c in sorted(corpus.cases, key=lambda c: (c.court, c.case_number))
            if c.removed_at is not None and c.removed_at <= as_of
        ],
        "monthly_received": _rows(received, ("month", "article", "court")),
        "monthly_received_by_category": _rows(received_cat, ("month", "category", "court")),
        "monthly_decided": _rows(decided, ("month", "decision_class", "category", "court")),
        "monthly_decided_by_article": _rows(
            decided_art, ("month", "decision_class", "article", "court")
        ),
        # The newest date the dockets show: the store's docket date (publication_status),
        # from which the provisional months are measured back.
        "docket_date": max((d for v in views
                            for d in (v.case.receipt_date, v.decision_date) if d is not None),
                           default=as_of).isoformat(),
        "monthly_measures": [
            {"measure": m, "category": cat, "month": month, "value": n}
            for (m, cat, month), n in sorted(measures.items())
        ],
        "verdicts_per_working_day": _per_working_day(measures),
        "year_summary": {str(y): _year_summary(views, y)
                         for y in range(COUNT_SINCE.year, as_of.year + 1)},
        "weekly_refusal": _weekly_refusal(views),
        # The reviews (appeal, cassation) and the store's appeal views (issue 16).
        "appeals": appeal_truth(corpus, as_of),
        "monthly_punishments": [
            {"month": m, "article": a, "court": c, "kind": k, "defendants": n}
            for (m, a, c, k), n in sorted(punished.items())
        ],
        "summary": {
            "acts_by_state": dict(sorted(acts.items())),
            "visible_cases": len(views),
            "received_by_year": _rows(by_year, ("year", "category")),
            "refusal_received_by_article": refusal_totals,
            "refusal_sentenced": sum(1 for v in sentenced if v.case.category == "refusal"),
            "refusal_sentenced_by_article": {
                a: sum(1 for v in sentenced if a in v.case.article_numbers)
                for a in sorted(REFUSAL_ARTICLES)
            },
            "refusal_other_decisions": sum(
                1
                for v in views
                if v.case.category == "refusal"
                and v.decision_class is not None
                and v.decision_class != "verdict"
            ),
        },
    }


def write_truth_json(t: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(t, ensure_ascii=False, indent=1), encoding="utf-8")


CSV_TABLES = (
    "monthly_received",
    "monthly_received_by_category",
    "monthly_decided",
    "monthly_decided_by_article",
)


def write_truth_csv(t: dict[str, Any], directory: str | Path) -> list[Path]:
    """One CSV per monthly table plus cases.csv (articles flattened to ``337;338``)."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in CSV_TABLES:
        rows: list[dict[str, Any]] = t[name]
        path = out_dir / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            fields = list(rows[0]) if rows else ["month", "cases"]
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    path = out_dir / "cases.csv"
    fields = [
        "court", "case_number", "case_id", "case_uid", "judicial_uid", "receipt_date",
        "published_at", "judge", "decision_date", "decision_class", "decision_ground",
        "entry_into_force", "has_act", "category", "articles", "origin_uid", "origin_kind",
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for case in t["cases"]:
            writer.writerow({**case, "articles": ";".join(case["articles"])})
    written.append(path)
    return written

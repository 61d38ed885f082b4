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
from pathlib import Path
from typing import Any

from docketwatch.categories import REFUSAL_ARTICLES

from .acts import ACT_PENDING, ACT_PUBLISHED, ACT_WITHHELD
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

"""The appeal views a perfect pipeline would report on a date (the store's definitions,
docketwatch/store/VIEWS.md "Appeals"), from what the review courts' and first-instance
sites show then."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from .appeals import Appeal
from .corpus import Corpus


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def appeal_truth(corpus: Corpus, as_of: date) -> dict[str, Any]:
    shown = [a for a in corpus.appeals if a.visible(as_of)]
    monthly: Counter[tuple[str, str, str, str]] = Counter()
    changes: Counter[tuple[str, str, str, str]] = Counter()
    delays: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    links: Counter[str] = Counter()
    appealed: set[str] = set()
    for a in shown:
        origin = a.origin.view(as_of)
        method = "unlinked" if origin is None else "uid" if a.shows_uid else "court_number"
        links[method] += 1
        if origin is not None and a.instance == "appeal":
            appealed.add(a.origin.case_uid)
        if not a.decided(as_of):
            continue
        month, category = _month(a.decision_date), a.origin.category
        for article in a.origin.article_numbers or ("",):
            monthly[(month, a.instance, a.result, article)] += 1
        if a.result == "changed":
            changes[(month, a.instance, category, a.change or "other")] += 1
        if origin is not None and origin.decision_date is not None:
            delays[(month, a.instance, category)].append(
                (a.decision_date - origin.decision_date).days)
    verdicts: Counter[str] = Counter()
    appealed_by_month: Counter[str] = Counter()
    for v in corpus.visible_cases(as_of):
        if v.case.category == "refusal" and v.decision_class == "verdict" \
                and v.decision_date is not None:
            verdicts[_month(v.decision_date)] += 1
            appealed_by_month[_month(v.decision_date)] += v.case.case_uid in appealed
    return {
        "appeals": [_state(a, as_of) for a in sorted(shown, key=lambda a: (a.court, a.number))],
        "links": dict(sorted(links.items())),
        "monthly_appeals": [
            {"month": m, "instance": i, "result": r, "article": art, "appeals": n}
            for (m, i, r, art), n in sorted(monthly.items())],
        "refusal_appeal_share": [
            {"month": m, "verdicts": verdicts[m], "appealed": appealed_by_month[m],
             "share_appealed": round(appealed_by_month[m] / verdicts[m], 6)}
            for m in sorted(verdicts)],
        "appeal_changes": [
            {"month": m, "instance": i, "category": c, "change": ch, "appeals": n}
            for (m, i, c, ch), n in sorted(changes.items())],
        "appeal_delays": [
            {"month": m, "instance": i, "category": c, "appeals": len(days),
             "total_days": sum(days), "min_days": min(days), "max_days": max(days),
             "median_days": sorted(days)[(len(days) - 1) // 2]}
            for (m, i, c), days in sorted(delays.items())],
    }


def _state(a: Appeal, as_of: date) -> dict[str, Any]:
    decided = a.decided(as_of)
    return {
        "court": a.court, "instance": a.instance, "appeal_number": a.number,
        "case_uid": a.case_uid, "first_instance_court": a.origin.court,
        "first_instance_number": a.origin.case_number, "shows_uid": a.shows_uid,
        "receipt_date": a.receipt_date.isoformat(),
        "decision_date": a.decision_date.isoformat() if decided else None,
        "result": a.result if decided else None,
        "change": a.change if decided else None,
    }

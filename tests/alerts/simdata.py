"""The simulator's truth as an alerts Snapshot (the engine's data-access interface)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from docketwatch.store.reference import load_courts
from services.alerts.model import CountRow, CourtInfo, HealthRow, Snapshot


def courts_directory() -> dict[str, CourtInfo]:
    return {c.code: CourtInfo(c.region, c.district_code) for c in load_courts()}


def snapshot_from_truth(t: dict[str, Any], *, health: list[HealthRow] | None = None
                        ) -> Snapshot:
    """What ClickHouse would hold after a perfect crawl on the truth's as-of date."""
    rows = [CountRow(date.fromisoformat(r["month"] + "-01"), "category", r["category"],
                     r["court"], int(r["cases"])) for r in t["monthly_received_by_category"]]
    rows += [CountRow(date.fromisoformat(r["month"] + "-01"), "article", r["article"],
                      r["court"], int(r["cases"])) for r in t["monthly_received"]]
    delays: Counter[int] = Counter()
    last: dict[str, date] = {}
    newest = date.min
    for c in t["cases"]:
        receipt = date.fromisoformat(c["receipt_date"])
        newest = max(newest, receipt)
        if c["decision_date"]:
            newest = max(newest, date.fromisoformat(c["decision_date"]))
        last[c["court"]] = max(last.get(c["court"], date.min), receipt)
        if c["published_at"]:  # the card's publication date, as the parser reads it
            delays[(date.fromisoformat(c["published_at"]) - receipt).days] += 1
    return Snapshot(as_of=newest, counts=rows, courts=courts_directory(),
                    delay_samples=dict(delays), last_receipt=last, court_health=health)

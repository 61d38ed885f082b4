"""Hand-built snapshots for pure rule tests."""

from __future__ import annotations

from datetime import date

from services.alerts.config import RulesConfig
from services.alerts.model import CountRow, CourtInfo, Snapshot

COURT = "25GV0001"


def month(text: str) -> date:
    return date.fromisoformat(text + "-01")


def series_snapshot(values: dict[str, int], as_of: date, *, court: str = COURT,
                    delays: dict[int, int] | None = None) -> Snapshot:
    rows = [CountRow(month(m), "category", "refusal", court, n) for m, n in values.items()]
    return Snapshot(as_of=as_of, counts=rows,
                    courts={court: CourtInfo("Приморский край", "25OV0000")},
                    delay_samples=delays if delays is not None else {0: 1000})


def only_all_scope(cfg: RulesConfig) -> RulesConfig:
    return cfg.model_copy(update={"series": cfg.series.model_copy(
        update={"scopes": ["all"], "articles": []})})


def months(start: str, values: list[int]) -> dict[str, int]:
    y, m = int(start[:4]), int(start[5:])
    out = {}
    for v in values:
        out[f"{y:04d}-{m:02d}"] = v
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out

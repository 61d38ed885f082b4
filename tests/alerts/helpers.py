"""Hand-built snapshots for pure rule tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.alerts.config import RulesConfig
from services.alerts.engine import evaluate
from services.alerts.model import CountRow, CourtInfo, Snapshot
from services.alerts.outbox import Outgoing
from services.alerts.silences import Silences
from services.alerts.state import AlertState, notified

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


REGION, DISTRICT = "Приморский край", "25OV0000"
# What one injected spike at COURT in January 2024 raises, per group (month, measure):
# rule and scope of each alert, in the order a notification lists them.
SPIKE_GROUPS = {
    "2024-01 · refusal cases": [
        ("monthly_record", "all courts"), ("monthly_spike", "all courts"),
        ("monthly_spike", f"district {DISTRICT}"), ("monthly_spike", f"region {REGION}"),
        ("monthly_spike", f"court {COURT}")],
    "2024-01 · art. 337": [
        ("monthly_record", "all courts"), ("monthly_spike", "all courts"),
        ("monthly_spike", f"district {DISTRICT}"), ("monthly_spike", f"region {REGION}"),
        ("monthly_spike", f"court {COURT}")],
}


def spike_snapshot(court: str = COURT) -> Snapshot:
    """30 refusal cases (art. 337) a month at one court through 2023, 120 in January 2024."""
    rows = []
    for m, n in months("2023-01", [30] * 12 + [120]).items():
        rows.append(CountRow(month(m), "category", "refusal", court, n))
        rows.append(CountRow(month(m), "article", "337", court, n))
    return Snapshot(as_of=date(2024, 1, 31), counts=rows,
                    courts={court: CourtInfo(REGION, DISTRICT)}, delay_samples={0: 1000})


T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def spike_items(first_offset: int = 0) -> list[Outgoing]:
    """The spike's 10 changes as the alert log holds them (partition 0, consecutive)."""
    state = AlertState()
    changes = state.reconcile(evaluate(spike_snapshot(), RulesConfig()), Silences([]), T0)
    assert len(changes) == 10
    return [Outgoing(0, first_offset + i, ch.event, None, notified(None, ch.event))
            for i, ch in enumerate(changes)]

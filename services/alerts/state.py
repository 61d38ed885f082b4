"""Alert lifecycle: findings in, AlertEvents (state changes) out.

The alerts topic is the source of truth: on start the service replays it (``apply``) and
so knows every alert's last status; an alert therefore fires once across restarts.

Transitions (one AlertEvent each):
* new, or back after resolving          → FIRING      (SILENCED if a silence matches)
* more severe, or provisional → final   → ESCALATED   (confirmation counts as escalation)
* silence added while active            → SILENCED
* silence lifted while still active     → FIRING
* condition gone (rule ran, no finding) → RESOLVED
Less severe or still-provisional findings emit nothing: no flapping notifications.
Receivers are told about every event except SILENCED ones and the RESOLVED that ends a
silenced alert (nobody was told it fired).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from docketwatch.contract import AlertEvent, AlertStatus
from docketwatch.i18n import gettext
from services.alerts.model import SEVERITY_RANK, Evaluation, Finding
from services.alerts.silences import Silences

ACTIVE = (AlertStatus.FIRING, AlertStatus.ESCALATED, AlertStatus.SILENCED)


def notified(previous: AlertEvent | None, event: AlertEvent) -> bool:
    """Whether receivers are told about ``event``, from the change and the one before it
    alone: the rule :meth:`AlertState.reconcile` applies, restated so that a replay of the
    alert log (the outbox) knows what each receiver is owed."""
    if event.status == AlertStatus.SILENCED:
        return False
    return not (event.status == AlertStatus.RESOLVED and previous is not None
                and previous.status == AlertStatus.SILENCED)


@dataclass(frozen=True)
class Change:
    event: AlertEvent
    notify: bool


def _event(f: Finding, status: AlertStatus, at: datetime) -> AlertEvent:
    return AlertEvent(alert_id=f.alert_id, rule=f.rule, labels=f.labels, status=status,
                      severity=f.severity, summary=f.summary, value=f.value,
                      baseline=f.baseline, provisional=f.provisional, at=at)


class AlertState:
    def __init__(self) -> None:
        self.last: dict[str, AlertEvent] = {}

    def apply(self, event: AlertEvent) -> None:
        """Record an event (replayed from the topic, or just published)."""
        self.last[event.alert_id] = event

    def active(self) -> list[AlertEvent]:
        return [e for e in self.last.values() if e.status in ACTIVE]

    def reconcile(self, ev: Evaluation, silences: Silences, now: datetime) -> list[Change]:
        changes: list[Change] = []
        seen: set[str] = set()
        for f in ev.findings:
            if f.alert_id in seen:
                continue
            seen.add(f.alert_id)
            prev = self.last.get(f.alert_id)
            silenced = silences.silenced(f.rule, f.labels, now)
            if prev is None or prev.status == AlertStatus.RESOLVED:
                status = AlertStatus.SILENCED if silenced else AlertStatus.FIRING
                changes.append(Change(_event(f, status, now), notify=not silenced))
            elif prev.status == AlertStatus.SILENCED:
                if not silenced:
                    changes.append(Change(_event(f, AlertStatus.FIRING, now), notify=True))
            elif silenced:
                changes.append(Change(_event(f, AlertStatus.SILENCED, now), notify=False))
            elif (SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity]
                  or (prev.provisional and not f.provisional)):
                changes.append(Change(_event(f, AlertStatus.ESCALATED, now), notify=True))
        for alert_id, prev in list(self.last.items()):
            if (alert_id in seen or prev.status not in ACTIVE
                    or prev.rule not in ev.evaluated_rules):
                continue  # a rule that did not run (source down) never resolves its alerts
            resolved = prev.model_copy(update={
                "status": AlertStatus.RESOLVED, "at": now,
                "summary": gettext("Resolved: {summary}").format(summary=prev.summary)})
            changes.append(Change(resolved, notify=prev.status != AlertStatus.SILENCED))
        return changes

"""One event, one notification: related alert changes grouped the way Alertmanager groups.

A spike at one court in one month raises the same finding at the court, its region, its
district and all courts, for every measure that counts those cases, plus records. They are
one piece of news. Changes are grouped by the values of ``group_by`` labels (default
``month`` and ``measure``: the category or the article a series counts, whatever the rule
and the scope); an alert without any of those labels (source health, dead letters) is
grouped by its rule. A receiver waits ``group_wait_s`` after the first change of a group,
then sends the group's changes as one notification that lists each alert's scope.

Unlike Alertmanager, which re-sends a group's whole current state, a notification lists
the changes since the group's last notification. Every alert stays a record of its own
(alert_history, ``docketwatch alerts``); grouping only shapes what receivers are sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from docketwatch.contract import AlertEvent, AlertStatus
from docketwatch.i18n import gettext
from services.alerts.outbox import Outgoing
from services.alerts.rules.series import scope_text

SCOPE_RANK = {"all": 0, "district": 1, "region": 2, "court": 3}
GroupKey = tuple[tuple[str, str], ...]


def measure(labels: dict[str, str]) -> str:
    """What a series counts: ``refusal cases`` or ``art. 337`` ('' for other alerts)."""
    if "category" in labels:
        return f"{labels['category']} cases"
    if "article" in labels:
        return f"art. {labels['article']}"
    return ""


def group_labels(event: AlertEvent, group_by: Sequence[str]) -> GroupKey:
    values = {**event.labels, "measure": measure(event.labels), "rule": event.rule}
    key = tuple((name, values.get(name, "")) for name in group_by)
    if not any(v for _, v in key):
        return (("rule", event.rule),)
    return key


def group_name(key: GroupKey) -> str:
    """Human and Alertmanager label form: ``2024-01 · refusal cases`` or ``court_state``."""
    return " · ".join(v for _, v in key if v)


def scope(labels: dict[str, str]) -> str:
    """Where an alert applies: ``all courts``, ``court 25GV0001``, ``region Приморский
    край``, ``district 25OV0000``, or the labels that identify it."""
    s = labels.get("scope")
    if s in ("all", "court", "region", "district"):
        return scope_text(s, labels.get("court_code" if s == "court" else s, ""))
    if "court_code" in labels:
        return scope_text("court", labels["court_code"])
    if "stage" in labels:
        return gettext("{stage} stage").format(stage=labels["stage"])
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "-"


def _order(event: AlertEvent) -> tuple[int, str, str, str]:
    return (SCOPE_RANK.get(event.labels.get("scope", ""), 9), scope(event.labels), event.rule,
            event.alert_id)


@dataclass(frozen=True)
class Notification:
    key: GroupKey
    alerts: list[AlertEvent]  # one per alert: its latest change, in scope order
    previous: dict[str, AlertEvent]  # alert_id → what receivers knew before (if anything)
    items: list[Outgoing] = field(default_factory=list)  # every change it settles

    @property
    def title(self) -> str:
        return group_name(self.key)

    @property
    def group(self) -> dict[str, str]:
        return dict(self.key)

    @property
    def notification_id(self) -> str:
        """The same for the same changes: a receiver may deduplicate a re-send on it."""
        text = json.dumps(sorted((e.alert_id, e.status.value, e.at.isoformat())
                                 for e in self.alerts))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def notification(key: GroupKey, items: Sequence[Outgoing]) -> Notification:
    """The changes of one group, one entry per alert.

    An alert changed twice before the group was sent is listed once, as its latest change;
    one that fired and escalated within the wait is listed as firing (nobody was told it
    fired) at its latest severity.
    """
    chains: dict[str, list[Outgoing]] = {}
    for it in sorted(items, key=lambda i: (i.partition, i.offset)):
        chains.setdefault(it.event.alert_id, []).append(it)
    alerts, previous = [], {}
    for alert_id, chain in chains.items():
        first, last = chain[0], chain[-1].event
        if first.event.status == AlertStatus.FIRING and last.status == AlertStatus.ESCALATED:
            last = last.model_copy(update={"status": AlertStatus.FIRING})
        alerts.append(last)
        if first.previous is not None:
            previous[alert_id] = first.previous
    alerts.sort(key=_order)
    return Notification(key, alerts, previous, list(items))

"""``docketwatch alerts``: active and past alerts from the ClickHouse table alert_history.

alert_history is the aggregator's sink of TOPIC_ALERTS (one row per AlertEvent, labels as
Map(String, String)); the sink is at-least-once, so rows are grouped per alert_id and the
latest event (by ``at``) decides its current status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docketwatch.reader import Reader
from services.alerts.source import QueryFn, reader_query

_SQL = """
SELECT alert_id, argMax(rule, at), argMax(toString(status), at), argMax(severity, at),
       argMax(summary, at), argMax(provisional, at), toString(min(at)), toString(max(at)),
       argMax(labels, at), count()
FROM alert_history
GROUP BY alert_id
{having}
ORDER BY max(at) DESC, alert_id
LIMIT {{limit:UInt32}}
"""


@dataclass(frozen=True)
class AlertRow:
    alert_id: str
    rule: str
    status: str
    severity: str
    summary: str
    provisional: bool
    first_at: str
    last_at: str
    labels: dict[str, str]
    events: int

    @property
    def active(self) -> bool:
        return self.status in ("firing", "escalated", "silenced")


def list_alerts(*, query: QueryFn | None = None, active_only: bool = False,
                limit: int = 200) -> list[AlertRow]:
    """Latest state of each alert, newest first, read through ``query`` (default: the
    store's read client, docketwatch.reader)."""
    if query is None:
        query = reader_query(Reader())
    having = ("HAVING argMax(toString(status), at) IN ('firing', 'escalated', 'silenced')"
              if active_only else "")
    rows: list[Sequence[Any]] = query(_SQL.format(having=having), {"limit": limit})
    return [AlertRow(str(a), str(r), str(s), str(sev), str(summ), bool(p), str(f), str(last),
                     dict(lab or {}), int(n))
            for a, r, s, sev, summ, p, f, last, lab, n in rows]


def format_alerts(rows: list[AlertRow], now: datetime | None = None) -> str:
    """A plain table: active alerts first, then past ones."""
    if not rows:
        return "no alerts"
    lines = []
    for title, part in (("ACTIVE", [r for r in rows if r.active]),
                        ("PAST", [r for r in rows if not r.active])):
        if not part:
            continue
        lines.append(f"{title} ({len(part)})")
        for r in part:
            flag = " provisional" if r.provisional else ""
            lines.append(f"  {r.last_at[:19]}  {r.status:<9} {r.severity:<8}{flag}  "
                         f"{r.rule}  {r.summary}")
    return "\n".join(lines)

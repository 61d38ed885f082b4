"""The weekly digest's figures, read from the store (definitions: definitions.DIGEST).

One function, :func:`read_digest`, reads a week's refusal cases received and verdicts, the
usual week, the courts that stood out or went silent (told apart from those whose site
was not fetched fine) and the alerts of the week, into a :class:`Digest`. The alerts
service sends it, ``docketwatch digest`` prints it, and the end-to-end test compares it
with the court simulator's truth. Counting follows the store's views (``cases``: each
case once, current state); the medians are taken here, exactly, over weeks filled with
zeros (SQL has no row for a week without cases).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from docketwatch.categories import REFUSAL
from docketwatch.store.definitions import (
    DIGEST_SILENT_MIN_USUAL,
    DIGEST_STOOD_OUT_MIN,
    DIGEST_STOOD_OUT_RATIO,
    DIGEST_USUAL_WEEKS,
)

Query = Callable[[str, dict[str, Any]], Sequence[Sequence[Any]]]
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start(week: str) -> date:
    """The Monday of an ISO week written ``2024-W30``; ValueError for anything else."""
    m = _WEEK.match(week)
    try:
        if m is None:
            raise ValueError
        return date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:  # 2023-W53 too: 2023 has 52 ISO weeks
        raise ValueError(f"{week!r} is not an ISO week like 2024-W30") from None


def week_of(day: date) -> str:
    """The ISO week a date falls in: ``2024-W30``."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CourtWeek(_Model):
    """One court in one week: refusal cases received, against its usual week."""

    court_code: str
    court_name: str
    region: str
    received: int
    usual: float
    health: str | None  # its latest court health state; None: never checked


class WeekAlert(_Model):
    alert_id: str
    rule: str
    severity: str
    status: str  # its latest change up to the end of the week
    summary: str
    at: datetime  # when it first fired or escalated in the week


class Digest(_Model):
    week: str
    start: date  # Monday
    end: date  # Sunday
    received: int
    received_usual: float
    verdicts: int
    verdicts_usual: float
    stood_out: list[CourtWeek]
    silent: list[CourtWeek]
    unreachable: list[CourtWeek]
    alerts: list[WeekAlert]
    docket_date: date | None  # the newest date the dockets showed when it was read


_RECEIVED = (
    "SELECT court_code, toString(toMonday(receipt_date)), count() FROM cases "
    "WHERE category = {category:String} AND receipt_date >= {first:Date} "
    "AND receipt_date <= {last:Date} GROUP BY 1, 2")
_VERDICTS = (
    "SELECT court_code, toString(toMonday(decision_date)), count() FROM cases "
    "WHERE category = {category:String} AND decision_class = 'verdict' "
    "AND decision_date >= {first:Date} AND decision_date <= {last:Date} GROUP BY 1, 2")
_COURTS = "SELECT court_code, court_name, region FROM court_regions"
_HEALTH = "SELECT court_code, argMax(state, checked_at) FROM court_health GROUP BY court_code"
_DOCKET_DATE = "SELECT toString(docket_date) FROM publication_status"
# An alert of the week fired or escalated in it; shown as it stood at the week's end.
_ALERTS = """
WITH toDateTime64({start:String}, 6, 'UTC') AS w0, toDateTime64({stop:String}, 6, 'UTC') AS w1
SELECT alert_id, argMaxIf(rule, at, at < w1), argMaxIf(severity, at, at < w1),
       argMaxIf(toString(status), at, at < w1), argMaxIf(summary, at, at < w1),
       toString(minIf(at, status IN ('firing', 'escalated') AND at >= w0 AND at < w1)) AS first
FROM alert_history
GROUP BY alert_id
HAVING countIf(status IN ('firing', 'escalated') AND at >= w0 AND at < w1) > 0
ORDER BY first, alert_id
"""


def _weekly(query: Query, sql: str, first: date, last: date) -> Counter[tuple[str, date]]:
    rows = query(sql, {"category": REFUSAL, "first": first.isoformat(),
                       "last": last.isoformat()})
    return Counter({(str(c), date.fromisoformat(str(w))): int(n) for c, w, n in rows})


def usual(counts: Counter[date], weeks: Sequence[date]) -> float:
    """The median of the counts of ``weeks`` (a week without a count is 0)."""
    return float(statistics.median(counts[w] for w in weeks))


def stands_out(received: int, usual_week: float) -> bool:
    return received >= DIGEST_STOOD_OUT_MIN and received >= DIGEST_STOOD_OUT_RATIO * usual_week


def goes_silent(received: int, usual_week: float) -> bool:
    return received == 0 and usual_week >= DIGEST_SILENT_MIN_USUAL


def _utc(v: Any) -> datetime:
    d = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def read_digest(query: Query, week: str) -> Digest:
    """The digest of ``week`` (``2024-W30``) from the store, read through ``query``
    (``Reader.rows``, or any function of SQL and parameters giving rows)."""
    start = week_start(week)
    end = start + timedelta(days=6)
    before = [start - timedelta(weeks=i) for i in range(DIGEST_USUAL_WEEKS, 0, -1)]
    first = before[0]
    received = _weekly(query, _RECEIVED, first, end)
    verdicts = _weekly(query, _VERDICTS, first, end)

    def national(counts: Counter[tuple[str, date]]) -> Counter[date]:
        out: Counter[date] = Counter()
        for (_, w), n in counts.items():
            out[w] += n
        return out

    nat_received, nat_verdicts = national(received), national(verdicts)
    names = {str(c): (str(n or ""), str(r or "")) for c, n, r in query(_COURTS, {})}
    health = {str(c): str(s) for c, s in query(_HEALTH, {})}
    by_court: dict[str, Counter[date]] = {}
    for (court, w), n in received.items():
        by_court.setdefault(court, Counter())[w] = n
    stood_out: list[CourtWeek] = []
    silent: list[CourtWeek] = []
    unreachable: list[CourtWeek] = []
    for court, counts in by_court.items():
        name, region = names.get(court, ("", ""))
        cw = CourtWeek(court_code=court, court_name=name, region=region,
                       received=counts[start], usual=usual(counts, before),
                       health=health.get(court))
        if stands_out(cw.received, cw.usual):
            stood_out.append(cw)
        elif goes_silent(cw.received, cw.usual):
            (silent if cw.health == "ok" else unreachable).append(cw)
    stood_out.sort(key=lambda c: (-c.received, c.court_code))
    silent.sort(key=lambda c: (-c.usual, c.court_code))
    unreachable.sort(key=lambda c: (-c.usual, c.court_code))
    stop = (end + timedelta(days=1)).isoformat()
    alerts = [WeekAlert(alert_id=str(a), rule=str(r), severity=str(sev), status=str(s),
                        summary=str(summ), at=_utc(at))
              for a, r, sev, s, summ, at in query(_ALERTS, {"start": start.isoformat(),
                                                           "stop": stop})]
    docket = query(_DOCKET_DATE, {})
    docket_date = date.fromisoformat(str(docket[0][0])[:10]) if docket and docket[0][0] else None
    if docket_date is not None and docket_date.year <= 1970:  # no case at all yet
        docket_date = None
    return Digest(week=week, start=start, end=end,
                  received=nat_received[start], received_usual=usual(nat_received, before),
                  verdicts=nat_verdicts[start], verdicts_usual=usual(nat_verdicts, before),
                  stood_out=stood_out, silent=silent, unreachable=unreachable, alerts=alerts,
                  docket_date=docket_date)

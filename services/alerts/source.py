"""Where snapshots come from. The engine only sees :class:`DataSource`.

:class:`ClickHouseSource` reads the aggregator's views through ClickHouse's HTTP interface
(docketwatch.reader): the aggregator's own in embedded mode, a server's otherwise. Tables
this service reads that another service may not have created yet (``court_health``) are
optional: their rule is skipped, not resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

from docketwatch.reader import Reader
from services.alerts.config import RulesConfig
from services.alerts.model import CountRow, CourtInfo, HealthRow, Snapshot
from services.alerts.rules.series import add_months

QueryFn = Callable[[str, dict[str, Any]], list[Sequence[Any]]]


class DataSource(Protocol):
    def marker(self) -> tuple[Any, ...]:
        """Cheap; changes whenever the counts may have changed."""

    def snapshot(self) -> Snapshot:
        """Everything one evaluation needs."""


def reader_query(reader: Reader) -> QueryFn:
    """Read the store through the one read client (docketwatch.reader)."""
    def run(sql: str, params: dict[str, Any]) -> list[Sequence[Any]]:
        return list(reader.rows(sql, params))
    return run


def _d(v: Any) -> date | None:
    if v is None or (isinstance(v, date) and not isinstance(v, datetime)):
        return v
    if isinstance(v, datetime):
        return v.date()
    return date.fromisoformat(str(v)[:10])


def _dt(v: Any) -> datetime | None:
    if v is None:
        return None
    if not isinstance(v, datetime):
        v = datetime.fromisoformat(str(v))
    return v if v.tzinfo else v.replace(tzinfo=UTC)


_MARKER = "SELECT count(), toString(max(inserted_at)) FROM case_events"
_HEALTH_MARKER = "SELECT count(), toString(max(checked_at)) FROM court_health"
_REFERENCE = ("SELECT toString(greatest(ifNull(max(receipt_date), toDate32('1970-01-01')), "
              "ifNull(max(decision_date), toDate32('1970-01-01')))) FROM cases")
_BY_CATEGORY = ("SELECT toString(month), category, court_code, toUInt64(cases) "
                "FROM monthly_received_by_category WHERE month >= {since:Date}")
_BY_ARTICLE = ("SELECT toString(month), article, court_code, toUInt64(cases) "
               "FROM monthly_received WHERE month >= {since:Date} AND article IN ({arts})")
_COURTS = "SELECT court_code, region, ifNull(district_code, '') FROM court_regions"
_LAST_RECEIPT = ("SELECT court_code, toString(max(receipt_date)) FROM cases "
                 "WHERE receipt_date IS NOT NULL GROUP BY court_code")
# Publication delay, preferably from the card's own publication date; else from the first
# time we saw a case, only for cases received after monitoring began (earlier ones were
# first seen by the backfill, which says nothing about publication).
_DELAY_PUBLISHED = (
    "SELECT d, count() FROM (SELECT dateDiff('day', any(receipt_date), "
    "toDate(min(published_at))) AS d FROM case_events WHERE published_at IS NOT NULL "
    "AND receipt_date IS NOT NULL GROUP BY case_key) WHERE d BETWEEN 0 AND 365 GROUP BY d")
_DELAY_FIRST_SEEN = (
    "SELECT d, count() FROM (SELECT dateDiff('day', receipt_date_first_seen, "
    "toDate(first_seen_at)) AS d FROM case_first_seen WHERE receipt_date_first_seen >= "
    "(SELECT toDate(min(first_seen_at)) FROM case_first_seen)) "
    "WHERE d BETWEEN 0 AND 365 GROUP BY d")
_CALENDAR = ("SELECT toString(date), is_working_day FROM working_calendar FINAL "
             "WHERE date >= {since:Date}")
_HEALTH = (
    "SELECT court_code, argMax(state, checked_at), toString(max(checked_at)), "
    "toString(argMax(last_success, checked_at)), toString(argMax(last_new_case, checked_at)), "
    "argMax(last_error, checked_at) FROM court_health GROUP BY court_code")


class ClickHouseSource:
    def __init__(self, query: QueryFn, cfg: RulesConfig, as_of: date | None = None,
                 dead_letters: Callable[[], Any] | None = None) -> None:
        self.query = query
        self.cfg = cfg
        self.as_of_setting = as_of
        self.dead_letters = dead_letters

    def _optional(self, sql: str, params: dict[str, Any] | None = None,
                  ) -> list[Sequence[Any]] | None:
        try:
            return self.query(sql, params or {})
        except Exception as exc:
            if "UNKNOWN_TABLE" in str(exc) or "does not exist" in str(exc):
                return None
            raise

    def marker(self) -> tuple[Any, ...]:
        events = tuple(self.query(_MARKER, {})[0])
        health = self._optional(_HEALTH_MARKER)
        dl = self.dead_letters() if self.dead_letters else None
        return (events, tuple(health[0]) if health else None,
                dl.dead_letters if dl is not None else None)

    def snapshot(self) -> Snapshot:
        q = self.query
        ref = _d(q(_REFERENCE, {})[0][0])
        as_of = self.as_of_setting or (ref if ref and ref.year > 1970 else None)
        snap = Snapshot(as_of=as_of, now=datetime.now(UTC))
        snap.dead_letters = self.dead_letters() if self.dead_letters else None
        health = self._optional(_HEALTH)
        if health is not None:
            snap.court_health = [
                HealthRow(str(c), str(s), _dt(t) or datetime.now(UTC), _dt_nonzero(ls),
                          _dt_nonzero(lnc), e or None)
                for c, s, t, ls, lnc, e in health]
        if as_of is None:
            return snap
        since = add_months(as_of.replace(day=1), -self.cfg.evaluation.history_months)
        params = {"since": since.isoformat()}
        snap.counts = [CountRow(_d(m), "category", str(k), str(c), int(n))  # type: ignore[arg-type]
                       for m, k, c, n in q(_BY_CATEGORY, params)]
        arts = self.cfg.series.articles  # validated article numbers, safe as literals
        if arts:
            sql = _BY_ARTICLE.replace("{arts}", ", ".join(f"'{a}'" for a in arts))
            snap.counts += [CountRow(_d(m), "article", str(k), str(c), int(n))  # type: ignore[arg-type]
                            for m, k, c, n in q(sql, params)]
        snap.counts = [r for r in snap.counts if as_of is None or r.month <= as_of]
        snap.courts = {str(c): CourtInfo(str(r or ""), str(d) or None)
                       for c, r, d in q(_COURTS, {})}
        snap.last_receipt = {str(c): _d(d) for c, d in q(_LAST_RECEIPT, {})}  # type: ignore[misc]
        delays = {int(d): int(n) for d, n in q(_DELAY_PUBLISHED, {})}
        if sum(delays.values()) < self.cfg.nowcast.min_delay_samples:
            delays = {int(d): int(n) for d, n in q(_DELAY_FIRST_SEEN, {})}
        snap.delay_samples = delays
        snap.working_days = {_d(d): bool(w) for d, w in q(_CALENDAR, params)}  # type: ignore[misc]
        return snap


def _dt_nonzero(v: Any) -> datetime | None:
    """argMax over a Nullable column yields NULL or the epoch for 'never'."""
    d = _dt(v) if v not in (None, "", "\\N") else None
    return None if d is None or d.year <= 1970 else d

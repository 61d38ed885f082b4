"""Per-court health: kept in the state DB, exported as metrics, published as CourtHealth.

The alerting service reads these records for stale-court alerts, so a quiet court can be
told apart from one the fetcher could not reach.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from docketwatch.contract import TOPIC_SOURCE_HEALTH, CourtHealth, CourtState
from services.fetcher import metrics
from services.fetcher.state import CrawlState

log = logging.getLogger(__name__)


class HealthBook:
    def __init__(self, state: CrawlState, producer: AIOKafkaProducer | None,
                 publish: bool) -> None:
        self._state = state
        self._producer = producer
        self._publish = publish and producer is not None
        self._ok: Counter[str] = Counter()
        self._failed: Counter[str] = Counter()
        self._new: set[str] = set()
        self.current: dict[str, CourtState] = {}

    def page(self, court: str, ok: bool) -> None:
        (self._ok if ok else self._failed)[court] += 1

    def new_case(self, court: str) -> None:
        self._new.add(court)

    async def report(self, court: str, state: CourtState, error: str | None = None,
                     ) -> CourtHealth:
        """Record the outcome of a court's pass; publish it when the topic exists."""
        self._state.set_health(court, state.value, error=error, new_case=court in self._new)
        self._new.discard(court)
        self.current[court] = state
        metrics.COURT_STATE.labels(court).set(1 if state is CourtState.OK else 0)
        for s in CourtState:
            metrics.COURT_IN_STATE.labels(court, s.value).set(1 if s is state else 0)
        totals = Counter(self.current.values())
        for s in CourtState:
            metrics.COURTS_BY_STATE.labels(s.value).set(totals.get(s, 0))
        row = self._state.health().get(court, {})
        record = CourtHealth(
            court_code=court, state=state, checked_at=datetime.now(UTC),
            last_success=_dt(row.get("last_success")), last_new_case=_dt(row.get("last_new_case")),
            last_error=error, pages_ok=self._ok[court], pages_failed=self._failed[court],
        )
        if self._publish and self._producer is not None:
            try:
                await self._producer.send_and_wait(TOPIC_SOURCE_HEALTH, record.to_bytes(),
                                                   key=court.encode())
            except Exception as exc:  # health is a report, never a reason to stop crawling
                log.warning("could not publish health of %s: %s", court, exc)
        return record


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None

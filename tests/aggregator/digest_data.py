"""Case events, court health and alerts around 2024-W30, for the weekly digest's tests:
the store test (tests/aggregator/test_digest.py) and the delivery test on the broker
(tests/alerts/test_digest_delivery.py) read the same week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from docketwatch.contract import (
    AlertEvent,
    AlertStatus,
    CaseEvent,
    CourtHealth,
    CourtState,
    DecisionClass,
)
from tests.aggregator.factories import make_event

W30 = date(2024, 7, 22)  # Monday of 2024-W30
# Four courts of the registry, each with its own story.
BUSY, QUIET, DOWN, STEADY = "25OV0000", "27OV0000", "54KV0000", "50AV0000"


def weeks_before(n: int) -> date:
    return W30 - timedelta(weeks=n)


def week30() -> tuple[list[CaseEvent], list[CourtHealth], list[AlertEvent]]:
    """Case events, court health and alerts around 2024-W30 (see test_digest.py for what
    the digest makes of them)."""
    events: list[CaseEvent] = []

    def case(court: str, monday: date, i: int, arts: tuple[str, ...] = ("337",),
             verdict: date | None = None) -> None:
        events.append(make_event(
            f"1-{len(events)}/2024", court=court, observed="2026-01-02T10:00:00",
            receipt=monday + timedelta(days=i % 7), arts=(arts,),
            decision=verdict, decision_class=DecisionClass.VERDICT if verdict else None))

    for n in range(1, 13):  # the 12 weeks before: BUSY 2 a week, QUIET 1, DOWN 3, STEADY 1
        for i in range(2):
            case(BUSY, weeks_before(n), i)
        case(QUIET, weeks_before(n), n)
        for i in range(3):
            case(DOWN, weeks_before(n), i)
        if n % 2:  # STEADY: 6 of 12 weeks with one case, median 0.5
            case(STEADY, weeks_before(n), 0)
    for i in range(7):  # the week: BUSY 7 (>= 5 and >= 2 x 2), QUIET 0, DOWN 0
        case(BUSY, W30, i)
    case(STEADY, W30, 6)  # Sunday 28 July: still the week
    case(STEADY, W30 + timedelta(days=7), 0)  # Monday 29 July: the next week
    case(BUSY, W30, 0, arts=("105",))  # not a refusal case
    case(BUSY, W30, 1, arts=("105", "338"))  # a refusal case all the same
    # Verdicts in the week: 2 refusal (one received long ago), 1 not refusal; 1 the week before
    case(BUSY, date(2023, 1, 9), 0, verdict=W30 + timedelta(days=2))
    case(QUIET, weeks_before(3), 0, verdict=W30 + timedelta(days=4))
    case(QUIET, weeks_before(3), 1, arts=("228",), verdict=W30)
    case(QUIET, weeks_before(4), 2, verdict=W30 - timedelta(days=1))
    at = datetime(2026, 1, 2, 12, tzinfo=UTC)
    health = [
        CourtHealth(court_code=BUSY, state=CourtState.OK, checked_at=at),
        CourtHealth(court_code=QUIET, state=CourtState.CAPTCHA, checked_at=at),
        CourtHealth(court_code=QUIET, state=CourtState.OK, checked_at=at + timedelta(hours=1)),
        CourtHealth(court_code=DOWN, state=CourtState.OK, checked_at=at),
        CourtHealth(court_code=DOWN, state=CourtState.BLOCKED,
                    checked_at=at + timedelta(hours=1))]

    def alert(aid: str, status: AlertStatus, when: datetime, severity: str = "warning",
              ) -> AlertEvent:
        # A rule the alerts service never evaluates, so never resolves: only these events.
        return AlertEvent(alert_id=aid, rule="test_rule", labels={"scope": "all"},
                          status=status, severity=severity,  # type: ignore[arg-type]
                          summary=f"Spike {aid} <b>&", at=when)

    mon = datetime(2024, 7, 22, tzinfo=UTC)
    alerts = [
        alert("a-before", AlertStatus.FIRING, mon - timedelta(seconds=1)),  # fired before
        alert("b-in", AlertStatus.FIRING, mon + timedelta(days=1)),
        alert("b-in", AlertStatus.ESCALATED, mon + timedelta(days=2), "critical"),
        alert("b-in", AlertStatus.RESOLVED, mon + timedelta(days=9)),  # after the week
        alert("c-last-second", AlertStatus.FIRING, mon + timedelta(days=7, microseconds=-1)),
        alert("d-after", AlertStatus.FIRING, mon + timedelta(days=7)),
        alert("e-resolved", AlertStatus.FIRING, mon - timedelta(days=3)),
        alert("e-resolved", AlertStatus.RESOLVED, mon + timedelta(days=3)),  # not a firing
    ]
    return events, health, alerts

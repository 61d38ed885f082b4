"""Hand-built CaseEvents for exact counting tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from docketwatch.contract import (
    Article,
    CaseEvent,
    CaseSnapshot,
    DecisionClass,
    Defendant,
    EventType,
    SourceRef,
    case_key,
    event_id,
    sha256_hex,
)

COURT = "25GV0001"  # Владивостокский ГВС, Приморский край
COURT_REGION = "Приморский край"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def defendants(*article_lists: Sequence[str]) -> tuple[Defendant, ...]:
    return tuple(
        Defendant(
            hidden=True,
            articles=tuple(Article(article=a, raw=f"ст.{a} ч.1") for a in arts),
        )
        for arts in article_lists
    )


def make_event(
    number: str,
    *,
    observed: str,
    receipt: date | None = None,
    decision: date | None = None,
    decision_class: DecisionClass | None = None,
    arts: Sequence[Sequence[str]] = (("337",),),
    event_type: EventType = EventType.OBSERVED,
    court: str = COURT,
    uid: str | None = None,
    parser_version: str = "1.0.0",
) -> CaseEvent:
    snapshot = CaseSnapshot(
        court_code=court,
        case_number=number,
        case_uid=uid,
        receipt_date=receipt,
        decision_date=decision,
        decision_class=decision_class,
        defendants=defendants(*arts),
    )
    key = case_key(court, uid, number)
    url = f"https://example.sudrf.ru/?case={number}&t={observed}"
    page_id = sha256_hex(f"{court}|{url}|{observed}".encode())
    return CaseEvent(
        event_id=event_id(key, event_type, receipt, decision, decision_class),
        event_type=event_type,
        case_key=key,
        observed_at=ts(observed),
        parser_version=parser_version,
        snapshot=snapshot,
        source=SourceRef(
            page_id=page_id, url=url, sha256=sha256_hex(url.encode()), fetched_at=ts(observed)
        ),
    )

"""The store's appeals (migration 0026): links by УИД, else by court and first-instance
number, made whenever both sides are known; the monthly views, exactly."""

from __future__ import annotations

from datetime import date

from clickhouse_connect.driver.client import Client

from docketwatch.contract import (
    AppealChange,
    AppealInstance,
    AppealResult,
    AppealSnapshot,
    CaseEvent,
    CaseUid,
    DecisionClass,
    SourceRef,
    appeal_events,
    case_uid_record,
    sha256_hex,
)
from docketwatch.store.appeal_sink import write_appeal_events, write_case_uids
from docketwatch.store.sink import write_events
from tests.aggregator.factories import make_event, ts

UID = "25GV0001-01-2024-000007-11"


def appeal(number: str, observed: str, **kw: object) -> list:  # type: ignore[type-arg]
    base: dict[str, object] = dict(court_code="25OV0000", instance=AppealInstance.APPEAL,
                                   appeal_number=number, case_uid=f"g-{number}")
    base.update(kw)
    snap = AppealSnapshot.model_validate(base)
    url = f"https://ov.example/?a={number}&t={observed}"
    src = SourceRef(page_id=sha256_hex(url.encode()), url=url, sha256="1" * 64,
                    fetched_at=ts(observed))
    return appeal_events(snap, ts(observed), "sudrf-1.3.0", src)


def uid_of(event: CaseEvent, uid: str) -> CaseUid:
    """The v2 record the parser sends beside a card's v1 events when the card shows a УИД."""
    return case_uid_record(event.snapshot, uid, event.observed_at, "sudrf-1.3.0", event.source)


def rows(store: Client, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(r) for r in store.query(sql).result_rows]


def test_links_views_and_late_linking(store: Client) -> None:
    verdict = dict(decision=date(2024, 3, 1), decision_class=DecisionClass.VERDICT)
    a_case = make_event("1-10/2024", observed="2024-03-05T00:00:00",
                        receipt=date(2024, 1, 10), uid="u-a", **verdict)
    b_case = make_event("1-11/2024", observed="2024-03-05T00:00:00", receipt=date(2024, 1, 11),
                        uid="u-b", arts=(("338",),), **verdict)
    c_case = make_event("1-12/2024", observed="2024-03-05T00:00:00", receipt=date(2024, 1, 12),
                        uid="u-c", **verdict)
    write_events(store, [a_case, b_case])
    write_case_uids(store, [uid_of(a_case, UID)])
    write_appeal_events(store, [
        # by УИД; the card names no lower court at all
        *appeal("22-1/2024", "2024-04-20T00:00:00", judicial_uid=UID,
                receipt_date=date(2024, 3, 20), decision_date=date(2024, 4, 15),
                result=AppealResult.CHANGED, change=AppealChange.SOFTENED,
                articles=("337",)),
        # no УИД: the short name and the first-instance number
        *appeal("22-2/2024", "2024-04-20T00:00:00", lower_court_name="Владивостокский ГВС",
                lower_court_code="25GV0001", lower_case_number="1-11/2024",
                receipt_date=date(2024, 3, 21), decision_date=date(2024, 4, 16),
                result=AppealResult.UPHELD, articles=("338",)),
        # its case is not known yet
        *appeal("22-3/2024", "2024-04-20T00:00:00", lower_court_code="25GV0001",
                lower_case_number="1-12/2024", receipt_date=date(2024, 3, 22),
                decision_date=date(2024, 4, 30), result=AppealResult.CHANGED,
                change=AppealChange.SUSPENDED_TO_REAL, articles=("337",)),
        # cassation of the first, by УИД
        *appeal("77-1/2024", "2024-06-20T00:00:00", court_code="54KV0000",
                instance=AppealInstance.CASSATION, judicial_uid=UID,
                receipt_date=date(2024, 5, 2), decision_date=date(2024, 6, 3),
                result=AppealResult.UPHELD, articles=("337",)),
    ])
    links = "SELECT appeal_number, case_key, link_method FROM appeal_links ORDER BY 1"
    assert rows(store, links) == [
        ("22-1/2024", "25GV0001:uid:u-a", "uid"),
        ("22-2/2024", "25GV0001:uid:u-b", "court_number"),
        ("22-3/2024", None, None),
        ("77-1/2024", "25GV0001:uid:u-a", "uid"),
    ]
    share = "SELECT month, verdicts, appealed, share_appealed FROM refusal_appeal_share"
    assert rows(store, share) == [(date(2024, 3, 1), 2, 2, 1.0)]
    # The case arrives after its appeal: linked now, with nothing rewritten.
    write_events(store, [c_case])
    assert rows(store, links)[2] == ("22-3/2024", "25GV0001:uid:u-c", "court_number")
    assert rows(store, share) == [(date(2024, 3, 1), 3, 3, 1.0)]
    assert rows(store, "SELECT month, instance, result, article, appeals FROM monthly_appeals "
                       "ORDER BY 1, 2, 3, 4") == [
        (date(2024, 4, 1), "appeal", "changed", "337", 2),
        (date(2024, 4, 1), "appeal", "upheld", "338", 1),
        (date(2024, 6, 1), "cassation", "upheld", "337", 1),
    ]
    assert rows(store, "SELECT month, instance, change, appeals FROM appeal_changes "
                       "ORDER BY 1, 3") == [
        (date(2024, 4, 1), "appeal", "softened", 1),
        (date(2024, 4, 1), "appeal", "suspended_to_real", 1),
    ]
    # 45, 46 and 60 days after the verdicts of 1 March; the cassation 94
    assert rows(store, "SELECT month, instance, appeals, total_days, min_days, max_days, "
                       "median_days FROM appeal_delays ORDER BY 1") == [
        (date(2024, 4, 1), "appeal", 3, 151, 45, 60, 46),
        (date(2024, 6, 1), "cassation", 1, 94, 94, 94, 94),
    ]
    chain = ("SELECT instance, appeal_number FROM appeal_chain "
             "WHERE case_key = '25GV0001:uid:u-a' ORDER BY instance, decision_date")
    assert rows(store, chain) == [("appeal", "22-1/2024"), ("cassation", "77-1/2024")]


def test_latest_observation_wins_and_repeats_count_once(store: Client) -> None:
    first = appeal("22-9/2024", "2024-04-01T00:00:00", receipt_date=date(2024, 3, 1))
    later = appeal("22-9/2024", "2024-05-01T00:00:00", receipt_date=date(2024, 3, 1),
                   decision_date=date(2024, 4, 28), result=AppealResult.OVERTURNED)
    write_appeal_events(store, first + later, "t:0:0-5")
    write_appeal_events(store, first + later, "t:0:0-5")  # redelivered batch
    write_appeal_events(store, later)  # redelivered events in another batch
    # received once, decided once, and each of the two readings
    assert store.command("SELECT count() FROM appeal_events FINAL") == 4
    assert rows(store, "SELECT appeal_number, result, decision_date FROM appeals") == [
        ("22-9/2024", "overturned", date(2024, 4, 28))]

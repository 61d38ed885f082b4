"""The appeal knowledge of the library: results, changes, instances, court short names,
and the v2 contract beside the v1 records."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from docketwatch.contract import (
    APPEALS_SCHEMA_VERSION,
    SCHEMA_VERSION,
    AppealChange,
    AppealEvent,
    AppealEventType,
    AppealInstance,
    AppealResult,
    AppealSnapshot,
    CaseEvent,
    CaseSnapshot,
    CaseUid,
    EventType,
    SourceRef,
    appeal_events,
    case_uid_record,
)
from docketwatch.roster import resolve_court, short_name
from docketwatch.sudrf.appeals import (
    classify_change,
    classify_result,
    lower_number,
    page_instance,
)


@pytest.mark.parametrize(("text", "result"), [
    ("ПРИГОВОР ОСТАВЛЕН БЕЗ ИЗМЕНЕНИЯ", AppealResult.UPHELD),
    ("РЕШЕНИЕ оставлено БЕЗ ИЗМЕНЕНИЯ", AppealResult.UPHELD),
    ("Кассационная жалоба оставлена без удовлетворения", AppealResult.UPHELD),
    ("ПРИГОВОР ИЗМЕНЕН", AppealResult.CHANGED),
    ("ПРИГОВОР ОТМЕНЕН с направлением дела на новое рассмотрение", AppealResult.OVERTURNED),
    ("ПРИГОВОР ОТМЕНЕН, дело возвращено прокурору", AppealResult.OVERTURNED),
    ("СНЯТО с апелляционного рассмотрения", AppealResult.RETURNED),
    ("Дело возвращено в суд первой инстанции", AppealResult.RETURNED),
    ("Апелляционное ПРОИЗВОДСТВО ПРЕКРАЩЕНО", AppealResult.ENDED),
    ("Представление (жалоба) ОТОЗВАНЫ", AppealResult.ENDED),
    ("Вынесено определение", AppealResult.OTHER),
    ("", None),
    (None, None),
])
def test_results(text: str | None, result: AppealResult | None) -> None:
    assert classify_result(text) is result


@pytest.mark.parametrize(("text", "change"), [
    ("исключено применение ст. 73 УК РФ, назначено реальное наказание",
     AppealChange.SUSPENDED_TO_REAL),
    ("отменено условное осуждение", AppealChange.SUSPENDED_TO_REAL),
    ("применена ст. 73 УК РФ, наказание назначено условно", AppealChange.REAL_TO_SUSPENDED),
    ("наказание смягчено (несправедливость приговора)", AppealChange.SOFTENED),
    ("наказание усилено", AppealChange.HARSHER),
    ("неправильное применение уголовного закона", AppealChange.OTHER),
    (None, AppealChange.OTHER),
])
def test_changes(text: str | None, change: AppealChange) -> None:
    assert classify_change(AppealResult.CHANGED, text) is change
    assert classify_change(AppealResult.UPHELD, text) is None


def test_instance_is_read_from_the_title_only() -> None:
    assert page_instance("<div align='center' class='title'>\n\tУголовные дела - апелляция"
                         "</div>") is AppealInstance.APPEAL
    assert page_instance('<div class="name-instanse">Уголовные дела - кассация</div>') \
        is AppealInstance.CASSATION
    assert page_instance("<div class='title'>Уголовные дела - первая инстанция</div>"
                         "<option>Уголовные дела - апелляция</option>") is None
    assert page_instance("<option>Уголовные дела - апелляция</option>") is None


def test_court_short_names() -> None:
    assert resolve_court("Ярославский ГВС") == "77GV0013"
    assert resolve_court("  ярославский   гвс ") == "77GV0013"
    assert resolve_court("Ярославский гарнизонный военный суд") == "77GV0013"
    assert resolve_court("Тихоокеанский ФВС") == "25OV0000"
    assert resolve_court("Апелляционный военный суд") == "50AV0000"
    assert resolve_court("Ярославский районный суд") is None
    assert resolve_court(None) is None
    assert short_name("Ярославский гарнизонный военный суд") == "Ярославский ГВС"
    assert lower_number("3/1-12/2026 (К/21548)") == "3/1-12/2026"
    assert lower_number(" 1-12/2024 ") == "1-12/2024"
    assert lower_number("") is None


SOURCE = SourceRef(page_id="p", url="http://x/", sha256="0" * 64,
                   fetched_at=datetime(2024, 5, 1, tzinfo=UTC))


def _appeal(**kw: object) -> AppealSnapshot:
    base: dict[str, object] = dict(
        court_code="77OV0000", instance=AppealInstance.APPEAL, appeal_number="22-5/2024",
        case_uid="g-1", receipt_date=date(2024, 3, 1), hearing_dates=(date(2024, 4, 2),),
        decision_date=date(2024, 4, 2), result=AppealResult.CHANGED,
        change=AppealChange.SOFTENED, result_text="ПРИГОВОР ИЗМЕНЕН")
    base.update(kw)
    return AppealSnapshot.model_validate(base)


def test_appeal_events_are_deterministic_and_versioned() -> None:
    events = appeal_events(_appeal(), SOURCE.fetched_at, "v", SOURCE)
    assert [e.event_type for e in events] == [
        AppealEventType.RECEIVED, AppealEventType.HEARING_SCHEDULED,
        AppealEventType.DECIDED, AppealEventType.OBSERVED]
    again = appeal_events(_appeal(), datetime(2024, 6, 1, tzinfo=UTC), "v", SOURCE)
    assert [e.event_id for e in events] == [e.event_id for e in again]
    changed = appeal_events(_appeal(judicial_uid="77GV0013-01-2024-000001-11"),
                            SOURCE.fetched_at, "v", SOURCE)
    # Only the observation is new: the card now shows a УИД.
    assert [e.event_id for e in changed][:3] == [e.event_id for e in events][:3]
    assert changed[3].event_id != events[3].event_id
    assert all(e.schema_version == APPEALS_SCHEMA_VERSION == 2 for e in events)
    assert AppealEvent.from_bytes(events[0].to_bytes()) == events[0]
    assert events[0].appeal_key == "appeal:77OV0000:uid:g-1"


def test_old_readers_read_old_records_and_refuse_new_ones_cleanly() -> None:
    """v1 records are written exactly as before: a card that shows a УИД still gives a
    CaseSnapshot of the v1 fields only (the УИД travels as a v2 CaseUid), so a reader built
    before v2 accepts every v1 record. A v2 record given to a v1 reader is refused with a
    ValueError (which every stage dead-letters), never an unexpected exception."""
    snap = CaseSnapshot(court_code="77GV0013", case_number="1-1/2024")
    case = CaseEvent(event_id="e", event_type=EventType.RECEIVED, case_key=snap.case_key,
                     observed_at=SOURCE.fetched_at, parser_version="v", snapshot=snap,
                     source=SOURCE)
    raw = case.to_bytes()
    assert b'"schema_version":1' in raw and b"judicial_uid" not in raw
    assert CaseEvent.from_bytes(raw) == case
    assert SCHEMA_VERSION == 1
    assert "judicial_uid" not in CaseSnapshot.model_fields
    uid = case_uid_record(snap, "77GV0013-01-2024-000001-11", SOURCE.fetched_at, "v", SOURCE)
    assert uid.schema_version == 2 and CaseUid.from_bytes(uid.to_bytes()) == uid
    assert uid.event_id == case_uid_record(snap, "77GV0013-01-2024-000001-11",
                                           datetime(2025, 1, 1, tzinfo=UTC), "w",
                                           SOURCE).event_id
    appeal = appeal_events(_appeal(), SOURCE.fetched_at, "v", SOURCE)[0].to_bytes()
    for new in (appeal, uid.to_bytes()):
        with pytest.raises(ValueError):
            CaseEvent.from_bytes(new)
    as_v1 = appeal.replace(b'"schema_version":2', b'"schema_version":1')
    with pytest.raises(ValueError, match="AppealEvent schema_version 1 is not supported"):
        AppealEvent.from_bytes(as_v1)


def test_a_card_gives_its_uid_beside_the_v1_snapshot() -> None:
    from docketwatch.contract import PageKind
    from docketwatch.sudrf.parse import parse_page
    from launcher.golden import GOLDEN_DIR

    page = parse_page((GOLDEN_DIR / "district_criminal_card_leninsky_ufa_1-151_2026.utf8.html")
                      .read_bytes(), PageKind.CARD, "03RS0004")
    assert page.judicial_uid == "03RS0003-01-2026-003803-62"
    assert page.snapshot is not None and b"03RS0003" not in page.snapshot.model_dump_json(
        ).encode()


def test_docketwatch_parse_prints_the_appeal_of_a_review_card() -> None:
    import json

    from typer.testing import CliRunner

    from launcher.cli import app
    from launcher.golden import GOLDEN_DIR

    card = GOLDEN_DIR / "2zovs_appeal_card_22K-1372-2026.utf8.html"
    result = CliRunner().invoke(app, ["parse", str(card), "--court", "77OV0000"])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.output.splitlines()]
    assert (line["kind"], line["appeal_number"], line["lower_court_code"],
            line["lower_case_number"]) == ("card", "22К-1372/2026", "77GV0013", "3/1-12/2026")

"""The one event contract every docketwatch service speaks.

Three topics carry three record types, each a pydantic v2 model serialised as JSON (UTF-8)
with an explicit ``schema_version``. A consumer refuses records of a major version it does
not know (they go to the dead-letter topic) instead of guessing.

* ``RAW_PAGES``   — :class:`RawPage`, one fetched page, keyed by court code so that one
  court's pages stay in order on one partition.
* ``CASE_EVENTS`` — :class:`CaseEvent`, the parser's view of a case (a snapshot plus the
  lifecycle change that produced it), keyed by :attr:`CaseEvent.case_key`.
* ``DEAD_LETTERS`` — :class:`DeadLetter`, anything a stage could not process, with the
  original bytes (up to :data:`DEAD_LETTER_PAYLOAD_LIMIT`, then their sha256 and length, and
  the source record's position) so it can be replayed after a fix.

Every record fits :data:`RECORD_LIMIT_BYTES`, the one size limit of the pipeline: our
producers' ``max_request_size``, every topic's ``max.message.bytes`` and the broker's
``message.max.bytes`` (deploy/kafka/broker.sh, docker-compose.yml) are all this value. The
fetcher's body cap is derived from it (:func:`max_body_bytes`) so that a RawPage always fits.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    model_validator,
)

SCHEMA_VERSION = 1
# Version 2 added two record types on topics of their own: :class:`AppealEvent`
# (:data:`TOPIC_APPEAL_EVENTS`) and :class:`CaseUid` (:data:`TOPIC_CASE_UIDS`, the УИД a
# first-instance card shows). Every v1 record is unchanged, byte for byte, and still
# written as v1, so a reader built before v2 reads everything it reads today and never
# meets a v2 record.
APPEALS_SCHEMA_VERSION = 2

# The largest record, in bytes as the producer measures it (uncompressed: aiokafka refuses
# a larger one before compressing it), that any docketwatch producer sends or topic takes.
RECORD_LIMIT_BYTES = 10 * 1024 * 1024
# Room in a RawPage record for everything but the body: the JSON fields (url, params, ids,
# times) and Kafka's own record overhead and key. Our URLs and parameters are a few hundred
# bytes; a RawPage that still does not fit is refused by the fetcher before sending.
RAW_PAGE_ENVELOPE_BYTES = 64 * 1024
# A dead letter keeps at most this many bytes of the record it could not process (base64:
# 4/3 of it on the wire); the rest is named by its sha256 and length, and can be read again
# at its source position (the raw and event topics keep every record).
DEAD_LETTER_PAYLOAD_LIMIT = 1024 * 1024
# Text fields of a dead letter are cut to these many characters.
DEAD_LETTER_TEXT_LIMIT = 4000
DEAD_LETTER_FIELD_LIMIT = 1000


def max_body_bytes(record_limit: int = RECORD_LIMIT_BYTES) -> int:
    """The largest page body a RawPage record can carry: base64 makes 4 bytes of every 3,
    and :data:`RAW_PAGE_ENVELOPE_BYTES` is kept for the rest of the record."""
    return (record_limit - RAW_PAGE_ENVELOPE_BYTES) // 4 * 3

TOPIC_RAW_PAGES = "docketwatch.raw-pages.v1"
TOPIC_CASE_EVENTS = "docketwatch.case-events.v1"
TOPIC_DEAD_LETTERS = "docketwatch.dead-letters.v1"


def _b64_decode(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return base64.b64decode(value, validate=True)
    raise TypeError("expected base64 text or bytes")


# Raw page bodies are arbitrary bytes (usually cp1251); JSON carries them as base64.
Base64Bytes = Annotated[
    bytes,
    PlainValidator(_b64_decode),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str),
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = SCHEMA_VERSION
    # The one schema version a record type is written and read in (v1 for every type that
    # existed before appeals; see APPEALS_SCHEMA_VERSION).
    _speaks: ClassVar[int] = SCHEMA_VERSION

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Any:
        """Parse a record, refusing an unknown schema version with a clear error."""
        record = cls.model_validate_json(data)
        if record.schema_version != cls._speaks:
            raise ValueError(
                f"{cls.__name__} schema_version {record.schema_version} is not supported "
                f"(this build speaks {cls._speaks})"
            )
        return record


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- raw pages


class PageKind(StrEnum):
    LIST = "list"  # name_op=r search results
    CARD = "card"  # name_op=case case card
    # Not a response but the fetcher's account of one: the rows of a receipt-date window
    # whose pages all added up to the site's counter (body: a WindowManifest as JSON).
    # It travels with the court's pages, after them, so the parser can tell which known
    # cases the site no longer lists.
    WINDOW = "window"


class PageState(StrEnum):
    """What the fetcher saw; the parser re-derives it from the bytes and may disagree."""

    OK = "ok"
    EMPTY = "empty"
    CAPTCHA = "captcha"
    WRONG_CAPTCHA = "wrong_captcha"
    WAF_BLOCK = "waf_block"
    SITE_DOWN = "site_down"
    TRUNCATED = "truncated"
    UNEXPECTED = "unexpected"
    HTTP_ERROR = "http_error"


class RawPage(_Record):
    """One HTTP response from a court site, exactly as received (or, kind ``window``, the
    fetcher's manifest of a completely fetched window)."""

    page_id: str = Field(description="sha256 of court, url and fetch time: unique per fetch")
    court_code: str = Field(description="vnkod, e.g. 52GV0001")
    url: str
    params: dict[str, str] = Field(default_factory=dict, description="query parameters sent")
    kind: PageKind
    fetched_at: datetime
    http_status: int
    state: PageState
    charset: str | None = Field(default=None, description="charset from the Content-Type header")
    sha256: str = Field(description="sha256 of body")
    body: Base64Bytes


class ManifestRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_uid: str
    case_id: str
    case_number: str


class WindowManifest(BaseModel):
    """Every row a court listed for one receipt-date window, fetched completely (distinct
    rows == the site's «Всего по запросу найдено»), with no article filter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    court_code: str
    date_from: date
    date_to: date
    total: int
    rows: tuple[ManifestRow, ...]


# --------------------------------------------------------------------------- case events


class Article(BaseModel):
    """One article reference, e.g. ``ст. 30 ч.3, ст.337 ч.5 п.а`` → 337/5/а, attempt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    article: str = Field(description="article number as text: '337', '205.1'")
    part: str | None = None
    points: tuple[str, ...] = ()
    # Art. 30 part 1 = preparation, part 3 = attempt; None when the article stands alone.
    inchoate: Literal["preparation", "attempt"] | None = None
    raw: str = Field(description="the verbatim text this was parsed from")


class Defendant(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = Field(default=None, description="only kept when the settings allow it")
    hidden: bool = Field(description="the site showed <Информация скрыта>")
    articles: tuple[Article, ...]


class DecisionClass(StrEnum):
    VERDICT = "verdict"
    TERMINATED = "terminated"
    RETURNED_TO_PROSECUTOR = "returned_to_prosecutor"
    TRANSFERRED = "transferred"
    OTHER_RULING = "other_ruling"
    MEDICAL_MEASURES = "medical_measures"
    OTHER = "other"


class EventType(StrEnum):
    RECEIVED = "received"
    DECIDED = "decided"
    DECISION_CHANGED = "decision_changed"
    ENTERED_INTO_FORCE = "entered_into_force"
    HEARING_SCHEDULED = "hearing_scheduled"
    RE_RECEIVED = "re_received"
    # A complete fetch of the case's receipt window no longer lists it; REAPPEARED when a
    # page shows it again. It still counts where it was received: it did happen.
    DISAPPEARED = "disappeared"
    REAPPEARED = "reappeared"
    OBSERVED = "observed"  # a snapshot with no lifecycle change (e.g. a refetch)
    # The text of a decided case's act appeared and was read: ``snapshot.sentences`` and
    # ``snapshot.act_status`` carry what it says (see :class:`DefendantSentence`).
    SENTENCE_PUBLISHED = "sentence_published"


class SourceRef(BaseModel):
    """Where a fact came from: enough to cite it and to find the raw page again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    page_id: str
    url: str
    sha256: str
    fetched_at: datetime


class CardEvent(BaseModel):
    """One row of a card's ДВИЖЕНИЕ ДЕЛА tab."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    event_date: date | None = None
    event_time: str | None = Field(default=None, description="HH:MM as shown")
    place: str | None = None
    result: str | None = None
    basis: str | None = None
    posted_date: date | None = None


def _empty(value: tuple[object, ...]) -> bool:
    return not value


def _none(value: object) -> bool:
    return value is None


class CaseSnapshot(BaseModel):
    """The state of one case as one page showed it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    court_code: str
    case_number: str
    case_uid: str | None = None
    case_id: str | None = None
    receipt_date: date | None = None
    judge: str | None = None
    decision_date: date | None = None
    decision_text: str | None = None
    decision_class: DecisionClass | None = None
    decision_ground: str | None = None
    entry_into_force_date: date | None = None
    defendants: tuple[Defendant, ...] = ()
    has_act: bool = False
    # Only a case card shows these; a list row leaves them empty.
    events: tuple[CardEvent, ...] = ()
    published_at: datetime | None = None
    modified_at: datetime | None = None
    # Read from the act text (СУДЕБНЫЕ АКТЫ / name_op=doc) once it is published; empty and
    # None until then. Added after v1 shipped: optional, so old records still validate, and
    # left out while unset, so that a snapshot without them serialises exactly as before
    # they existed and consumers built before them (extra="forbid") accept every such
    # record. (exclude_if, not a wrap serializer: serialisation stays in pydantic-core,
    # three times as fast, and the parser serialises a snapshot for every event.)
    sentences: tuple[DefendantSentence, ...] = Field((), exclude_if=_empty)
    act_status: ActStatus | None = Field(None, exclude_if=_none)
    # Set by the parser (not read from a page) when a complete fetch of the receipt window
    # no longer lists the case: the manifest's fetch time. Added after v1 shipped, as above.
    disappeared_at: datetime | None = Field(None, exclude_if=_none)

    @property
    def case_key(self) -> str:
        return case_key(self.court_code, self.case_uid, self.case_number)

    @property
    def gone(self) -> bool:
        """The site no longer lists the case (see ``disappeared_at``)."""
        return self.disappeared_at is not None

    @property
    def articles(self) -> tuple[str, ...]:
        """Distinct article numbers over all defendants, in order of appearance."""
        seen: dict[str, None] = {}
        for d in self.defendants:
            for a in d.articles:
                seen.setdefault(a.article, None)
        return tuple(seen)


def case_key(court_code: str, case_uid: str | None, case_number: str) -> str:
    """Case identity: court + case_uid when the site shows one, else court + case number.

    List rows and cards of the standard interface both carry the case_uid, so the two
    observations of one case merge.
    """
    if case_uid:
        return f"{court_code}:uid:{case_uid.lower()}"
    return f"{court_code}:no:{case_number}"


class CaseEvent(_Record):
    """A lifecycle change of one case, carrying the full snapshot after the change."""

    event_id: str = Field(description="deterministic: same case, type and fields → same id")
    event_type: EventType
    case_key: str
    observed_at: datetime = Field(description="fetch time of the page that showed the change")
    parser_version: str
    snapshot: CaseSnapshot
    source: SourceRef


def event_id(case_key_: str, event_type: EventType, *defining: object) -> str:
    """Deterministic id so that a replay yields the same ids and the sink deduplicates."""
    parts = ["" if d is None else str(d) for d in defining]
    text = "\x1f".join([case_key_, event_type.value, *parts])
    return sha256_hex(text.encode("utf-8"))[:32]


# --------------------------------------------------------------------------- dead letters


def _cut(value: Any, limit: int) -> Any:
    return value[: limit - 1] + "…" if isinstance(value, str) and len(value) > limit else value


class DeadLetter(_Record):
    """What a stage could not process, and why; always far smaller than the record limit.

    Built from a record of any size: a payload over :data:`DEAD_LETTER_PAYLOAD_LIMIT` is
    cut to that many bytes and ``payload_sha256``/``payload_length`` name the whole one (so
    that it stays traceable: the source record is at ``source_topic``/``source_partition``/
    ``source_offset``); the error text and the other text fields are cut too. Those two
    fields are left out of the JSON when the payload is whole, so a letter reads as before
    they existed.
    """

    stage: Literal["fetcher", "parser", "aggregator"]
    error_type: str
    error: str
    stage_version: str
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None
    court_code: str | None = None
    url: str | None = None
    created_at: datetime
    payload: Base64Bytes = Field(description="the original record or page bytes (their "
                                 "first DEAD_LETTER_PAYLOAD_LIMIT bytes when longer)")
    # Both left out of the JSON of a letter that was not cut.
    payload_sha256: str | None = Field(
        default=None, exclude_if=_none,
        description="sha256 of the whole original payload, when it was cut")
    payload_length: int | None = Field(
        default=None, exclude_if=_none,
        description="length in bytes of the whole original payload, when cut")

    @model_validator(mode="before")
    @classmethod
    def _bounded(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        payload = data.get("payload")
        if isinstance(payload, str) and len(payload) > DEAD_LETTER_PAYLOAD_LIMIT // 3 * 4 + 4:
            payload = _b64_decode(payload)  # an over-long letter from elsewhere: cut it too
        if isinstance(payload, bytes | bytearray | memoryview):
            payload = bytes(payload)
            if len(payload) > DEAD_LETTER_PAYLOAD_LIMIT:
                data.setdefault("payload_sha256", sha256_hex(payload))
                data.setdefault("payload_length", len(payload))
                payload = payload[:DEAD_LETTER_PAYLOAD_LIMIT]
            data["payload"] = payload
        data["error"] = _cut(data.get("error"), DEAD_LETTER_TEXT_LIMIT)
        for name in ("error_type", "stage_version", "source_topic", "court_code", "url"):
            if name in data:
                data[name] = _cut(data[name], DEAD_LETTER_FIELD_LIMIT)
        return data

    @property
    def truncated(self) -> bool:
        return self.payload_length is not None

    @property
    def original_length(self) -> int:
        """Length of the payload the stage could not process, cut or not."""
        return len(self.payload) if self.payload_length is None else self.payload_length

    @property
    def original_sha256(self) -> str:
        return sha256_hex(self.payload) if self.payload_sha256 is None else self.payload_sha256


# --------------------------------------------------------------------------- source health

TOPIC_SOURCE_HEALTH = "docketwatch.source-health.v1"
TOPIC_ALERTS = "docketwatch.alerts.v1"


class CourtState(StrEnum):
    OK = "ok"
    # Every window was fetched, but some could not be confirmed (an empty answer no
    # control confirmed, rows that do not add up): retried on the next pass.
    INCOMPLETE = "incomplete"
    FAILING = "failing"  # outages, 5xx, timeouts after retries
    CAPTCHA = "captcha"  # waiting for a solver or a person; never guessed
    BLOCKED = "blocked"  # WAF
    CIRCUIT_OPEN = "circuit_open"  # paused after repeated failures


class CourtHealth(_Record):
    """The fetcher's view of one court after a window or a pass, keyed by court code.

    The alerting service reads these (through ClickHouse) for source-health alerts.
    """

    court_code: str
    state: CourtState
    checked_at: datetime
    last_success: datetime | None = None
    last_new_case: datetime | None = None
    last_error: str | None = None
    pages_ok: int = 0
    pages_failed: int = 0


# --------------------------------------------------------------------------- alerts


class AlertStatus(StrEnum):
    FIRING = "firing"
    ESCALATED = "escalated"  # still firing, now more severe
    RESOLVED = "resolved"
    SILENCED = "silenced"


class AlertEvent(_Record):
    """One state change of one alert, keyed by ``alert_id`` (stable over its lifetime)."""

    alert_id: str = Field(description="stable: hash of rule name and sorted labels")
    rule: str
    labels: dict[str, str]
    status: AlertStatus
    severity: Literal["info", "warning", "critical"]
    summary: str
    value: float | None = None
    baseline: float | None = None
    provisional: bool = False
    at: datetime


# --------------------------------------------------------------------------- sentences


class ActStatus(StrEnum):
    """What the text of a case's act turned out to be."""

    VERDICT = "verdict"  # a ПРИГОВОР with an operative part (ПРИГОВОРИЛ: …)
    NOT_VERDICT = "not_verdict"  # a ruling (ПОСТАНОВИЛ/ОПРЕДЕЛИЛ): no sentences by design
    UNREADABLE = "unreadable"  # neither could be recognised: kept for review, never guessed


class PunishmentKind(StrEnum):
    IMPRISONMENT = "imprisonment"  # real imprisonment (лишение свободы), with a regime
    SUSPENDED = "suspended"  # art. 73 УК РФ: any suspended punishment, with probation
    DISCIPLINARY_UNIT = "disciplinary_unit"  # содержание в дисциплинарной воинской части
    FINE = "fine"  # штраф
    RESTRICTION_OF_SERVICE = "restriction_of_service"  # ограничение по военной службе
    ACQUITTED = "acquitted"  # оправдан: a verdict without a punishment
    OTHER = "other"  # anything else recognised as a punishment (forced labour, arrest…)
    UNREADABLE = "unreadable"  # the operative part could not be read; see ``raw``


class ColonyRegime(StrEnum):
    SETTLEMENT = "settlement"  # колония-поселение
    GENERAL = "general"  # исправительная колония общего режима
    STRICT = "strict"  # строгого режима
    SPECIAL = "special"  # особого режима
    PRISON = "prison"  # тюрьма


class Punishment(BaseModel):
    """The final punishment of one defendant, as the operative part states it.

    Terms are whole months (``1 год 6 месяцев`` → 18). For SUSPENDED, ``term_months`` is the
    term of the punishment held suspended and ``base_kind`` that punishment (usually
    imprisonment). A replacement (art. 55: imprisonment → disciplinary unit; art. 53.1)
    sets ``replaced`` and keeps the replaced kind in ``base_kind``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PunishmentKind
    term_months: int | None = None
    probation_months: int | None = None
    colony_regime: ColonyRegime | None = None
    fine_rub: int | None = None
    deduction_percent: int | None = None
    base_kind: PunishmentKind | None = None
    replaced: bool = False
    # Art. 70 / part 5 of art. 69 / art. 74: an earlier sentence was added to this one, so
    # the term is not the term for the refusal alone.
    combined_with_previous: bool = False
    raw: str = Field(description="the operative text this was read from, for review")
    reason: str | None = Field(default=None, description="why the kind is UNREADABLE")


class DefendantSentence(BaseModel):
    """One defendant's finding and punishment, in the order of the operative part.

    Acts are depersonalised and their defendants cannot be matched to the card's by name;
    ``index`` (1-based) follows the operative part and ``articles`` the guilty finding.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    articles: tuple[Article, ...] = ()
    punishment: Punishment


# --------------------------------------------------------------------------- appeals (v2)

TOPIC_APPEAL_EVENTS = "docketwatch.appeal-events.v1"


class AppealInstance(StrEnum):
    """Which review a card is: an appeal (district/fleet military courts, the Appellate
    Military Court) or a cassation (the Cassation Military Court)."""

    APPEAL = "appeal"
    CASSATION = "cassation"


class AppealResult(StrEnum):
    """What the higher court did with the decision under review."""

    UPHELD = "upheld"  # оставлен без изменения
    CHANGED = "changed"  # изменён
    OVERTURNED = "overturned"  # отменён (with or without a new hearing)
    RETURNED = "returned"  # returned to the lower court without review (снято, возвращено)
    ENDED = "ended"  # the review itself ended: withdrawn, proceedings terminated
    OTHER = "other"  # a result no rule recognised; the text is kept


class AppealChange(StrEnum):
    """How a changed sentence changed, where the card says it."""

    SOFTENED = "softened"  # punishment reduced
    HARSHER = "harsher"  # punishment increased
    SUSPENDED_TO_REAL = "suspended_to_real"  # suspended sentence made real
    REAL_TO_SUSPENDED = "real_to_suspended"  # real sentence suspended (art. 73)
    OTHER = "other"  # changed in some other way, or the card does not say how


class AppealSnapshot(BaseModel):
    """One appeal or cassation card as one page showed it.

    ``appeal_number`` is the higher court's own number and is never used to link; the link
    to the first-instance case goes by ``judicial_uid`` (the УИД, when the card shows one),
    else by the first-instance court (``lower_court_code``, resolved from the short name the
    card shows, e.g. «Ярославский ГВС») and the first-instance number.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    court_code: str
    instance: AppealInstance
    appeal_number: str
    case_uid: str | None = Field(default=None, description="the card link's GUID")
    case_id: str | None = None
    judicial_uid: str | None = Field(default=None, description="УИД, when the card shows it")
    receipt_date: date | None = None
    judge: str | None = None
    lower_court_name: str | None = Field(default=None, description="as the card shows it")
    lower_court_code: str | None = Field(default=None, description="resolved from the name")
    lower_case_number: str | None = Field(
        default=None, description="first-instance number without the material's «(К/…)»")
    lower_judge: str | None = None
    hearing_dates: tuple[date, ...] = ()
    decision_date: date | None = None
    result_text: str | None = None
    result: AppealResult | None = None
    change: AppealChange | None = None
    change_text: str | None = Field(default=None, description="«Основания отмены (изменения)»")
    articles: tuple[str, ...] = Field(default=(), description="distinct article numbers")
    published_at: datetime | None = None
    modified_at: datetime | None = None

    @property
    def appeal_key(self) -> str:
        return appeal_key(self.court_code, self.instance, self.case_uid, self.appeal_number)


def appeal_key(court_code: str, instance: AppealInstance, case_uid: str | None,
               appeal_number: str) -> str:
    """An appeal's identity in its own court: as :func:`case_key`, with the instance."""
    return f"{instance.value}:{case_key(court_code, case_uid, appeal_number)}"


class AppealEventType(StrEnum):
    RECEIVED = "received"
    HEARING_SCHEDULED = "hearing_scheduled"
    DECIDED = "decided"
    # Every reading of a card: its id is the content's, so a card that changed (a result,
    # a УИД, a hearing added) is a new event and an unchanged one the same event again.
    OBSERVED = "observed"


class AppealEvent(_Record):
    """A fact about one appeal, carrying the card it was read from (schema version 2).

    The parser keeps no state for appeals: each reading of a card yields the events that
    card shows, with deterministic ids, and the store keeps each once. The latest
    observation of an appeal is its state.
    """

    _speaks: ClassVar[int] = APPEALS_SCHEMA_VERSION
    schema_version: int = APPEALS_SCHEMA_VERSION
    event_id: str
    event_type: AppealEventType
    appeal_key: str
    observed_at: datetime
    parser_version: str
    appeal: AppealSnapshot
    source: SourceRef


def appeal_events(snap: AppealSnapshot, observed_at: datetime, parser_version: str,
                  source: SourceRef) -> list[AppealEvent]:
    """The events one reading of an appeal card shows (deterministic ids, see above)."""
    key = snap.appeal_key
    found: list[tuple[AppealEventType, tuple[object, ...]]] = []
    if snap.receipt_date is not None:
        found.append((AppealEventType.RECEIVED, (snap.receipt_date,)))
    found.extend((AppealEventType.HEARING_SCHEDULED, (d,)) for d in snap.hearing_dates)
    if snap.decision_date is not None and snap.result is not None:
        found.append((AppealEventType.DECIDED, (snap.decision_date, snap.result.value,
                                                 snap.change.value if snap.change else None)))
    found.append((AppealEventType.OBSERVED, (sha256_hex(snap.model_dump_json().encode()),)))
    return [
        AppealEvent(event_id=_appeal_event_id(key, kind, *defining), event_type=kind,
                    appeal_key=key, observed_at=observed_at, parser_version=parser_version,
                    appeal=snap, source=source)
        for kind, defining in found
    ]


TOPIC_CASE_UIDS = "docketwatch.case-uids.v1"


class CaseUid(_Record):
    """The УИД (unique case identifier) a first-instance card showed (schema version 2).

    A fact about a case that CaseSnapshot (v1) does not carry: adding it there would make
    every v1 reader built before it refuse most records (``extra="forbid"``). It links the
    case's appeals, whose cards show the same УИД. Keyed by ``case_key``; the id is the
    case's and the УИД's, so a card read again is the same record.
    """

    _speaks: ClassVar[int] = APPEALS_SCHEMA_VERSION
    schema_version: int = APPEALS_SCHEMA_VERSION
    event_id: str
    case_key: str
    court_code: str
    case_number: str
    judicial_uid: str
    observed_at: datetime
    parser_version: str
    source: SourceRef


def case_uid_record(snap: CaseSnapshot, judicial_uid: str, observed_at: datetime,
                    parser_version: str, source: SourceRef) -> CaseUid:
    key = snap.case_key
    return CaseUid(
        event_id=sha256_hex("\x1f".join(["uid", key, judicial_uid]).encode("utf-8"))[:32],
        case_key=key, court_code=snap.court_code, case_number=snap.case_number,
        judicial_uid=judicial_uid, observed_at=observed_at, parser_version=parser_version,
        source=source)


def _appeal_event_id(key: str, kind: AppealEventType, *defining: object) -> str:
    parts = ["" if d is None else str(d) for d in defining]
    return sha256_hex("\x1f".join(["appeal", key, kind.value, *parts]).encode("utf-8"))[:32]


# CaseSnapshot (above) refers to these by name; resolve the forward references now.
CaseSnapshot.model_rebuild()
CaseEvent.model_rebuild()

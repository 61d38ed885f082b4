"""Case lifecycle: merge a new observation into the known state and name what changed.

Pure functions, so that the faust agent stays thin and replays are deterministic: the same
sequence of observations always yields the same events with the same ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from docketwatch.contract import (
    ActStatus,
    CaseEvent,
    CaseSnapshot,
    EventType,
    PageKind,
    SourceRef,
    WindowManifest,
    event_id,
    sha256_hex,
)

# Fields only a case card shows: a list row must not erase them. The act's reading
# (sentences, act_status) comes from the card's СУДЕБНЫЕ АКТЫ tab.
_CARD_ONLY = ("events", "published_at", "modified_at", "sentences", "act_status")
# A read act that is a verdict's (or should be and cannot be read) is news: a sentence.
# A ruling (NOT_VERDICT) changes the snapshot only and is recorded as OBSERVED.
_SENTENCE_STATUSES = (ActStatus.VERDICT, ActStatus.UNREADABLE)
_IDENTITY = ("case_uid", "case_id")
# Fields a result-list row shows that a case card may not (the entry-into-force column):
# a card that leaves one out says nothing about it, so the row's value stands.
_LIST_SHOWN = ("entry_into_force_date",)
# Fields a result list may not show at all (a layout without a persons column): a row that
# shows none says nothing about them, since every criminal case has a defendant. Without
# this, a list page read after the card erased the case's articles (VNKOD decision windows).
_LIST_MAY_OMIT = ("defendants",)


@dataclass(frozen=True)
class Change:
    event_type: EventType
    defining: tuple[object, ...]


def merge(prev: CaseSnapshot | None, obs: CaseSnapshot, kind: PageKind) -> CaseSnapshot:
    if prev is None:
        return obs
    keep = _CARD_ONLY if kind == PageKind.LIST else ()
    updates = {f: getattr(prev, f) for f in keep}
    # Without this a card and its list row would undo each other's view on every visit,
    # and the order in which they were fetched would decide which events a run emits.
    silent = _IDENTITY + (_LIST_SHOWN if kind == PageKind.CARD else ())
    updates.update({f: getattr(prev, f) for f in silent if getattr(obs, f) is None})
    if kind == PageKind.LIST:
        updates.update({f: getattr(prev, f) for f in _LIST_MAY_OMIT if not getattr(obs, f)})
    return obs.model_copy(update=updates) if updates else obs


def changes(prev: CaseSnapshot | None, new: CaseSnapshot) -> list[Change]:
    out: list[Change] = []
    if prev is None:
        out.append(Change(EventType.RECEIVED, (new.receipt_date,)))
        if new.decision_class is not None:
            out.append(Change(EventType.DECIDED, (new.decision_date, new.decision_class)))
        if new.entry_into_force_date is not None:
            out.append(Change(EventType.ENTERED_INTO_FORCE, (new.entry_into_force_date,)))
        out += _new_hearings(None, new)
        out += _sentence(None, new)
        return out
    if new == prev:
        return out
    if prev.disappeared_at is None and new.disappeared_at is not None:
        return [Change(EventType.DISAPPEARED, (new.disappeared_at.isoformat(),))]
    if prev.disappeared_at is not None and new.disappeared_at is None:
        # Defined by the disappearance it ends: each return is its own event.
        out.append(Change(EventType.REAPPEARED, (prev.disappeared_at.isoformat(),)))
    if new.receipt_date != prev.receipt_date and new.receipt_date is not None:
        out.append(Change(EventType.RE_RECEIVED, (new.receipt_date,)))
    if prev.decision_class is None and new.decision_class is not None:
        out.append(Change(EventType.DECIDED, (new.decision_date, new.decision_class)))
    elif prev.decision_class is not None and (
        (new.decision_class, new.decision_date, new.decision_text)
        != (prev.decision_class, prev.decision_date, prev.decision_text)
    ):
        out.append(Change(EventType.DECISION_CHANGED,
                          (new.decision_date, new.decision_class, new.decision_text)))
    if prev.entry_into_force_date is None and new.entry_into_force_date is not None:
        out.append(Change(EventType.ENTERED_INTO_FORCE, (new.entry_into_force_date,)))
    out += _new_hearings(prev, new)
    out += _sentence(prev, new)
    if not out:
        # Something else changed (judge, articles, card details): record the new state.
        out.append(Change(EventType.OBSERVED, (sha256_hex(new.model_dump_json().encode()),)))
    return out


class Listed(Protocol):
    """What :func:`vanished` reads of a known case (a CaseSnapshot has it, and so has the
    parser's lighter per-case index)."""

    @property
    def court_code(self) -> str: ...
    @property
    def case_uid(self) -> str | None: ...
    @property
    def case_number(self) -> str: ...
    @property
    def receipt_date(self) -> date | None: ...
    @property
    def gone(self) -> bool: ...


def vanished(manifest: WindowManifest, known: Iterable[tuple[str, Listed]]) -> list[str]:
    """Keys of the known cases of the manifest's court and receipt window that it does not
    list (and that were not already gone).

    A case is matched by case_uid or by case number, so an observation keyed either way
    is found; a case without a receipt date is never declared gone.
    """
    uids = {r.case_uid.lower() for r in manifest.rows if r.case_uid}
    numbers = {r.case_number for r in manifest.rows if r.case_number}
    return sorted(
        key for key, case in known
        if case.court_code == manifest.court_code
        and not case.gone
        and case.receipt_date is not None
        and manifest.date_from <= case.receipt_date <= manifest.date_to
        and not (case.case_uid and case.case_uid.lower() in uids)
        and case.case_number not in numbers
    )


def disappear(snapshot: CaseSnapshot, at: datetime) -> CaseSnapshot:
    return snapshot.model_copy(update={"disappeared_at": at})


def _new_hearings(prev: CaseSnapshot | None, new: CaseSnapshot) -> list[Change]:
    known = {(e.name, e.event_date, e.event_time) for e in prev.events} if prev else set()
    return [
        Change(EventType.HEARING_SCHEDULED, (e.event_date, e.event_time))
        for e in new.events
        if "заседание" in e.name.lower() and e.event_date is not None
        and (e.name, e.event_date, e.event_time) not in known
    ]


def sentences_digest(snapshot: CaseSnapshot) -> str:
    """A stable digest of what the act says: its status and every defendant's finding and
    punishment, without the raw texts (a re-worded ``raw`` alone is not a new sentence; it
    still changes the snapshot, which then yields an OBSERVED event)."""
    payload = [
        None if snapshot.act_status is None else snapshot.act_status.value,
        [
            s.model_dump(
                mode="json", exclude={"punishment": {"raw"}, "articles": {"__all__": {"raw"}}}
            )
            for s in snapshot.sentences
        ],
    ]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256_hex(text.encode("utf-8"))


def _sentence(prev: CaseSnapshot | None, new: CaseSnapshot) -> list[Change]:
    """SENTENCE_PUBLISHED when a verdict's act is read for the first time or reads
    differently; defining field: :func:`sentences_digest`."""
    if new.act_status not in _SENTENCE_STATUSES:
        return []
    digest = sentences_digest(new)
    if prev is not None and sentences_digest(prev) == digest:
        return []
    return [Change(EventType.SENTENCE_PUBLISHED, (digest,))]


def to_events(
    case_key: str, snapshot: CaseSnapshot, found: list[Change], source: SourceRef,
    parser_version: str,
) -> list[CaseEvent]:
    return [
        CaseEvent(
            event_id=event_id(case_key, c.event_type, *c.defining),
            event_type=c.event_type,
            case_key=case_key,
            observed_at=source.fetched_at,
            parser_version=parser_version,
            snapshot=snapshot,
            source=source,
        )
        for c in found
    ]

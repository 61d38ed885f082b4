"""The version-2 records of a parsed page: appeal events of a review card, the УИД of a
first-instance card. Each goes to its own topic; v1 case events are untouched.

Stateless on purpose: each reading of a card yields the records the card shows, with
deterministic ids (``contract.appeal_events``, ``contract.case_uid_record``), and the store
keeps each once and an appeal's latest observation as its state. So they need no table of
the parser's, and a replay of old pages yields the same records. Only cards are read: a
list row shows neither the УИД nor the first-instance court, and the fetcher fetches the
card of every new or changed row.
"""

from __future__ import annotations

from docketwatch.contract import (
    TOPIC_APPEAL_EVENTS,
    TOPIC_CASE_UIDS,
    PageKind,
    RawPage,
    SourceRef,
    appeal_events,
    case_uid_record,
)
from docketwatch.sudrf.models import ParsedPage


def v2_records(parsed: ParsedPage, page: RawPage,
               source: SourceRef) -> list[tuple[str, bytes, bytes]]:
    """(topic, key, value) of every v2 record the page gives."""
    if page.kind is not PageKind.CARD:
        return []
    out = [(TOPIC_APPEAL_EVENTS, ev.appeal_key.encode(), ev.to_bytes())
           for snap in parsed.appeals
           for ev in appeal_events(snap, page.fetched_at, parsed.parser_version, source)]
    if parsed.snapshot is not None and parsed.judicial_uid:
        rec = case_uid_record(parsed.snapshot, parsed.judicial_uid, page.fetched_at,
                              parsed.parser_version, source)
        out.append((TOPIC_CASE_UIDS, rec.case_key.encode(), rec.to_bytes()))
    return out

"""Appeal events of a parsed review card (schema version 2, their own topic).

Stateless on purpose: each reading of a card yields the events the card shows, with
deterministic ids (``contract.appeal_events``), and the store keeps each event once and an
appeal's latest observation as its state. So appeals need no table of the parser's, and a
replay of old pages yields the same records. Only cards are read: a list row shows neither
the УИД nor the first-instance court, and the fetcher fetches the card of every new or
changed row.
"""

from __future__ import annotations

from docketwatch.contract import AppealSnapshot, PageKind, RawPage, SourceRef, appeal_events


def appeal_records(appeals: tuple[AppealSnapshot, ...], page: RawPage, source: SourceRef,
                   parser_version: str) -> list[tuple[bytes, bytes]]:
    """(key, value) records for the appeal-events topic, keyed by appeal."""
    if page.kind is not PageKind.CARD:
        return []
    return [(ev.appeal_key.encode(), ev.to_bytes())
            for snap in appeals
            for ev in appeal_events(snap, page.fetched_at, parser_version, source)]

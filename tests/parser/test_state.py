"""The case table's value: snapshot plus the position of the page it reflects."""

from __future__ import annotations

from datetime import date

from docketwatch.contract import CaseSnapshot
from services.parser.state import already_applied, decode_state, encode_state

SNAP = CaseSnapshot(court_code="52GV0001", case_number="1-1/2024", case_uid="u1",
                    receipt_date=date(2024, 7, 1))


def test_round_trip_and_legacy_values() -> None:
    assert decode_state(encode_state(SNAP, (3, 42))) == (SNAP, (3, 42))
    assert decode_state(SNAP.model_dump_json()) == (SNAP, None)
    assert decode_state(None) == (None, None)


def test_pages_at_or_before_the_stored_position_are_skipped() -> None:
    assert already_applied((3, 42), (3, 42))
    assert already_applied((3, 42), (3, 7))
    assert not already_applied((3, 42), (3, 43))
    assert not already_applied((3, 42), (4, 1))  # another partition: not comparable
    assert not already_applied(None, (3, 1))

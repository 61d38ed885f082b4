"""The case table's value: snapshot plus the position of the page it reflects."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from docketwatch.contract import CaseSnapshot
from services.parser.state import (
    Decoded,
    Identities,
    Identity,
    Stored,
    already_applied,
    decode_state,
    encode_state,
    identity,
    identity_of,
)

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


def test_a_decoding_is_reused_only_while_the_stored_text_is_the_same() -> None:
    cache = Decoded(maxsize=2)
    raw = Stored(encode_state(SNAP, (3, 42)))
    first = cache.decode("k", raw)
    assert first == (SNAP, (3, 42))
    assert cache.decode("k", raw)[0] is first[0]  # the same object: not decoded again
    moved = SNAP.model_copy(update={"judge": "Петров П.П."})
    assert cache.decode("k", Stored(encode_state(moved, (3, 50)))) == (moved, (3, 50))
    cache.decode("a", raw)
    cache.decode("b", raw)  # "k" is the least recently used: evicted
    assert cache.decode("k", raw) == (SNAP, (3, 42))
    assert cache.decode("k", None) == (None, None)


def test_a_value_is_recognised_in_its_stored_form() -> None:
    decodes: list[bytes | str] = []

    def decode(data: bytes | str) -> str:
        decodes.append(data)
        return json.loads(data)  # type: ignore[no-any-return]

    on_disk = Stored(json.dumps(encode_state(SNAP, (3, 42))).encode(), decode)
    cache = Decoded(maxsize=2)
    assert cache.decode("k", on_disk) == (SNAP, (3, 42))
    assert cache.decode("k", Stored(on_disk.data, decode)) == (SNAP, (3, 42))
    assert len(decodes) == 1  # the same bytes: decoded once
    idents = Identities(maxsize=2)
    idents.put("k", on_disk, Identity("c", None, "n", None, False, (3, 42)))
    assert idents.get("k", Stored(on_disk.data, decode)).court_code == "c"
    assert len(decodes) == 1


def test_identities_follow_the_stored_text() -> None:
    idents = Identities(maxsize=10)
    raw = Stored(encode_state(SNAP, (3, 42)))
    assert idents.get("k", raw) == Identity("52GV0001", "u1", "1-1/2024", date(2024, 7, 1),
                                            False, (3, 42))
    gone = SNAP.model_copy(update={"disappeared_at": datetime(2024, 9, 1, tzinfo=UTC)})
    assert idents.get("k", Stored(encode_state(gone, (3, 60)))) == Identity(
        "52GV0001", "u1", "1-1/2024", date(2024, 7, 1), True, (3, 60))
    # a bare snapshot, as stored before positions were kept: no position
    assert idents.get("k", Stored(SNAP.model_dump_json())) == Identity(
        "52GV0001", "u1", "1-1/2024", date(2024, 7, 1), False, None)


def test_an_identity_read_from_the_json_is_the_snapshots_own() -> None:
    bare = CaseSnapshot(court_code="52GV0002", case_number="1-7/2023", case_uid=None,
                        receipt_date=None)
    gone = SNAP.model_copy(update={"disappeared_at": datetime(2024, 9, 1, tzinfo=UTC)})
    for snap in (SNAP, bare, gone):
        assert identity_of(encode_state(snap, (1, 5))) == identity(snap, (1, 5)) == Identity(
            snap.court_code, snap.case_uid, snap.case_number, snap.receipt_date,
            snap.disappeared_at is not None, (1, 5))


def test_identities_are_bounded() -> None:
    idents = Identities(maxsize=2)
    raws = {k: Stored(encode_state(SNAP.model_copy(update={"case_number": k}), (0, i)))
            for i, k in enumerate("abc")}
    for k, raw in raws.items():
        assert idents.get(k, raw).case_number == k
    assert len(idents._d) == 2 and "a" not in idents._d  # least recently used out
    assert idents.get("a", raws["a"]).position == (0, 0)  # read again from the text

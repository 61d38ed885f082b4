"""What the parser's case table stores per case: the merged snapshot and the raw-topic
position of the last page that changed it.

After a crash the table (restored from its changelog) can be ahead of the committed
offsets. Re-reading a page the table already reflects would merge an older observation
into a newer state and invent a change; the stored position lets the parser skip it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Generic, NamedTuple, TypeVar

from docketwatch.contract import CaseSnapshot

Position = tuple[int, int]  # (raw-topic partition, offset)


def encode_state(snapshot: CaseSnapshot, position: Position) -> str:
    # Spliced rather than json.dumps(json.loads(...)): the same JSON value, half the work.
    body = snapshot.model_dump_json()
    return f'{{"p": {int(position[0])}, "o": {int(position[1])}, "s": {body}}}'


def decode_state(raw: str | None) -> tuple[CaseSnapshot | None, Position | None]:
    if not raw:
        return None, None
    data = json.loads(raw)
    if "s" not in data:  # a bare snapshot, as written before positions were kept
        return CaseSnapshot.model_validate(data), None
    return CaseSnapshot.model_validate(data["s"]), (int(data["p"]), int(data["o"]))


def already_applied(stored: Position | None, position: Position) -> bool:
    """True if the page at ``position`` is at or before the one the state reflects.

    Offsets only compare within one partition (a case's pages all come from its court's
    partition unless the topic was re-partitioned, and then nothing is skipped).
    """
    return stored is not None and stored[0] == position[0] and position[1] <= stored[1]


T = TypeVar("T")
Text = tuple[int, int]  # (length, hash) of a stored value: which text a decoding is of


def _as_text(data: bytes | str) -> str:
    return data if isinstance(data, str) else data.decode()


class Stored(NamedTuple):
    """A case's value in the form the table stores it (on disk: faust's encoding of the
    text), and how to get the state's JSON text from that form. Caches recognise a value
    by :meth:`text_id`, so that a value they have seen is never decoded again."""

    data: bytes | str
    decode: Callable[[bytes | str], str] = _as_text

    def text_id(self) -> Text:
        # Not the value itself: holding every replaced value would keep them all alive.
        return len(self.data), hash(self.data)

    def text(self) -> str:
        return self.decode(self.data)


class _ByStoredValue(Generic[T]):
    """Values derived from table values (``_load`` of the stored text), reused while the
    table holds the same value. A stored value is immutable, so what was derived from it
    stays valid exactly as long as the table still holds it; nothing needs invalidating
    on rebalances or restores. Bounded (least recently used out; 0: nothing kept)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._d: OrderedDict[str, tuple[Text, T]] = OrderedDict()

    @staticmethod
    def _load(raw: str) -> T:
        raise NotImplementedError

    def get(self, key: str, stored: Stored) -> T:
        hit = self._d.get(key)
        if hit is not None and hit[0] == stored.text_id():
            self._d.move_to_end(key)
            return hit[1]
        value = self._load(stored.text())
        self.put(key, stored, value)
        return value

    def put(self, key: str, stored: Stored, value: T) -> None:
        if self.maxsize > 0:
            self._d[key] = (stored.text_id(), value)
            self._d.move_to_end(key)
            if len(self._d) > self.maxsize:
                self._d.popitem(last=False)


class Decoded(_ByStoredValue[tuple[CaseSnapshot | None, Position | None]]):
    """Decoded table values (a snapshot costs a few kB)."""

    _load = staticmethod(decode_state)

    def decode(self, key: str, stored: Stored | None,
               ) -> tuple[CaseSnapshot | None, Position | None]:
        return (None, None) if stored is None else self.get(key, stored)


class Identity(NamedTuple):
    """What a window manifest is checked against: a few fields of a case's state."""

    court_code: str
    case_uid: str | None
    case_number: str
    receipt_date: date | None
    gone: bool
    position: Position | None


def identity_of(raw: str) -> Identity:
    """A stored value's Identity, read from its JSON without building the snapshot (a
    manifest checks every known case of its court; building each would cost more)."""
    data = json.loads(raw)
    snap, pos = ((data["s"], (int(data["p"]), int(data["o"]))) if "s" in data
                 else (data, None))  # a bare snapshot, as written before positions were kept
    receipt = snap.get("receipt_date")
    return Identity(snap["court_code"], snap.get("case_uid"), snap["case_number"],
                    date.fromisoformat(receipt) if receipt else None,
                    snap.get("disappeared_at") is not None, pos)


def identity(snapshot: CaseSnapshot, position: Position | None) -> Identity:
    return Identity(snapshot.court_code, snapshot.case_uid, snapshot.case_number,
                    snapshot.receipt_date, snapshot.disappeared_at is not None, position)


class Identities(_ByStoredValue[Identity]):
    """Recently used cases' Identity, kept beside the table (a few hundred bytes a case,
    where a decoded snapshot costs kBs), so that the parser's memory does not grow with its
    table: a court's manifests come one after another, so its cases stay in."""

    _load = staticmethod(identity_of)

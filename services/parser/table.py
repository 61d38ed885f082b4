"""The parser's case table, read the way its hot path needs.

faust's Table reads a key through four layers (a managed dict, a serialized store, a
``key in store`` lookup before the get, a JSON decoding of every value), which cost more
than the page's own work; and a window manifest reads every known case of its court. Here
a read is one lookup in the partition's database, and the value stays in its stored form
(:class:`Stored`): the caches beside the table (services/parser/state.py) recognise a
value by that form and decode it only when they have not seen it.

Writes still go through the faust Table, which sends each one to the changelog.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from typing import Any, cast

from faust.stores.memory import Store as MemoryStore
from faust.stores.rocksdb import Store as RocksDBStore
from faust.streams import _current_event
from faust.types import EventT

from services.parser.state import Stored


class CaseTable:
    """The case table (a faust Table of str keys and str values) on rocksdb:// or memory://."""

    def __init__(self, table: Any) -> None:
        self.table = table

    @property
    def _store(self) -> Any:
        # faust opens the store lazily: read it at use, not at construction.
        return self.table.data

    def get(self, partition: int, key: str) -> Stored | None:
        """The value of ``key``, which lives on ``partition`` (its court's)."""
        store = self._store
        if isinstance(store, RocksDBStore):
            data = store._db_for_partition(partition).get(store._encode_key(key))
            return None if data is None else Stored(data, _decoder(store))
        value = store.data.get(key) if isinstance(store, MemoryStore) else store.get(key)
        return Stored(value) if value else None

    def court(self, partition: int, prefix: str) -> Iterator[tuple[str, Stored]]:
        """The keys that begin with ``prefix`` (a court's: all on ``partition``) and their
        values. On disk, one seek to the prefix in that partition's database (keys are
        stored sorted), not a scan of the whole table."""
        store = self._store
        if not isinstance(store, RocksDBStore):
            data = store.data if isinstance(store, MemoryStore) else store
            for key, value in list(data.items()):
                if key.startswith(prefix) and value:
                    yield key, Stored(value)
            return
        # Keys are stored as faust serialized them: JSON strings ("…"), the changelog's own
        # encoding, kept so that existing changelogs stay readable. A JSON string's text
        # encodes character by character, so the keys that begin with the prefix are those
        # that begin with its encoding less the closing quote.
        encoded = store._encode_key(prefix)
        start = encoded[:-1] if encoded[:1] == encoded[-1:] == b'"' else encoded
        decode = _decoder(store)
        for raw_key, data in store._db_for_partition(partition).items(from_key=start):
            if not raw_key.startswith(start):
                return
            # A JSON string without escapes is its text between the quotes (faust's JSON
            # decoding of every key of a court was a tenth of a manifest's cost).
            key = (raw_key[1:-1].decode() if b"\\" not in raw_key and start[:1] == b'"'
                   else store._decode_key(raw_key))
            yield key, Stored(data, decode)

    def put(self, key: str, raw: str, origin: EventT) -> Stored:
        """Set ``key`` (its changelog entry goes to ``origin``'s partition, as does the
        value on disk) and return the value as now stored."""
        _current_event.set(weakref.ref(origin))
        try:
            self.table[key] = raw
        finally:
            _current_event.set(None)
        store = self._store
        if isinstance(store, RocksDBStore):
            return Stored(cast(bytes, store._encode_value(raw)), _decoder(store))
        return Stored(raw)


def _decoder(store: RocksDBStore) -> Callable[[bytes | str], str]:
    """faust's decoding of a stored value (the table's values are str)."""
    return cast(Callable[[bytes | str], str], store._decode_value)

"""Where the parser's case table lives: on disk (rocksdb://) in a directory of the worker's
own, or in memory (memory://); and the disk's per-court key scan of window manifests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from faust.stores.memory import Store as MemoryStore
from faust.stores.rocksdb import Store as RocksDBStore
from faust.types import TP

from docketwatch.workdir import claim_slot
from services.parser.app import Parser
from services.parser.settings import ParserSettings


def settings(data_dir: Path, **kw: object) -> ParserSettings:
    return ParserSettings(data_dir=data_dir, **kw)  # type: ignore[arg-type]


def test_two_workers_on_one_machine_get_a_database_each(tmp_path: Path) -> None:
    a, b = Parser(settings(tmp_path)), Parser(settings(tmp_path))
    assert isinstance(a.cases.data, RocksDBStore) and isinstance(b.cases.data, RocksDBStore)
    root = tmp_path / "docketwatch-parser"
    assert a.cases.data.partition_path(3).is_relative_to(root / "worker-0")
    assert b.cases.data.partition_path(3).is_relative_to(root / "worker-1")
    # 64 MiB over 6 partitions: half block cache, half two write buffers, each partition
    opts = a.cases.data.rocksdb_options
    assert (opts.block_cache_size, opts.write_buffer_size, opts.max_write_buffer_number) == (
        5_592_405, 2_796_202, 2)


def test_the_memory_store_is_still_there(tmp_path: Path) -> None:
    parser = Parser(settings(tmp_path, parser_store="memory://"))
    assert isinstance(parser.cases.data, MemoryStore)
    assert not (tmp_path / "docketwatch-parser" / "worker-0").exists()


def test_a_slot_is_free_again_once_its_holder_is_killed(tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from docketwatch.workdir import claim_slot; "
            f"print(claim_slot(Path({str(tmp_path)!r})), flush=True); sys.stdin.read()")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == str(tmp_path / "worker-0")
        assert claim_slot(tmp_path) == tmp_path / "worker-1"  # held by the child
        child.kill()  # SIGKILL: the kernel releases its lock
        child.wait(timeout=30)
        assert claim_slot(tmp_path) == tmp_path / "worker-0"
    finally:
        child.kill()
        child.wait(timeout=30)


def test_a_manifest_reads_its_courts_keys_only(tmp_path: Path) -> None:
    parser = Parser(settings(tmp_path))
    store = parser.cases.data
    assert isinstance(store, RocksDBStore)
    db = store._db_for_partition(2)
    keys = ["52GV0001:uid:b", "52GV0001:uid:a", "52GV0001:1-7/2024", "52GV00010:uid:c",
            "52GV0002:uid:d", "52GV000:uid:e", '52GV0001:Ж-"1"']  # the last escaped in JSON
    for key in keys:  # as faust writes them
        db.put(store._encode_key(key), store._encode_value("{}"))
    # faust's changelog offset is a key of the same database
    store.set_persisted_offset(TP(parser.cases.changelog_topic.get_topic_name(), 2), 41)
    assert store.persisted_offset(TP(parser.cases.changelog_topic.get_topic_name(), 2)) == 41
    assert [(k, v.text()) for k, v in parser.table.court(2, "52GV0001:")] == [
        ("52GV0001:1-7/2024", "{}"), ('52GV0001:Ж-"1"', "{}"), ("52GV0001:uid:a", "{}"),
        ("52GV0001:uid:b", "{}")]
    assert list(parser.table.court(2, "52GV0003:")) == []
    got = parser.table.get(2, "52GV0001:uid:a")
    assert got is not None and got.text() == "{}"
    assert parser.table.get(3, "52GV0001:uid:a") is None  # another partition's database
    # the same keys through faust's own (whole-table) iteration, for comparison
    assert sorted(store._decode_key(k) for k in db.keys()
                  if k != store.offset_key) == sorted(keys)

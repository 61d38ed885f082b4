"""The golden-file check itself (tests/conftest.py): a missing expected file fails, nothing
is written without ``--update-golden``, and with it only new or changed files are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Golden

NODE = "tests/sudrf/test_golden.py::test_golden[x.html]"


def test_a_missing_expected_file_fails_and_is_not_written(tmp_path: Path) -> None:
    expected = tmp_path / "x.html.expected.json"
    with pytest.raises(pytest.fail.Exception) as info:
        Golden(update=False, nodeid=NODE).check(expected, '{"a": 1}\n')
    assert str(info.value) == (
        f"{expected} is missing: write it with `pytest '{NODE}' --update-golden`, "
        "then review it")
    assert not expected.exists()


def test_a_different_output_fails_and_the_file_is_kept(tmp_path: Path) -> None:
    expected = tmp_path / "x.html.expected.json"
    expected.write_text('{"a": 1}\n', encoding="utf-8")
    check = Golden(update=False, nodeid=NODE).check
    with pytest.raises(AssertionError):
        check(expected, '{"a": 2}\n')
    with pytest.raises(AssertionError, match="same data, other formatting"):
        check(expected, '{"a":1}\n')
    assert expected.read_text(encoding="utf-8") == '{"a": 1}\n'
    check(expected, '{"a": 1}\n')  # equal: passes


def test_update_writes_new_and_changed_files_only(tmp_path: Path) -> None:
    update = Golden(update=True, nodeid=NODE).check
    new = tmp_path / "new.expected.json"
    with pytest.raises(pytest.skip.Exception) as info:
        update(new, '{"a": 1}\n')
    assert str(info.value) == f"wrote {new}: review it against its input before committing"
    assert new.read_text(encoding="utf-8") == '{"a": 1}\n'
    with pytest.raises(pytest.skip.Exception):
        update(new, '{"a": 2}\n')
    assert new.read_text(encoding="utf-8") == '{"a": 2}\n'
    os.utime(new, (0, 0))
    update(new, '{"a": 2}\n')  # unchanged: passes, not rewritten
    assert new.stat().st_mtime == 0


def test_the_option_is_registered(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.getoption("--update-golden") is False

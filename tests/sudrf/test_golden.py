"""Golden-file tests (juriscraper style): every real page against reviewed expected JSON.

A page without an ``.expected.json`` FAILS. To (re)generate after an intended change:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/sudrf/test_golden.py

and review every changed file against its page before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .golden import GOLDEN_DIR, SHARED_DIR, dumps, expected_path, golden_output

PAGES = sorted(GOLDEN_DIR.glob("*.html"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def test_there_are_golden_pages() -> None:
    assert len(PAGES) >= 6


@pytest.mark.skipif(not SHARED_DIR.is_dir(), reason="shared fixtures not mounted")
def test_every_shared_fixture_is_copied_verbatim() -> None:
    """tests/golden/sudrf must hold a byte-identical copy of every shared page."""
    for shared in sorted(SHARED_DIR.glob("*.html")):
        copy = GOLDEN_DIR / shared.name
        assert copy.is_file(), f"{shared.name} not copied into {GOLDEN_DIR}"
        assert copy.read_bytes() == shared.read_bytes(), f"{shared.name} differs from shared"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_golden(page: Path) -> None:
    actual = dumps(golden_output(page))
    expected_file = expected_path(page)
    if UPDATE:
        expected_file.write_text(actual, encoding="utf-8")
        pytest.skip(f"regenerated {expected_file.name}: review it against the page")
    assert expected_file.is_file(), (
        f"missing {expected_file.name}; generate with UPDATE_GOLDEN=1 and review it"
    )
    expected = expected_file.read_text(encoding="utf-8")
    # Compare parsed JSON for a readable diff, then the text for key order/format drift.
    assert json.loads(actual) == json.loads(expected)
    assert actual == expected


def test_parsing_is_deterministic() -> None:
    for page in PAGES:
        assert dumps(golden_output(page)) == dumps(golden_output(page))

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

from docketwatch.contract import sha256_hex
from launcher.golden import GOLDEN_DIR, SIMULATED, dumps, expected_path, golden_output, read_sources

PAGES = sorted(GOLDEN_DIR.glob("*.html"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def test_there_are_golden_pages() -> None:
    assert len(PAGES) >= 6


def test_every_real_page_is_a_verbatim_copy() -> None:
    """Each real page is a byte-identical copy of ../shared/fixtures/sudrf (SOURCES.sha256,
    the originals' sha256sum); every other page is simulator-rendered and named so. Checked
    against the copies here, so it runs whether or not the shared fixtures are mounted."""
    sources = read_sources()
    for page in PAGES:
        if page.name.startswith(SIMULATED):
            continue
        assert page.name in sources, f"{page.name}: neither in SOURCES.sha256 nor simulated_*"
        assert sha256_hex(page.read_bytes()) == sources[page.name], f"{page.name} was edited"
    assert all((GOLDEN_DIR / name).is_file() for name in sources)


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

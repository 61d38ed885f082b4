"""Golden-file tests (juriscraper style): every real page against reviewed expected JSON.

A page without an ``.expected.json`` FAILS. To (re)generate after an intended change:

    .venv/bin/python -m pytest tests/sudrf/test_golden.py --update-golden

and review every changed file against its page before committing (docs/testing.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docketwatch.contract import sha256_hex
from launcher.golden import GOLDEN_DIR, SIMULATED, dumps, expected_path, golden_output, read_sources
from tests.conftest import Golden

PAGES = sorted(GOLDEN_DIR.glob("*.html"))


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
def test_golden(page: Path, golden: Golden) -> None:
    golden.check(expected_path(page), dumps(golden_output(page)))


def test_parsing_is_deterministic() -> None:
    for page in PAGES:
        assert dumps(golden_output(page)) == dumps(golden_output(page))

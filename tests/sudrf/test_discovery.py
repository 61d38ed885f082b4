"""Discovery (juriscraper's manner): every page parser and every special page the classifier
knows has real example pages with reviewed expected JSON under tests/golden/sudrf.

The modules are found by walking :mod:`docketwatch.sudrf.pages`, the special pages by
reading :data:`docketwatch.sudrf.classify.SPECIAL_PAGES`: a new site variant or page state
without examples FAILS here, with no list to update by hand.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from docketwatch.contract import PageState
from docketwatch.sudrf import pages
from docketwatch.sudrf.classify import SPECIAL_PAGES, Layout
from docketwatch.sudrf.parse import ParseError, parse_page
from launcher.golden import GOLDEN_DIR, SIMULATED, court_code, expected_path, fixture_kind

MODULES: list[ModuleType] = [
    importlib.import_module(f"{pages.__name__}.{info.name}")
    for info in pkgutil.iter_modules(pages.__path__)
]
EXAMPLES: dict[Path, dict[str, Any]] = {
    page: json.loads(expected_path(page).read_text(encoding="utf-8"))
    for page in sorted(GOLDEN_DIR.glob("*.html"))
    if expected_path(page).is_file()  # a page without one fails in test_golden.py
}


def _examples(**fields: str) -> list[str]:
    return sorted(p.name for p, data in EXAMPLES.items()
                  if all(data.get(k) == v for k, v in fields.items()))


def test_the_walk_finds_the_page_modules() -> None:
    assert len(MODULES) >= 4
    layouts = [getattr(m, "LAYOUT", None) for m in MODULES]
    assert all(isinstance(x, Layout) for x in layouts), "a page module must declare LAYOUT"
    assert len(set(layouts)) == len(layouts), "two page modules read the same layout"
    # Every layout the classifier can report is read by a module here.
    assert set(layouts) == set(Layout) - {Layout.NONE}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_page_module_has_real_examples(module: ModuleType) -> None:
    found = _examples(state=PageState.OK.value, layout=module.LAYOUT.value)
    real = [name for name in found if not name.startswith(SIMULATED)]
    assert real, (f"{module.__name__} ({module.LAYOUT.value}) has no real example page with "
                  f"reviewed .expected.json in {GOLDEN_DIR}")


@pytest.mark.parametrize("state", list(SPECIAL_PAGES), ids=lambda s: s.value)
def test_every_special_page_has_examples(state: PageState) -> None:
    assert _examples(state=state.value), (
        f"no example page classified {state.value} in {GOLDEN_DIR}")


def test_examples_name_their_source() -> None:
    """Simulator-rendered pages (no real page exists) say so in their name."""
    simulated = [p.name for p in EXAMPLES if p.name.startswith(SIMULATED)]
    assert all(EXAMPLES[GOLDEN_DIR / n].get("layout") == Layout.NONE.value for n in simulated), (
        "a page variant must be shown by a real page, not a rendered one")


@pytest.mark.parametrize("page", list(EXAMPLES), ids=lambda p: p.name)
def test_the_kind_is_found_from_the_page(page: Path) -> None:
    """``parse_page(kind=None)`` (``docketwatch parse``) reads each example as the kind it
    was fetched as."""
    try:
        parsed = parse_page(page.read_bytes(), None, court_code(page.name))
    except ParseError:
        return
    assert parsed.kind is fixture_kind(page.name)

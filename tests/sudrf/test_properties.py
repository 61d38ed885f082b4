"""Robustness: damaged pages never raise anything but a (non-internal) ParseError.

Hypothesis mutates the real fixture bytes (truncation, byte flips, slice deletion,
duplication, markup injection); a seeded fuzz loop does the same at volume. A result that
*is* returned must be internally consistent: a list page cut anywhere either reports a
non-OK state or still has all of its rows.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docketwatch.contract import PageKind, PageState
from docketwatch.sudrf.parse import InternalParserError, ParsedPage, ParseError, parse_page
from launcher.golden import court_code, fixture_kind
from launcher.mutations import mutate

from .pages import GOLDEN, LIST_FILE, body

FIXTURES = {p.name: p.read_bytes() for p in sorted(GOLDEN.glob("*.html"))}
NAMES = sorted(FIXTURES)
FULL_LIST_ROWS = 25

def run(data: bytes, kind: PageKind, code: str) -> ParsedPage | None:
    """Parse; a ParseError is an accepted outcome, but never the internal one."""
    try:
        return parse_page(data, kind, code)
    except InternalParserError as exc:  # a bug: an exception the parser did not expect
        raise AssertionError(f"internal error escaped: {exc}") from exc
    except ParseError:
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), seed=st.integers(0, 2**32 - 1), rounds=st.integers(1, 4))
def test_mutated_fixtures_raise_only_parse_errors(name: str, seed: int, rounds: int) -> None:
    rng = random.Random(seed)
    data = FIXTURES[name]
    for _ in range(rounds):
        data = mutate(rng, data)
    for kind in (PageKind.LIST, PageKind.CARD):
        run(data, kind, court_code(name))


@settings(max_examples=300, deadline=None)
@given(cut=st.integers(0, len(body(LIST_FILE))))
def test_truncated_list_never_loses_rows_silently(cut: int) -> None:
    result = run(body(LIST_FILE)[:cut], PageKind.LIST, "77OV0000")
    if result is not None and result.state is PageState.OK:
        assert result.result_list is not None
        assert len(result.result_list.rows) == FULL_LIST_ROWS


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=4096), kind=st.sampled_from(list(PageKind)))
def test_random_bytes(data: bytes, kind: PageKind) -> None:
    run(data, kind, "X")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzz_loop(seed: int) -> None:
    """A small atheris-free fuzz loop: 400 stacked mutations per seed, reproducible."""
    rng = random.Random(seed)
    for _ in range(400):
        name = rng.choice(NAMES)
        data = FIXTURES[name]
        for _ in range(rng.randint(1, 6)):
            data = mutate(rng, data)
        run(data, fixture_kind(name), court_code(name))

"""Golden-file helpers: which input each fixture is, and how a ParsedPage is serialised.

Regenerate the expected files after an intended change with

    .venv/bin/python -m pytest tests/sudrf/test_golden.py --update-golden

then REVIEW the diff (`git diff tests/golden`) against the pages before committing
(docs/testing.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docketwatch.contract import PageKind
from docketwatch.settings import REPO_ROOT
from docketwatch.sudrf.parse import ParsedPage, ParseError, parse_page

GOLDEN_DIR = REPO_ROOT / "tests" / "golden" / "sudrf"
# Real pages are verbatim copies of ../shared/fixtures/sudrf, listed with the originals'
# sha256 in SOURCES.sha256; the rest were rendered by the simulator and are named so.
SOURCES = GOLDEN_DIR / "SOURCES.sha256"
SIMULATED = "simulated_"

# Court codes as the fetcher would pass them: the 2ЗОВС pager links carry vnkod=77OV0000,
# the Ufa card's r_juid link vnkod=03RS0004; the others are only labels for the test.
COURT_CODES = {
    "2zovs_": "77OV0000",
    "district_criminal_card_leninsky_ufa": "03RS0004",
    "vnkod_variant_civil_card_zavolzhsky": "73RS0004",
    "captcha_search_form_spb_gorsud": "78OS0000",
    "captcha_wrong_code_3ksoyu": "3KSOYU",
    "samara_oblsud_uid_listing_newlayout": "63OS0000",
    # Pages the simulator renders (services/simulator/render*.py) for states no real page
    # in the repository shows; rendered for its first court, the Cassation Military Court.
    "simulated_": "54KV0000",
}


def read_sources() -> dict[str, str]:
    """Copy name → sha256 of its original (``sha256sum`` lines, paths under shared/)."""
    out: dict[str, str] = {}
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition("  ")
        out[Path(path).name] = digest
    return out


def fixture_kind(name: str) -> PageKind:
    """Cards are named ``*_card_*``; everything else was fetched as a search (list)."""
    return PageKind.CARD if "_card_" in name else PageKind.LIST


def court_code(name: str) -> str:
    for prefix, code in COURT_CODES.items():
        if name.startswith(prefix):
            return code
    raise KeyError(f"no court code for fixture {name}: add it to COURT_CODES")


def expected_path(page: Path) -> Path:
    return page.with_name(page.name + ".expected.json")


def page_to_jsonable(parsed: ParsedPage) -> dict[str, Any]:
    """Everything the parser derived, except ``parser_version`` (a version bump alone must
    not invalidate reviewed goldens)."""
    rl = parsed.result_list
    review: dict[str, Any] = {} if parsed.instance is None else {
        "instance": parsed.instance.value,
        "appeals": [a.model_dump(mode="json") for a in parsed.appeals],
    }
    if parsed.judicial_uid is not None:
        review["judicial_uid"] = parsed.judicial_uid
    return {
        **review,
        "state": parsed.state.value,
        "kind": parsed.kind.value,
        "layout": parsed.layout,
        "encoding": parsed.encoding,
        "result_list": None
        if rl is None
        else {
            "total": rl.total,
            "first_row": rl.first_row,
            "last_row": rl.last_row,
            "page": rl.page,
            "last_page": rl.last_page,
            "row_count": len(rl.rows),
            "rows": [r.model_dump(mode="json") for r in rl.rows],
        },
        "snapshot": None
        if parsed.snapshot is None
        else parsed.snapshot.model_dump(mode="json"),
        "unknown_decisions": list(parsed.unknown_decisions),
    }


def golden_output(page: Path) -> dict[str, Any]:
    """Parse a fixture as the service would; a ParseError is itself a golden result."""
    try:
        parsed = parse_page(page.read_bytes(), fixture_kind(page.name), court_code(page.name))
    except ParseError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    return page_to_jsonable(parsed)


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

"""The parser service's one entry point: raw page bytes → :class:`ParsedPage`.

Pure (no I/O, no Kafka, deterministic). The page is decoded (:mod:`.encoding`), classified
(:mod:`.classify`) and handed to the parser of its layout (:mod:`.pages`, one module per
site variant); the act text of a standard card is read by :mod:`.sentences`.
"""

from __future__ import annotations

from pydantic import ValidationError

from docketwatch.contract import PageKind, PageState
from docketwatch.sudrf.classify import Layout, classify_layout, classify_page
from docketwatch.sudrf.encoding import decode_page, detect_encoding

from .appeals import from_row, page_instance
from .articles import parse_articles, parse_persons_cell
from .decisions import classify_decision, is_unknown_decision
from .errors import (
    CounterMismatchError,
    FieldFormatError,
    LayoutError,
    ParseError,
    UnrecognizedPageError,
    WrongPageKindError,
)
from .models import ParsedPage, ResultList
from .pages.appeal_card import parse_appeal_card
from .pages.standard_card import judicial_uid, read_card
from .pages.standard_list import parse_result_list
from .pages.vnkod_card import read_vnkod_card
from .pages.vnkod_list import parse_vnkod_result_list

# Bump on every change that can alter parser output: it is stamped on events and dead
# letters so a replay can tell which logic produced what.
PARSER_VERSION = "sudrf-1.3.0"


class InternalParserError(ParseError):
    """An exception the parser did not anticipate, wrapped so the service can dead-letter
    the page. Always a bug: the property tests assert it never happens."""


_LIST_LAYOUTS = {Layout.STANDARD_LIST, Layout.VNKOD_LIST}
_CARD_LAYOUTS = {Layout.STANDARD_CARD, Layout.VNKOD_CARD, Layout.APPEAL_CARD}


def kind_of(layout: Layout) -> PageKind:
    """The kind of page a layout is; pages with no layout (empty, captcha…) answer a list
    query far more often than a card's, so they count as lists."""
    return PageKind.CARD if layout in _CARD_LAYOUTS else PageKind.LIST


def parse_page(
    body: bytes,
    kind: PageKind | None,
    court_code: str,
    *,
    charset: str | None = None,
    keep_names: bool = False,
    case_uid: str | None = None,
    case_id: str | None = None,
) -> ParsedPage:
    """Parse one raw page body.

    Returns a :class:`ParsedPage` whose ``state`` is re-derived from the bytes. Captcha,
    wrong-captcha, WAF-block, site-down and truncated pages are returned with their state
    and no data (they are facts about the fetch, not about cases); an empty result list is
    state EMPTY with ``total == 0``. Raises a :class:`ParseError` subclass — and nothing
    else — for pages it cannot read: unrecognised pages, a card where a list was expected
    (or vice versa), a layout that changed, a counter that disagrees with the rows.

    ``charset`` is the HTTP header's value, used only to break ties on pure-ASCII bodies.
    ``case_uid``/``case_id`` are the card URL's parameters (a card does not repeat them).
    ``kind`` None: whatever the classifier finds the page to be (``docketwatch parse``).
    """
    try:
        return _parse_page(body, kind, court_code, charset, keep_names, case_uid, case_id)
    except ParseError:
        raise
    except ValidationError as exc:
        raise LayoutError(f"value does not fit the contract: {exc}") from exc
    except Exception as exc:  # the service must be able to dead-letter anything
        raise InternalParserError(f"{type(exc).__name__}: {exc}") from exc


def _parse_page(
    body: bytes,
    asked: PageKind | None,
    court_code: str,
    charset: str | None,
    keep_names: bool,
    case_uid: str | None,
    case_id: str | None,
) -> ParsedPage:
    text, encoding = decode_page(body, charset)
    state, layout = classify_layout(text)
    kind = kind_of(layout) if asked is None else asked

    def result(state: PageState, **data: object) -> ParsedPage:
        return ParsedPage(
            state=state,
            kind=kind,
            layout=layout.value,
            encoding=encoding,
            parser_version=PARSER_VERSION,
            **data,  # type: ignore[arg-type]
        )

    if state is PageState.UNEXPECTED:
        raise UnrecognizedPageError("no known sudrf page marker", state=state)
    if state is PageState.EMPTY and kind is PageKind.LIST:
        return result(state, result_list=ResultList(0, None, None, None, None, ()))
    if state is not PageState.OK:
        return result(state)

    if kind is PageKind.LIST:
        if layout not in _LIST_LAYOUTS:
            raise WrongPageKindError(f"expected a results page, got {layout.value}", state=state)
        parse_list = (
            parse_result_list if layout is Layout.STANDARD_LIST else parse_vnkod_result_list
        )
        rl = parse_list(text, court_code, keep_names)
        instance = page_instance(text)
        appeals = () if instance is None else tuple(from_row(r, instance) for r in rl.rows)
        if not rl.rows and not rl.total:
            return result(PageState.EMPTY, result_list=rl, instance=instance)
        return result(state, result_list=rl, instance=instance, appeals=appeals)

    if layout not in _CARD_LAYOUTS:
        raise WrongPageKindError(f"expected a case card, got {layout.value}", state=state)
    if layout is Layout.APPEAL_CARD:
        appeal = parse_appeal_card(text, court_code, case_uid, case_id)
        return result(state, instance=appeal.instance, appeals=(appeal,))
    read = read_card if layout is Layout.STANDARD_CARD else read_vnkod_card
    snapshot, uid = read(text, court_code, keep_names, case_uid, case_id)
    return result(state, snapshot=snapshot, judicial_uid=uid)


__all__ = [
    "PARSER_VERSION",
    "CounterMismatchError",
    "FieldFormatError",
    "InternalParserError",
    "Layout",
    "LayoutError",
    "ParseError",
    "ParsedPage",
    "ResultList",
    "UnrecognizedPageError",
    "WrongPageKindError",
    "classify_decision",
    "classify_layout",
    "classify_page",
    "decode_page",
    "detect_encoding",
    "is_unknown_decision",
    "judicial_uid",
    "kind_of",
    "parse_appeal_card",
    "parse_articles",
    "parse_page",
    "parse_persons_cell",
    "parse_result_list",
    "parse_vnkod_result_list",
    "read_card",
    "read_vnkod_card",
]

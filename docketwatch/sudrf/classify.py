"""Recognise what kind of page a body is (FORMAT.md §6) before trying to parse it.

A captcha, WAF block or outage page must never be read as "no cases", so the checks look
for positive markers of every state. Results/card markers are checked first: a real
results page can embed the search form (with a captcha field) or help texts that mention
outage phrases, whereas none of the error pages contains a results table.
"""

from __future__ import annotations

import base64
import re
from enum import StrEnum

from docketwatch.contract import PageState
from docketwatch.sudrf.counter import COUNTER_PHRASE, read_counter
from docketwatch.sudrf.query import STANDARD, VNKOD


class Layout(StrEnum):
    """Which DOM a readable page uses."""

    STANDARD_LIST = "standard_list"
    STANDARD_CARD = "standard_card"
    VNKOD_LIST = "vnkod_list"  # inferred layout, see vnkod_list.py
    VNKOD_CARD = "vnkod_card"
    NONE = "none"


# Plain substring searches: a case-insensitive regex scan of a 30 KB page cost more than
# the whole DOM parse. The site writes the id in lower case (lexbor's #tablcont lookup is
# case-sensitive too).
_TABLCONT = "tablcont"
_CASENUMBER = re.compile(r"""class\s*=\s*["']?casenumber\b""", re.IGNORECASE)
_VNKOD_CARD = re.compile(r"""id\s*=\s*["']?case_bookmarks\b|class\s*=\s*["']case-num\b""")
_VNKOD_RESULTS = re.compile(r"""id\s*=\s*["']?search_results\b""")
_HTML_START = re.compile(r"^\s*(?:<!doctype|<html|<head|<meta|<!--)", re.IGNORECASE)

# The special pages: no case data, each a fact about the fetch. Checked in this order (a
# wrong-code page also shows the captcha form); every state here must have real example
# pages under tests/golden/sudrf (tests/sudrf/test_discovery.py).
SPECIAL_PAGES: dict[PageState, tuple[str, ...]] = {
    PageState.EMPTY: (
        "Данных по запросу не обнаружено", "Данных по запросу не найдено", "Ничего не найдено",
    ),
    PageState.WRONG_CAPTCHA: ("Неверно указан проверочный код",),
    PageState.CAPTCHA: ("Проверочный код", "код с картинки", "Время жизни сессии закончилось"),
    PageState.WAF_BLOCK: (
        "Данный запрос некорректен",
        "запрос заблокирован",
        "заблокирован по соображениям безопасности",
        # The application's own refusal of malformed parameters: like the WAF, retrying the
        # same request cannot help, so it is reported with the blocks, not as an outage.
        "НЕВЕРНЫЙ ФОРМАТ ЗАПРОСА",
    ),
    PageState.SITE_DOWN: (
        "Информация временно недоступна",
        "обратитесь непосредственно в суд",
        "производится информационное наполнение сайта",
        "Warning: pg_connect()",
        "Данный модуль неактивен",
        "сайт временно недоступен",
    ),
}
_CAPTCHA_INPUT = re.compile(r"""<input[^>]*name\s*=\s*["']?captcha["'\s>]""", re.IGNORECASE)
_CAPTCHA_ID = re.compile(r"""name=["']?captchaid["']?[^>]*?value=["']([^"']*)""")
_CAPTCHA_IMG = re.compile(r"""data:\s*image/png;base64,\s*([A-Za-z0-9+/=]+)""")


def _any(text: str, needles: tuple[str, ...]) -> bool:
    return any(n in text for n in needles)


def _ends_properly(text: str) -> bool:
    """True when ``</html>`` closes the document. Only the tail is searched because cards
    carry ``</html>`` inside an inline print script much earlier in the page."""
    return "</html>" in text[-1024:].lower()


def tablcont_span(text: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first ``<table … id="tablcont">`` element's source, with
    ``end == -1`` when its ``</table>`` never comes (a cut page); None when there is none.

    "tablcont" also occurs in scripts (``getElementById('tablcont')``), before and after
    the table, so only an ``id=`` attribute inside a ``<table`` tag counts.
    """
    pos = text.find(_TABLCONT)
    while pos >= 0:
        head = text[max(0, pos - 5) : pos].rstrip("'\"").replace(" ", "")
        if head.endswith("id="):
            start = text.rfind("<table", 0, pos)
            if start >= 0 and ">" not in text[start:pos]:
                end = text.find("</table>", pos)
                return start, (end + len("</table>") if end >= 0 else -1)
        pos = text.find(_TABLCONT, pos + len(_TABLCONT))
    return None


def _table_closed(text: str) -> bool:
    span = tablcont_span(text)
    return span is not None and span[1] >= 0


def detect_layout(html: str) -> Layout:
    if _TABLCONT in html:
        if COUNTER_PHRASE in html:
            return Layout.STANDARD_LIST
        if _CASENUMBER.search(html):
            return Layout.STANDARD_CARD
    if _VNKOD_CARD.search(html):
        return Layout.VNKOD_CARD
    # [I] The VNKOD interface may print «Найдено дел: N» instead of the standard counter.
    if _VNKOD_RESULTS.search(html) and (COUNTER_PHRASE in html or read_counter(html) is not None):
        return Layout.VNKOD_LIST
    return Layout.NONE


def classify_layout(html: str) -> tuple[PageState, Layout]:
    """Return the page state and, for readable pages, which layout to parse."""
    layout = detect_layout(html)
    if layout is not Layout.NONE:
        complete = _ends_properly(html)
        if layout is Layout.STANDARD_LIST:
            complete = complete and _table_closed(html)
        return (PageState.OK if complete else PageState.TRUNCATED), layout
    for state, needles in SPECIAL_PAGES.items():
        if _any(html, needles) or (state is PageState.CAPTCHA and _CAPTCHA_INPUT.search(html)):
            return state, layout
    # An HTML page that stops before </html> with no marker was most likely cut before
    # its content arrived; anything else is simply not a page we know.
    if _HTML_START.match(html) and not _ends_properly(html):
        return PageState.TRUNCATED, layout
    return PageState.UNEXPECTED, layout


def classify_page(html: str) -> PageState:
    """Classify decoded page text into a :class:`PageState` (FORMAT.md §6)."""
    return classify_layout(html)[0]


def list_layout(text: str) -> str | None:
    """Which interface produced a result (or empty-result) page; None if it does not say."""
    if _VNKOD_RESULTS.search(text):
        return VNKOD
    if tablcont_span(text) is not None:
        return STANDARD
    return None


def captcha_challenge(text: str) -> tuple[str, bytes] | None:
    """(captchaid, PNG bytes) of a captcha form, for a configured solver."""
    cid, img = _CAPTCHA_ID.search(text), _CAPTCHA_IMG.search(text)
    if cid is None or img is None:
        return None
    try:
        return cid.group(1), base64.b64decode(img.group(1))
    except ValueError:
        return None

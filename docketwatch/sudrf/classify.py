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
from docketwatch.sudrf.appeals import page_instance
from docketwatch.sudrf.counter import COUNTER_PHRASE, read_counter
from docketwatch.sudrf.query import STANDARD, VNKOD


class Layout(StrEnum):
    """Which DOM a readable page uses."""

    STANDARD_LIST = "standard_list"
    STANDARD_CARD = "standard_card"
    APPEAL_CARD = "appeal_card"  # a standard card of an appeal or cassation
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
_LOWER_COURT_TAB = "РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ"
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
# Tags are searched one ``>``-delimited span at a time, never with ``[^>]*`` from every
# opening: on a page of many unclosed tags each opening would scan to the end of the page
# (quadratic; a 1.8 MB page of 100,000 of them kept the parser busy for minutes).
_INPUT_TAG = re.compile(r"<input", re.IGNORECASE)
_CAPTCHA_NAME = re.compile(r"""name\s*=\s*["']?captcha["'\s>]""", re.IGNORECASE)
_CAPTCHA_ID = re.compile(r"""name=["']?captchaid["']?""")
_CAPTCHA_VALUE = re.compile(r"""value=["']""")
_UNQUOTED = re.compile(r"""[^"']*""")
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
    # The last "<table" and the last ">" before each candidate, found by scanning forward
    # once: searching back from every candidate to the page's start would be quadratic on
    # a page of many "id=tablcont" without a table.
    last_table = last_gt = -1
    scanned = 0
    pos = text.find(_TABLCONT)
    while pos >= 0:
        head = text[max(0, pos - 5) : pos].rstrip("'\"").replace(" ", "")
        if head.endswith("id="):
            last_gt = max(last_gt, text.rfind(">", scanned, pos))
            last_table = max(last_table, text.rfind("<table", max(0, scanned - 5), pos))
            scanned = pos
            if last_table > last_gt:  # a "<table" whose tag is still open at the id
                end = text.find("</table>", pos)
                return last_table, (end + len("</table>") if end >= 0 else -1)
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
            if _LOWER_COURT_TAB in html or page_instance(html) is not None:
                return Layout.APPEAL_CARD
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
        if _any(html, needles) or (state is PageState.CAPTCHA and _captcha_input(html)):
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


def _captcha_input(text: str) -> bool:
    """An ``<input … name="captcha" …>`` tag (what ``<input[^>]*name\\s*=…captcha`` says,
    in linear time: only the first opening of each ``>``-delimited span is searched, as
    later ones in the same span would search a part of the same text)."""
    pos = 0
    while (tag := _INPUT_TAG.search(text, pos)) is not None:
        gt = text.find(">", tag.end())
        end = len(text) if gt < 0 else gt + 1  # the closing ">" may end the name
        if _CAPTCHA_NAME.search(text, tag.end(), end):
            return True
        pos = end
        if gt < 0:
            return False
    return False


def _captcha_id(text: str) -> str | None:
    """The captchaid of ``name=captchaid … value="…"`` (``value=`` inside the same tag), as
    ``name=["']?captchaid["']?[^>]*?value=["']([^"']*)`` reads it, in linear time."""
    pos = 0
    while (name := _CAPTCHA_ID.search(text, pos)) is not None:
        gt = text.find(">", name.end())
        end = len(text) if gt < 0 else gt
        value = _CAPTCHA_VALUE.search(text, name.end(), end)
        if value is not None:
            found = _UNQUOTED.match(text, value.end())
            return found.group(0) if found else ""
        if gt < 0:
            return None
        pos = gt + 1
    return None


def captcha_challenge(text: str) -> tuple[str, bytes] | None:
    """(captchaid, PNG bytes) of a captcha form, for a configured solver."""
    cid, img = _captcha_id(text), _CAPTCHA_IMG.search(text)
    if cid is None or img is None:
        return None
    try:
        return cid, base64.b64decode(img.group(1))
    except ValueError:
        return None

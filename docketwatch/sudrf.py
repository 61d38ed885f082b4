"""What every service must know about sudrf pages: decoding, page states and the counter.

The fetcher uses it to decide retries and completeness, the parser to classify before it
parses. Markers are from ../shared/fixtures/sudrf/FORMAT.md §6.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from selectolax.lexbor import LexborHTMLParser

from docketwatch.contract import PageState, sha256_hex

CRIMINAL_FIRST_INSTANCE = "1540006"
ROWS_PER_PAGE = 25

_COUNTER = re.compile(r"Всего по запросу найдено\s*[—-]\s*(\d+)")
_RANGE = re.compile(r"На странице записи с\s*(\d+)\s*по\s*(\d+)")

_WRONG_CAPTCHA = ("Неверно указан проверочный код",)
_CAPTCHA = ("Проверочный код", "name='captcha'", 'name="captcha"', "код с картинки",
            "Время жизни сессии закончилось")
_WAF = ("Данный запрос некорректен", "заблокирован по соображениям безопасности",
        "НЕВЕРНЫЙ ФОРМАТ ЗАПРОСА")
_DOWN = ("Информация временно недоступна", "обратитесь непосредственно в суд",
         "производится информационное наполнение сайта", "Warning: pg_connect():",
         "Данный модуль неактивен", "сайт временно недоступен")
_EMPTY = ("Данных по запросу не обнаружено", "Данных по запросу не найдено", "Ничего не найдено")


def decode_page(body: bytes) -> tuple[str, str]:
    """Decode by the bytes, never by the meta tag: saved pages are UTF-8 under a cp1251 tag."""
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # cp1251 maps all but one byte; 0x98 is undefined, so replace rather than fail.
        return body.decode("cp1251", errors="replace"), "windows-1251"


def read_counter(text: str) -> int | None:
    m = _COUNTER.search(text)
    return int(m.group(1)) if m else None


def read_range(text: str) -> tuple[int, int] | None:
    m = _RANGE.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def classify_page(text: str) -> PageState:
    """The state of a page from its text alone (HTTP status is judged by the caller)."""
    if any(m in text for m in _WRONG_CAPTCHA):
        return PageState.WRONG_CAPTCHA
    if any(m in text for m in _WAF):
        return PageState.WAF_BLOCK
    if any(m in text for m in _DOWN):
        return PageState.SITE_DOWN
    has_table = 'id="tablcont"' in text or "id='tablcont'" in text or "id=tablcont" in text
    if has_table and read_counter(text) is not None:
        # A results page that lost its tail was cut in transit.
        return PageState.OK if "</html>" in text[-2000:].lower() else PageState.TRUNCATED
    if any(m in text for m in _EMPTY):
        return PageState.EMPTY
    if any(m in text for m in _CAPTCHA):
        return PageState.CAPTCHA
    if has_table or "casenumber" in text or "case-num" in text:
        return PageState.OK if "</html>" in text[-2000:].lower() else PageState.TRUNCATED
    return PageState.UNEXPECTED


def encode_query(params: list[tuple[str, str]]) -> str:
    """sudrf expects Cyrillic query values percent-encoded in cp1251."""
    return urlencode(params, encoding="cp1251")


def list_params(
    *,
    page: int = 1,
    entry_from: str | None = None,
    entry_to: str | None = None,
    result_from: str | None = None,
    result_to: str | None = None,
    articles: str | None = None,
) -> list[tuple[str, str]]:
    """Query of a criminal first-instance result list (dates are DD.MM.YYYY)."""
    params = [
        ("name", "sud_delo"), ("srv_num", "1"), ("name_op", "r"),
        ("delo_id", CRIMINAL_FIRST_INSTANCE), ("case_type", "0"), ("new", "0"),
        ("delo_table", "u1_case"),
    ]
    optional = [
        ("U1_DEFENDANT__LAW_ARTICLESS", articles),
        ("u1_case__ENTRY_DATE1D", entry_from), ("u1_case__ENTRY_DATE2D", entry_to),
        ("u1_case__RESULT_DATE1D", result_from), ("u1_case__RESULT_DATE2D", result_to),
    ]
    params += [(k, v) for k, v in optional if v]
    if page > 1:
        params.append(("page", str(page)))
    return params


_SCRIPT = re.compile(r"<script\b.*?</script>|<noscript\b.*?</noscript>", re.S | re.I)
_NONCE = re.compile(r"captchaid['\"]?\s+value=['\"][^'\"]*['\"]|\?\d{10,}")


def content_fingerprint(text: str) -> str:
    """A hash of what the page says, without per-request noise (scripts, nonces)."""
    return sha256_hex(_NONCE.sub("", _SCRIPT.sub("", text)).encode("utf-8"))


def count_rows(text: str) -> int:
    """Data rows of a result list: rows of table#tablcont that link to a case card."""
    table = LexborHTMLParser(text).css_first("table#tablcont")
    if table is None:
        return 0
    return sum(1 for tr in table.css("tr") if tr.css_first("a[href*='name_op=case']") is not None)

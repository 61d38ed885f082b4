"""What every service must know about sudrf pages: decoding, page states and the counter.

The fetcher uses it to decide retries and completeness, the parser to classify before it
parses. Markers are from ../shared/fixtures/sudrf/FORMAT.md §6.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docketwatch.contract import sha256_hex
from docketwatch.sudrf.encoding import decode_as, detect_encoding

CRIMINAL_FIRST_INSTANCE = "1540006"
ROWS_PER_PAGE = 25

_COUNTER = re.compile(r"Всего по запросу найдено\s*[—-]\s*(\d+)")
_RANGE = re.compile(r"На странице записи с\s*(\d+)\s*по\s*(\d+)")

def decode_page(body: bytes, declared_charset: str | None = None) -> tuple[str, str]:
    """Decode by the bytes, never by the meta tag: saved pages are UTF-8 under a cp1251 tag."""
    encoding = detect_encoding(body, declared_charset)
    return decode_as(body, encoding), encoding


def read_counter(text: str) -> int | None:
    m = _COUNTER.search(text)
    return int(m.group(1)) if m else None


def read_range(text: str) -> tuple[int, int] | None:
    m = _RANGE.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


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


# --------------------------------------------------------------------------- interfaces
# Added for the fetcher (issue 4); the functions above keep their behaviour.

STANDARD = "standard"
VNKOD = "vnkod"

_VNKOD_COUNTER = re.compile(r"Найдено дел:\s*(\d+)")
_VNKOD_RESULTS = re.compile(r"""id\s*=\s*["']?search_results\b""")
_CAPTCHA_ID = re.compile(r"""name=["']?captchaid["']?[^>]*?value=["']([^"']*)""")
_CAPTCHA_IMG = re.compile(r"""data:\s*image/png;base64,\s*([A-Za-z0-9+/=]+)""")
# Only these characters may come from a row's link into a URL we build ourselves.
_HTML_START = re.compile(r"^\s*(?:<!doctype|<html|<head|<meta|<!--)", re.IGNORECASE)
_SAFE_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")


def vnkod_list_params(
    *,
    page: int = 1,
    entry_from: str | None = None,
    entry_to: str | None = None,
    result_from: str | None = None,
    result_to: str | None = None,
    articles: str | None = None,
) -> list[tuple[str, str]]:
    """Query of the same list on the older VNKOD interface (FORMAT.md §2, end).

    The real form sends every field, blanks included, so blanks are sent too.
    """
    return [
        ("name", "sud_delo"), ("srv_num", "1"), ("name_op", "r"), ("_page", str(page)),
        ("_deloId", CRIMINAL_FIRST_INSTANCE), ("case__case_type", "0"), ("_new", "0"),
        ("case__num_build", "1"), ("case__case_numberss", ""), ("parts__namess", ""),
        ("case__entry_date1d", entry_from or ""), ("case__entry_date2d", entry_to or ""),
        ("process-type", f"{CRIMINAL_FIRST_INSTANCE}_0_0"), ("case__judge", ""),
        ("case__result_date1d", result_from or ""), ("case__result_date2d", result_to or ""),
        ("case__result", ""), ("parts__law_articless", articles or ""),
    ]


def card_params(interface: str, case_id: str, case_uid: str) -> list[tuple[str, str]]:
    """Query of a case card, built from a row's ids (never from the row's href as such)."""
    if not (_SAFE_ID.match(case_id) and _SAFE_ID.match(case_uid)):
        raise ValueError(f"unexpected case ids {case_id!r}/{case_uid!r}")
    if interface == VNKOD:
        return [("name", "sud_delo"), ("name_op", "case"), ("_id", case_id), ("_uid", case_uid),
                ("_deloId", CRIMINAL_FIRST_INSTANCE), ("_caseType", "0"), ("_new", "0"),
                ("srv_num", "1")]
    return [("name", "sud_delo"), ("srv_num", "1"), ("name_op", "case"), ("case_id", case_id),
            ("case_uid", case_uid), ("delo_id", CRIMINAL_FIRST_INSTANCE)]


_FIRST_INSTANCE_CODE = re.compile(r"^\d{2}(GV|OV)\d{4}$")


def holds_first_instance(vnkod: str) -> bool:
    """Garrison (NNGV####) and district or fleet (NNOV####) military courts try criminal
    cases at first instance; the Appellate (50AV0000) and Cassation (54KV0000) Military
    Courts do not (FORMAT.md §1), so their first-instance docket is empty by law."""
    return _FIRST_INSTANCE_CODE.match(vnkod) is not None


def card_ids(query: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(case_id, case_uid) of a card link's query, in either interface's names
    (``case_id``/``case_uid`` standard, ``_id``/``_uid`` VNKOD and the new portal)."""
    return (query.get("case_id") or query.get("_id") or None,
            query.get("case_uid") or query.get("_uid") or None)


def list_layout(text: str) -> str | None:
    """Which interface produced a result (or empty-result) page; None if it does not say."""
    if _VNKOD_RESULTS.search(text):
        return VNKOD
    if 'id="tablcont"' in text or "id='tablcont'" in text or "id=tablcont" in text:
        return STANDARD
    return None


def read_any_counter(text: str) -> int | None:
    """The result counter of either interface."""
    found = read_counter(text)
    if found is not None:
        return found
    m = _VNKOD_COUNTER.search(text)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class ListRow:
    """One case row of a result list: its ids and a hash of what it shows."""

    case_id: str
    case_uid: str
    number: str
    fingerprint: str

    @property
    def key(self) -> str:
        return self.case_uid.lower()


def _results_table(tree: LexborHTMLParser) -> LexborNode | None:
    table = tree.css_first("table#tablcont")
    if table is not None:
        return table
    for t in tree.css("#search_results table.law-case-table"):
        node, mobile = t.parent, False
        while node is not None:
            if "mobile-lawcase-item" in (node.attributes.get("class") or ""):
                mobile = True
                break
            node = node.parent
        if not mobile:  # phone duplicates of every row follow the desktop table
            return t
    return None


def list_rows(text: str) -> list[ListRow]:
    """Case rows of a result list of either interface, in page order."""
    table = _results_table(LexborHTMLParser(text))
    if table is None:
        return []
    rows: list[ListRow] = []
    for tr in table.css("tr"):
        link = tr.css_first("a[href*='name_op=case']")
        if link is None:
            continue
        case_id, case_uid = card_ids(dict(parse_qsl(urlsplit(link.attributes.get("href")
                                                             or "").query)))
        if not case_uid:
            continue
        # What the row says (text) plus where its links point (an act link appearing
        # changes no text); whitespace is layout, not content.
        hrefs = "|".join(a.attributes.get("href") or "" for a in tr.css("a"))
        content = " ".join((tr.text(separator=" ") or "").split()) + "\x1f" + hrefs
        rows.append(ListRow(case_id or "", case_uid, link.text(strip=True),
                            sha256_hex(content.encode("utf-8"))))
    return rows


def captcha_challenge(text: str) -> tuple[str, bytes] | None:
    """(captchaid, PNG bytes) of a captcha form, for a configured solver."""
    cid, img = _CAPTCHA_ID.search(text), _CAPTCHA_IMG.search(text)
    if cid is None or img is None:
        return None
    try:
        return cid.group(1), base64.b64decode(img.group(1))
    except ValueError:
        return None

"""Result rows of either interface, as the fetcher needs them (ids and a content hash).

:func:`results_table` finds the table for the fetcher's :func:`list_rows` and the page
parsers alike; :func:`docketwatch.sudrf.query.card_link_ids` reads each row's ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docketwatch.contract import sha256_hex
from docketwatch.sudrf.query import card_link_ids

CARD_LINK = "a[href*='name_op=case']"

# <script …>…</script> and <noscript …>…</noscript>, found opening by opening: a lazy
# ``<script\b.*?</script>`` scans from every unclosed opening to the end of the page, which
# is quadratic on a page of many of them.
_SCRIPT_OPEN = re.compile(r"<(no)?script\b", re.I)
_SCRIPT_CLOSE = {False: re.compile(r"</script>", re.I), True: re.compile(r"</noscript>", re.I)}
_NONCE = re.compile(r"captchaid['\"]?\s+value=['\"][^'\"]*['\"]|\?\d{10,}")


def strip_scripts(text: str) -> str:
    """``text`` without its script and noscript elements (each from its opening to the
    first closing after it; an opening never closed is left as it is)."""
    parts: list[str] = []
    kept = pos = 0
    unclosed = {False: False, True: False}  # no closing tag of this kind is left
    while (opening := _SCRIPT_OPEN.search(text, pos)) is not None:
        noscript = opening.group(1) is not None
        if not unclosed[noscript]:
            closing = _SCRIPT_CLOSE[noscript].search(text, opening.end())
            if closing is not None:
                parts.append(text[kept : opening.start()])
                kept = pos = closing.end()
                continue
            unclosed[noscript] = True
            if all(unclosed.values()):
                break
        pos = opening.start() + 1
    parts.append(text[kept:])
    return "".join(parts)


def content_fingerprint(text: str) -> str:
    """A hash of what the page says, without per-request noise (scripts, nonces)."""
    return sha256_hex(_NONCE.sub("", strip_scripts(text)).encode("utf-8"))


def _in_mobile_copy(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if "mobile-lawcase-item" in (parent.attributes.get("class") or ""):
            return True
        parent = parent.parent
    return False


def vnkod_results_table(tree: LexborHTMLParser) -> LexborNode | None:
    """The desktop results table of a VNKOD page; phone duplicates of every row follow it."""
    for table in tree.css("#search_results table.law-case-table"):
        if not _in_mobile_copy(table):
            return table
    return None


def results_table(tree: LexborHTMLParser) -> LexborNode | None:
    """The results table of a list page of either interface, None when there is none."""
    table = tree.css_first("table#tablcont")
    return table if table is not None else vnkod_results_table(tree)


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


def list_rows(text: str) -> list[ListRow]:
    """Case rows of a result list of either interface, in page order."""
    table = results_table(LexborHTMLParser(text))
    if table is None:
        return []
    rows: list[ListRow] = []
    for tr in table.css("tr"):
        link = tr.css_first(CARD_LINK)
        if link is None:
            continue
        case_id, case_uid = card_link_ids(link.attributes.get("href") or "")
        if not case_uid:
            continue
        # What the row says (text) plus where its links point (an act link appearing
        # changes no text); whitespace is layout, not content.
        hrefs = "|".join(a.attributes.get("href") or "" for a in tr.css("a"))
        content = " ".join((tr.text(separator=" ") or "").split()) + "\x1f" + hrefs
        rows.append(ListRow(case_id or "", case_uid, link.text(strip=True),
                            sha256_hex(content.encode("utf-8"))))
    return rows


def count_rows(text: str) -> int:
    """Data rows of a standard result list: rows of table#tablcont that link to a card."""
    table = LexborHTMLParser(text).css_first("table#tablcont")
    if table is None:
        return 0
    return sum(1 for tr in table.css("tr") if tr.css_first(CARD_LINK) is not None)

"""Search results of the standard interface (``name_op=r``, table ``#tablcont``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from pydantic import ValidationError
from selectolax.lexbor import LexborNode

from docketwatch.contract import CaseSnapshot
from docketwatch.sudrf._html import (
    child_elements,
    clean,
    lines_of,
    norm_label,
    parse_date,
    parse_html,
    text_of,
)
from docketwatch.sudrf.articles import persons_from_text
from docketwatch.sudrf.classify import Layout, tablcont_span
from docketwatch.sudrf.counter import read_counter, read_range
from docketwatch.sudrf.decisions import classify_decision, normalize_decision_text
from docketwatch.sudrf.errors import CounterMismatchError, LayoutError
from docketwatch.sudrf.models import ResultList
from docketwatch.sudrf.query import card_link_ids

LAYOUT = Layout.STANDARD_LIST

# Column keys by normalised <th> text. Columns are looked up by header, never by position,
# because some courts drop «Дата вступления в законную силу» (7 columns).
LIST_COLUMNS: dict[str, str] = {
    "№ дела": "number",
    "номер дела": "number",
    "дата поступления": "receipt",
    "лица": "persons",
    # The VNKOD interface and the new portal layout title the same cell so (a defendant a
    # line, «NAME - ст.337 ч.5 УК РФ»); read under another title, a row loses its articles.
    "информация по делу": "persons",
    "судья": "judge",
    "дата решения": "decision_date",
    "решение": "decision",
    "дата вступления в законную силу": "force",
    "судебные акты": "acts",
}
_REQUIRED = ("number",)

# The current page is the bold number of the pager; on later pages links precede it
# ("Страницы : <a…>1</a> | … | <b>23</b>"), so search up to the end of the pager cell
# (the first </td>), at most PAGER_REACH characters on.
PAGER_REACH = 4000
_PAGER = re.compile(r"Страницы\s*:", re.IGNORECASE)
_BOLD_NUMBER = re.compile(r"<b>\s*(\d+)\s*</b>", re.IGNORECASE)
_CELL_END = re.compile(r"</td>", re.IGNORECASE)
# A link to a page of the list: ``<a href=…?page=N…>``.
_LINK_OPEN = re.compile(r"<a\s+href\s*=", re.IGNORECASE)
_PAGE_PARAM = re.compile(r"[?&]page=(\d+)", re.IGNORECASE)
# The pager's link to the last page: ``…?page=N… title="На последнюю страницу списка"``.
_LAST_TITLE = re.compile(r"""title\s*=\s*["']На последнюю страницу списка""", re.IGNORECASE)

# Each of these reads markup spans with linear-time searches (see classify.py): the patterns
# they replace (``Страницы\s*:(?:(?!</td>).){0,4000}?<b>…``, ``<a\s+href…[^>]*?[?&]page=``,
# ``[?&]page=(\d+)[^>]*title…``) rescanned the page from every opening, quadratic on a page
# of many openings without their end.


def current_page(html: str) -> int | None:
    """The pager's bold number: the first ``<b> N </b>`` after «Страницы :» in the same
    cell and within PAGER_REACH characters."""
    bold: re.Match[str] | None = None
    cell_end: re.Match[str] | None = None
    no_cell_end = False
    for pager in _PAGER.finditer(html):
        start = pager.end()
        if bold is None or bold.start() < start:
            bold = _BOLD_NUMBER.search(html, start)
            if bold is None:
                return None  # none after this pager, so none after any later one
        if not no_cell_end and (cell_end is None or cell_end.start() < start):
            cell_end = _CELL_END.search(html, start)
            no_cell_end = cell_end is None
        if bold.start() <= start + PAGER_REACH and (
            cell_end is None or bold.start() < cell_end.start()
        ):
            return int(bold.group(1))
    return None


def page_links(html: str) -> list[int]:
    """Page numbers of the list's links (``<a href=…?page=N…>``), in page order."""
    found: list[int] = []
    pos = 0
    while (link := _LINK_OPEN.search(html, pos)) is not None:
        gt = html.find(">", link.end())
        if gt < 0:
            break  # a link needs its ">"
        param = _PAGE_PARAM.search(html, link.end(), gt)
        if param is not None:
            found.append(int(param.group(1)))
        pos = gt + 1  # later openings in the same tag would search part of the same text
    return found


def last_page_link(html: str) -> int | None:
    """N of the link titled «На последнюю страницу списка» (``page=N`` in the same tag)."""
    pos = 0
    while (param := _PAGE_PARAM.search(html, pos)) is not None:
        gt = html.find(">", param.end())
        end = len(html) if gt < 0 else gt
        if _LAST_TITLE.search(html, param.end(), end) is not None:
            return int(param.group(1))
        if gt < 0:
            return None
        pos = gt + 1
    return None


def parse_counter(html: str) -> tuple[int | None, int | None, int | None]:
    """``(total, first_row, last_row)`` from the counter text; Nones when absent."""
    rng = read_range(html)
    if rng is None:
        return read_counter(html), None, None
    return read_counter(html), rng[0], rng[1]


def parse_pager(html: str) -> tuple[int | None, int | None]:
    """``(page, last_page)`` from ``Страницы : <b>1</b> | <a …page=2…>``.

    The last page is the target of «На последнюю страницу списка» when present, else the
    highest page linked or the current page (on the last page there is no such link).
    """
    current = current_page(html)
    last = last_page_link(html)
    if last is None:
        candidates = [*page_links(html), *([current] if current is not None else [])]
        last = max(candidates) if candidates else None
    return current, last


def _header_map(table: LexborNode) -> dict[str, int]:
    for tr in table.css("tr"):
        ths = child_elements(tr, "th")
        if not ths:
            continue
        mapping: dict[str, int] = {}
        for i, th in enumerate(ths):
            key = LIST_COLUMNS.get(norm_label(lines_of(th).replace("\n", " ")))
            if key is not None and key not in mapping:
                mapping[key] = i
        for key in _REQUIRED:
            if key not in mapping:
                raise LayoutError(f"results table has no «{key}» column")
        return mapping
    raise LayoutError("results table has no header row")


def _card_link(cell: LexborNode) -> tuple[str, str | None, str | None]:
    # The link is normally the cell's first child; css_first is the slower fallback.
    first = cell.child
    link = first if first is not None and first.tag == "a" else cell.css_first("a")
    number = text_of(link) if link is not None else text_of(cell)
    href = (link.attributes.get("href") or "") if link is not None else ""
    return (number, *card_link_ids(href))


def _has_link(cell: LexborNode) -> bool:
    """True when the cell holds a link (the act column's doc link). A traversal is ~5x
    cheaper than a CSS query on these tiny cells."""
    return any(n.tag == "a" and n.attributes.get("href") for n in cell.traverse())


def table_fragment(html: str) -> str | None:
    """The ``<table … id="tablcont">…</table>`` source, or None when it cannot be cut out.

    Parsing only the results table instead of the whole page (menus, sidebars, ~15 KB of
    inline JS on live pages) is most of the parser's speed. The rows never contain nested
    tables; if one ever did, the cut would drop rows and the counter check would refuse the
    page rather than miscount.
    """
    span = tablcont_span(html)
    if span is None or span[1] < 0:
        return None
    return html[span[0] : span[1]]


def _date_col(cells: list[LexborNode], cols: dict[str, int], key: str) -> date | None:
    i = cols.get(key)
    return None if i is None else parse_date(cells[i].text(deep=True), key)


def _row(
    cells: list[LexborNode], cols: dict[str, int], court_code: str, keep_names: bool
) -> CaseSnapshot:
    number, case_id, case_uid = _card_link(cells[cols["number"]])
    if not number:
        raise LayoutError("row without a case number")
    decision_text = None
    if "decision" in cols:
        decision_text = normalize_decision_text(lines_of(cells[cols["decision"]]))
    decision_class, ground = classify_decision(decision_text)
    judge = text_of(cells[cols["judge"]]) if "judge" in cols else ""
    defendants = (
        persons_from_text(lines_of(cells[cols["persons"]]), keep_names)
        if "persons" in cols
        else ()
    )
    has_act = "acts" in cols and _has_link(cells[cols["acts"]])
    return CaseSnapshot(
        court_code=court_code,
        case_number=number,
        case_uid=case_uid,
        case_id=case_id,
        receipt_date=_date_col(cells, cols, "receipt"),
        judge=judge or None,
        decision_date=_date_col(cells, cols, "decision_date"),
        decision_text=decision_text,
        decision_class=decision_class,
        decision_ground=ground,
        entry_into_force_date=_date_col(cells, cols, "force"),
        defendants=defendants,
        has_act=has_act,
    )


def parse_rows(
    table: LexborNode,
    court_code: str,
    keep_names: bool,
    header: Callable[[LexborNode], dict[str, int]] = _header_map,
) -> tuple[CaseSnapshot, ...]:
    cols = header(table)
    width = max(cols.values()) + 1
    rows: list[CaseSnapshot] = []
    for tr in table.css("tr"):
        cells = child_elements(tr, "td")
        if not cells:
            continue  # the header row (th only)
        if len(cells) < width:
            raise LayoutError(f"row has {len(cells)} cells, header needs {width}")
        try:
            rows.append(_row(cells, cols, court_code, keep_names))
        except ValidationError as exc:
            raise LayoutError(f"row does not fit the contract: {exc}") from exc
    return tuple(rows)


def parse_result_list(html: str, court_code: str, keep_names: bool = False) -> ResultList:
    """Parse a standard-interface results page into a :class:`ResultList`.

    Raises :class:`LayoutError` when the table or its header is missing and
    :class:`CounterMismatchError` when the number of rows disagrees with the page's own
    ``записи с X по Y`` counter (a page we cannot trust must not be counted).
    """
    fragment = table_fragment(html)
    tree = parse_html(fragment if fragment is not None else html)
    table = tree.css_first("table#tablcont")
    if table is None:
        raise LayoutError("no table#tablcont on a results page")
    rows = parse_rows(table, court_code, keep_names)
    total, first, last = parse_counter(html)
    page, last_page = parse_pager(html)
    check_counter(len(rows), total, first, last)
    return ResultList(
        total=total, first_row=first, last_row=last, page=page, last_page=last_page, rows=rows
    )


def check_counter(n_rows: int, total: int | None, first: int | None, last: int | None) -> None:
    if first is not None and last is not None:
        expected = last - first + 1
        if expected != n_rows:
            raise CounterMismatchError(
                f"counter says rows {first}..{last} ({expected}) but the table has {n_rows}"
            )
    elif total is not None and total > 0 and n_rows == 0:
        raise CounterMismatchError(f"counter says {total} hits but the table is empty")


__all__ = ["ResultList", "check_counter", "clean", "parse_counter", "parse_pager",
           "parse_result_list", "parse_rows"]

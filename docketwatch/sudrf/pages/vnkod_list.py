"""Search results of the VNKOD interface — INFERRED [I], no real page seen.

No results page of this interface is in the fixtures. This parser assumes what the VNKOD
card shows about the interface's conventions: results inside ``#search_results``, a
``table.law-case-table`` whose header row sits in ``<thead>`` (or uses ``<th>``) and
whose data rows are in ``<tbody>``, a phone duplicate of each row in
``.mobile-lawcase-item`` (skipped by reading only the first table that is not inside one),
the same column titles, counter and pager texts as the standard list, and card links
carrying ``case_id``/``case_uid`` or ``_id``/``_uid``. Verify against a live page before
trusting its output; until then a page that does not fit raises LayoutError (dead letter)
rather than being guessed at.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from docketwatch.sudrf._html import child_elements, lines_of, norm_label, parse_html
from docketwatch.sudrf.classify import Layout
from docketwatch.sudrf.errors import LayoutError
from docketwatch.sudrf.models import ResultList
from docketwatch.sudrf.pages.standard_list import (
    LIST_COLUMNS,
    check_counter,
    parse_counter,
    parse_pager,
    parse_rows,
)
from docketwatch.sudrf.rows import vnkod_results_table

LAYOUT = Layout.VNKOD_LIST



def _header_map(table: LexborNode) -> dict[str, int]:
    for tr in table.css("tr"):
        parent = tr.parent
        cells = child_elements(tr, "th")
        if not cells and parent is not None and parent.tag == "thead":
            cells = child_elements(tr, "td")
        if not cells:
            continue
        mapping: dict[str, int] = {}
        for i, cell in enumerate(cells):
            key = LIST_COLUMNS.get(norm_label(lines_of(cell).replace("\n", " ")))
            if key is not None and key not in mapping:
                mapping[key] = i
        if "number" not in mapping:
            raise LayoutError("VNKOD results table has no case-number column")
        return mapping
    raise LayoutError("VNKOD results table has no header row")


def parse_vnkod_result_list(html: str, court_code: str, keep_names: bool = False) -> ResultList:
    tree = parse_html(html)
    if tree.css_first("#search_results") is None:
        raise LayoutError("no #search_results on a VNKOD results page")
    table = vnkod_results_table(tree)
    if table is None:
        raise LayoutError("no results table in #search_results")
    # parse_rows reads every <tr> with <td> cells; drop the <thead> so its <td> header
    # cells are not taken for a data row.
    cols = _header_map(table)
    for thead in table.css("thead"):
        thead.decompose()
    rows = parse_rows(table, court_code, keep_names, header=lambda _t: cols)
    # [I] The VNKOD interface may print «Найдено дел: N» instead of the standard counter.
    total, first, last = parse_counter(html)
    page, last_page = parse_pager(html)
    check_counter(len(rows), total, first, last)
    return ResultList(
        total=total, first_row=first, last_row=last, page=page, last_page=last_page, rows=rows
    )

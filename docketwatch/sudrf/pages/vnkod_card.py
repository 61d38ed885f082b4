"""Case card of the "VNKOD"/vintage interface (FORMAT.md §4, 7 garrison courts in 2023).

Different DOM from the standard card: ``.case-num``, ``ul#case_bookmarks``,
``div#tab_content_Case/EventList/PersonList`` with ``table.law-case-table``. Every table
is repeated for phones inside ``.mobile-lawcase-item`` and the event list once more in a
``.printVersionBody`` div, so only the first table that is a *direct child* of each
``#tab_content_*`` div is read — that is the de-duplication.

Seen on the fixture (a civil case): the Case, EventList and PersonList tabs. Inferred [I],
not seen on any page: the criminal PersonList (a «Перечень статей» column and criminal
procedural statuses), a decision-result label in the Case tab and a document tab.
"""

from __future__ import annotations

import re
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docketwatch.contract import CardEvent, CaseSnapshot, Defendant
from docketwatch.sudrf._html import child_elements, clean, lines_of, parse_date, parse_html, text_of
from docketwatch.sudrf.articles import make_defendant, parse_articles
from docketwatch.sudrf.classify import Layout
from docketwatch.sudrf.decisions import classify_decision, normalize_decision_text
from docketwatch.sudrf.errors import LayoutError
from docketwatch.sudrf.pages.standard_card import (
    CASE_LABELS,
    EVENT_COLUMNS,
    PERSON_COLUMNS,
    case_fields,
    column_map,
    events_from_rows,
    parse_publish_info,
    strip_case_prefix,
)

LAYOUT = Layout.VNKOD_CARD

# «ДЕЛО № 2-5/2026 (2-13/2025; 2-2935/2024;) ~ М-2773/2024»: the primary number, then
# earlier numbers in brackets and the material number after "~". Case identity uses the
# primary number (what the standard list's link text would be) [I].
_PRIMARY_NUMBER = re.compile(r"^[^\s(~]+")

# [I] Procedural statuses of a criminal defendant in this interface. A civil card's ИСТЕЦ /
# ОТВЕТЧИК are not defendants of a prosecution and yield no Defendant.
_DEFENDANT_STATUSES = ("ПОДСУДИМ", "ОБВИНЯЕМ", "ОСУЖДЕНН", "ОПРАВДАНН", "В ОТНОШЕНИИ КОТОРОГО")

_VNKOD_CASE_LABELS = {
    **CASE_LABELS,
    "результат": "decision",  # [I]
    "решение": "decision",  # [I]
}


def _tab_table(tree: LexborHTMLParser, tab: str) -> LexborNode | None:
    """The desktop table of ``#tab_content_<tab>`` (not its mobile/print duplicates)."""
    return tree.css_first(f"#tab_content_{tab} > table")


def _header_and_rows(table: LexborNode) -> tuple[list[LexborNode], list[list[LexborNode]]]:
    header: list[LexborNode] = []
    rows: list[list[LexborNode]] = []
    for tr in table.css("tr"):
        cells = child_elements(tr, "td") or child_elements(tr, "th")
        if not cells:
            continue
        # The header row sits in <thead>; body rows in <tbody>.
        parent = tr.parent
        if parent is not None and parent.tag == "thead":
            header = cells
        else:
            rows.append(cells)
    return header, rows


def _case_label(cell: LexborNode) -> str:
    bold = cell.css_first("b")
    return clean((bold or cell).text(deep=True)).rstrip(":").strip().casefold()


def _defendants(table: LexborNode, keep_names: bool) -> tuple[Defendant, ...]:
    header, rows = _header_and_rows(table)
    cols = column_map(header, PERSON_COLUMNS)
    if "name" not in cols:
        raise LayoutError("PersonList has no «Лицо, участвующее в деле» column")
    has_articles = "articles" in cols
    out: list[Defendant] = []
    for cells in rows:

        def get(key: str, cells: list[LexborNode] = cells) -> str:
            i = cols.get(key)
            return text_of(cells[i]) if i is not None and i < len(cells) else ""

        status = get("status").upper()
        if not (has_articles or any(s in status for s in _DEFENDANT_STATUSES)):
            continue
        out.append(make_defendant(get("name"), parse_articles(get("articles")), keep_names))
    return tuple(out)


def read_vnkod_card(
    html: str,
    court_code: str,
    keep_names: bool = False,
    case_uid: str | None = None,
    case_id: str | None = None,
) -> tuple[CaseSnapshot, str | None]:
    """Parse a VNKOD-interface case card into a :class:`CaseSnapshot`."""
    # A value the contract refuses raises pydantic's ValidationError, which parse_page
    # turns into a LayoutError like any other surprise of the layout.
    tree = parse_html(html)
    number_node = tree.css_first(".case-num")
    full_number = strip_case_prefix(number_node.text(deep=True)) if number_node else ""
    primary = _PRIMARY_NUMBER.match(full_number)
    if primary is None:
        raise LayoutError("VNKOD card without «ДЕЛО №» case number")
    case_table = _tab_table(tree, "Case")
    if case_table is None:
        raise LayoutError("VNKOD card without a Case tab")
    fields = case_fields(case_table, _VNKOD_CASE_LABELS, _case_label)

    decision_text = None
    if "decision" in fields:
        decision_text = normalize_decision_text(lines_of(fields["decision"]))
    decision_class, ground = classify_decision(decision_text)

    events: tuple[CardEvent, ...] = ()
    if (ev_table := _tab_table(tree, "EventList")) is not None:
        header, rows = _header_and_rows(ev_table)
        events = events_from_rows(rows, column_map(header, EVENT_COLUMNS))

    defendants: tuple[Defendant, ...] = ()
    if (p_table := _tab_table(tree, "PersonList")) is not None:
        defendants = _defendants(p_table, keep_names)

    # [I] Acts: a document tab with a link in it.
    has_act = tree.css_first('[id^="tab_content_Doc"] a[href]') is not None
    info = tree.css_first(".publishInfo")
    published_at, modified_at = parse_publish_info(text_of(info)) if info else (None, None)

    def field_date(key: str) -> date | None:
        node = fields.get(key)
        return None if node is None else parse_date(node.text(deep=True), key)

    judge = text_of(fields.get("judge"))
    return CaseSnapshot(
        court_code=court_code,
        case_number=primary.group(0),
        case_uid=case_uid,
        case_id=case_id,
        receipt_date=field_date("receipt"),
        judge=judge or None,
        decision_date=field_date("decision_date"),
        decision_text=decision_text,
        decision_class=decision_class,
        decision_ground=ground,
        entry_into_force_date=field_date("force"),
        defendants=defendants,
        has_act=has_act,
        events=events,
        published_at=published_at,
        modified_at=modified_at,
    ), text_of(fields.get("judicial_uid")) or None

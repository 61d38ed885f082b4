"""Case card of the standard interface (``name_op=case``).

Each tab holds a ``table#tablcont`` whose first ``<th>`` names it; tab order differs between
instances (first instance: ДЕЛО, ДВИЖЕНИЕ ДЕЛА, ЛИЦА, …; appeal: ДЕЛО, РАССМОТРЕНИЕ В
НИЖЕСТОЯЩЕМ СУДЕ, ДВИЖЕНИЕ ДЕЛА, ЛИЦА), so tabs and their columns are found by text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docketwatch.contract import (
    ActStatus,
    CardEvent,
    CaseSnapshot,
    DecisionClass,
    Defendant,
    DefendantSentence,
)
from docketwatch.sudrf._html import (
    child_elements,
    clean,
    lines_of,
    norm_label,
    parse_date,
    parse_datetime,
    parse_html,
    parse_time,
    text_of,
)
from docketwatch.sudrf.articles import make_defendant, parse_articles
from docketwatch.sudrf.classify import Layout
from docketwatch.sudrf.decisions import classify_decision, normalize_decision_text
from docketwatch.sudrf.errors import LayoutError
from docketwatch.sudrf.sentences import ActReading, act_text_from_node, read_act

LAYOUT = Layout.STANDARD_CARD

# ДЕЛО tab labels → snapshot fields. «Дата вступления в законную силу» is not on the
# fixtures; the label is the search form's, assumed to be the card's too [I].
CASE_LABELS: dict[str, str] = {
    "уникальный идентификатор дела": "judicial_uid",
    "дата поступления": "receipt",
    "судья": "judge",
    "председательствующий судья": "judge",
    "дата рассмотрения": "decision_date",
    "дата решения": "decision_date",
    "результат рассмотрения": "decision",
    "дата вступления в законную силу": "force",
}

# ДВИЖЕНИЕ ДЕЛА column headers → CardEvent fields (both interfaces' spellings).
EVENT_COLUMNS: dict[str, str] = {
    "наименование события": "name",
    "дата": "event_date",
    "дата события": "event_date",
    "время": "event_time",
    "время события": "event_time",
    "место проведения": "place",
    "результат события": "result",
    "основание для выбранного результата события": "basis",
    "основания для выбранного результата события": "basis",
    "дата размещения": "posted_date",
}

# ЛИЦА column headers.
PERSON_COLUMNS: dict[str, str] = {
    "фамилия / наименование": "name",
    "лицо, участвующее в деле (фио, наименование)": "name",
    "перечень статей": "articles",
    "процессуальный статус лица, участвующего в деле": "status",
}

_CASENUMBER_PREFIX = re.compile(r"^\s*ДЕЛО\s*№\s*", re.IGNORECASE)
_PUBLISHED = re.compile(r"опубликовано\s+(\d{2}\.\d{2}\.\d{4})\s+(\d{1,2}:\d{2})")
_MODIFIED = re.compile(r"изменено\s+(\d{2}\.\d{2}\.\d{4})\s+(\d{1,2}:\d{2})")


def strip_case_prefix(text: str) -> str:
    return _CASENUMBER_PREFIX.sub("", clean(text))


def parse_publish_info(text: str) -> tuple[datetime | None, datetime | None]:
    """``опубликовано 10.08.2026 12:30, изменено 11.08.2026 07:13`` → naive local times."""
    pub = _PUBLISHED.search(text)
    mod = _MODIFIED.search(text)
    return (
        parse_datetime(pub.group(1), pub.group(2), "published_at") if pub else None,
        parse_datetime(mod.group(1), mod.group(2), "modified_at") if mod else None,
    )


def _cell_label(cell: LexborNode) -> str:
    """Header cells wrap the label in <b> and may append a tooltip; the <b> is the label."""
    bold = cell.css_first("b")
    return norm_label(bold.text(deep=True) if bold is not None else cell.text(deep=True))


def column_map(header_cells: list[LexborNode], known: dict[str, str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for i, cell in enumerate(header_cells):
        key = known.get(_cell_label(cell))
        if key is not None and key not in mapping:
            mapping[key] = i
    return mapping


def _get(cells: list[LexborNode], cols: dict[str, int], key: str) -> str:
    i = cols.get(key)
    return text_of(cells[i]) if i is not None and i < len(cells) else ""


def events_from_rows(rows: list[list[LexborNode]], cols: dict[str, int]) -> tuple[CardEvent, ...]:
    """CardEvents from data rows given a header column map (shared with the VNKOD card)."""
    if "name" not in cols:
        raise LayoutError("ДВИЖЕНИЕ ДЕЛА has no «Наименование события» column")
    events: list[CardEvent] = []
    for cells in rows:
        name = _get(cells, cols, "name")
        if not name:
            continue
        events.append(
            CardEvent(
                name=name,
                event_date=parse_date(_get(cells, cols, "event_date"), "event_date"),
                event_time=parse_time(_get(cells, cols, "event_time"), "event_time"),
                place=_get(cells, cols, "place") or None,
                result=_get(cells, cols, "result") or None,
                basis=_get(cells, cols, "basis") or None,
                posted_date=parse_date(_get(cells, cols, "posted_date"), "posted_date"),
            )
        )
    return tuple(events)


def defendants_from_rows(
    rows: list[list[LexborNode]], cols: dict[str, int], keep_names: bool
) -> tuple[Defendant, ...]:
    """Defendants from ЛИЦА data rows: one per row, articles from «Перечень статей»."""
    out: list[Defendant] = []
    for cells in rows:
        name = _get(cells, cols, "name")
        articles_text = _get(cells, cols, "articles")
        if not name and not articles_text:
            continue
        out.append(make_defendant(name, parse_articles(articles_text), keep_names))
    return tuple(out)


def _tabs(tree: LexborHTMLParser) -> dict[str, LexborNode]:
    """Tab tables keyed by their upper-cased <th> title (first occurrence wins)."""
    tabs: dict[str, LexborNode] = {}
    for table in tree.css("table#tablcont"):
        th = table.css_first("th")
        if th is None:
            continue
        tabs.setdefault(clean(th.text(deep=True)).upper(), table)
    return tabs


def _data_rows(table: LexborNode) -> tuple[list[LexborNode] | None, list[list[LexborNode]]]:
    """(header cells, data rows) of a tab table: the first <td> row is the bold header."""
    header: list[LexborNode] | None = None
    rows: list[list[LexborNode]] = []
    for tr in table.css("tr"):
        cells = child_elements(tr, "td")
        if not cells:
            continue
        if header is None:
            header = cells
        else:
            rows.append(cells)
    return header, rows


def case_fields(
    table: LexborNode,
    labels: dict[str, str] = CASE_LABELS,
    label_of: Callable[[LexborNode], str] = _cell_label,
) -> dict[str, LexborNode]:
    """Value cells of a «label | value» table by field key (the first of each label)."""
    fields: dict[str, LexborNode] = {}
    for tr in table.css("tr"):
        cells = child_elements(tr, "td")
        if len(cells) < 2:
            continue
        key = labels.get(label_of(cells[0]))
        if key is not None:
            fields.setdefault(key, cells[1])
    return fields


_DOC_ID = re.compile(r"^cont_doc(\d+)$")


def card_acts(tree: LexborHTMLParser) -> list[ActReading]:
    """Every act text of the СУДЕБНЫЕ АКТЫ tab (``div#cont_docN``), read, in tab order.
    A tab whose div holds no text (a link only, an empty div) is skipped."""
    out: list[ActReading] = []
    for node in tree.css('[id^="cont_doc"]'):
        if _DOC_ID.match(node.attributes.get("id") or "") is None:
            continue
        text = act_text_from_node(node)
        if text is not None:
            out.append(read_act(text))
    return out


def act_fields(
    readings: list[ActReading], decision_class: DecisionClass | None
) -> tuple[ActStatus | None, tuple[DefendantSentence, ...]]:
    """``(act_status, sentences)`` of a card from its read acts.

    * no act text on the card: ``(None, ())`` — unknown: not published yet, withheld, or
      only linked; the views call a verdict in this state *pending*;
    * the first act that reads as a verdict (ПРИГОВОРИЛ) gives both (several acts: a
      verdict and, say, an appeal ruling — the verdict is the one with a sentence);
    * otherwise the first act: a ruling gives ``(NOT_VERDICT, ())``; a text that is
      neither gives ``(UNREADABLE, (one UNREADABLE sentence with the text))`` for review —
      unless the card's decision is not a verdict (termination, return, …): its act is a
      ruling by the card's own account and has no sentence, so ``(NOT_VERDICT, ())``.
    """
    if not readings:
        return None, ()
    chosen = next((r for r in readings if r.status is ActStatus.VERDICT), readings[0])
    not_a_verdict = decision_class is not None and decision_class is not DecisionClass.VERDICT
    if chosen.status is not ActStatus.VERDICT and not_a_verdict:
        return ActStatus.NOT_VERDICT, ()
    return chosen.status, chosen.sentences


def _field_date(fields: dict[str, LexborNode], key: str) -> date | None:
    node = fields.get(key)
    return None if node is None else parse_date(node.text(deep=True), key)


def read_card(
    html: str,
    court_code: str,
    keep_names: bool = False,
    case_uid: str | None = None,
    case_id: str | None = None,
) -> tuple[CaseSnapshot, str | None]:
    """Parse a standard-interface case card into a :class:`CaseSnapshot` and the УИД it
    shows (None when it shows none; not part of the v1 snapshot, see contract.CaseUid).

    ``case_uid``/``case_id`` come from the card URL the fetcher requested (the card page
    itself does not repeat the GUID); without them the snapshot is keyed by case number.
    """
    # A value the contract refuses raises pydantic's ValidationError, which parse_page
    # turns into a LayoutError like any other surprise of the layout.
    tree = parse_html(html)
    number_node = tree.css_first(".casenumber")
    case_number = strip_case_prefix(number_node.text(deep=True)) if number_node else ""
    if not case_number:
        raise LayoutError("card without «ДЕЛО №» case number")
    tabs = _tabs(tree)
    case_tab = tabs.get("ДЕЛО")
    if case_tab is None:
        raise LayoutError("card without a ДЕЛО tab")
    fields = case_fields(case_tab)

    decision_text = None
    if "decision" in fields:
        decision_text = normalize_decision_text(lines_of(fields["decision"]))
    decision_class, ground = classify_decision(decision_text)

    events: tuple[CardEvent, ...] = ()
    if (moves := tabs.get("ДВИЖЕНИЕ ДЕЛА")) is not None:
        header, rows = _data_rows(moves)
        if header is None:
            raise LayoutError("ДВИЖЕНИЕ ДЕЛА without a header row")
        events = events_from_rows(rows, column_map(header, EVENT_COLUMNS))

    defendants: tuple[Defendant, ...] = ()
    if (persons := tabs.get("ЛИЦА")) is not None:
        header, rows = _data_rows(persons)
        if header is None:
            raise LayoutError("ЛИЦА without a header row")
        cols = column_map(header, PERSON_COLUMNS)
        if "name" not in cols:
            raise LayoutError("ЛИЦА has no «Фамилия / наименование» column")
        defendants = defendants_from_rows(rows, cols, keep_names)

    # СУДЕБНЫЕ АКТЫ has no table: it is a nested tab list (li#tab_docN / div#cont_docN).
    has_act = tree.css_first('[id^="cont_doc"]') is not None
    act_status, sentences = act_fields(card_acts(tree), decision_class) if has_act else (None, ())

    info = tree.css_first(".publishInfo")
    published_at, modified_at = parse_publish_info(text_of(info)) if info else (None, None)

    judge = text_of(fields.get("judge"))
    return CaseSnapshot(
        court_code=court_code,
        case_number=case_number,
        case_uid=case_uid,
        case_id=case_id,
        receipt_date=_field_date(fields, "receipt"),
        judge=judge or None,
        decision_date=_field_date(fields, "decision_date"),
        decision_text=decision_text,
        decision_class=decision_class,
        decision_ground=ground,
        entry_into_force_date=_field_date(fields, "force"),
        defendants=defendants,
        has_act=has_act,
        events=events,
        published_at=published_at,
        modified_at=modified_at,
        sentences=sentences,
        act_status=act_status,
    ), text_of(fields.get("judicial_uid")) or None


def judicial_uid(html: str) -> str | None:
    """The card's «Уникальный идентификатор дела» (e.g. 03RS0003-01-2026-003803-62), as
    :func:`read_card` returns it."""
    tree = parse_html(html)
    for table in tree.css("table#tablcont"):
        node = case_fields(table).get("judicial_uid")
        if node is not None:
            return text_of(node) or None
    return None

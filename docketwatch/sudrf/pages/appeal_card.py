"""Case card of an appeal or cassation (standard interface, ``delo_id=4&new=4`` and the
cassation cartotekas).

The standard card's DOM (tabs of ``table#tablcont`` named by their first ``<th>``) with the
tabs of a review (FORMAT.md §4): ДЕЛО (the УИД when shown, receipt, judge, result),
РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ (the first-instance court by its short name, its number,
its judge), ДВИЖЕНИЕ ДЕЛА (hearings), ЛИЦА (articles, the result per person and the
grounds of a change). The real 2ЗОВС card shows no УИД; the link then goes by the
first-instance court and number.
"""

from __future__ import annotations

from datetime import date

from selectolax.lexbor import LexborNode

from docketwatch.contract import AppealInstance, AppealSnapshot
from docketwatch.roster import resolve_court
from docketwatch.sudrf._html import lines_of, parse_date, parse_html, text_of
from docketwatch.sudrf.appeals import (
    classify_change,
    classify_result,
    lower_number,
    page_instance,
)
from docketwatch.sudrf.articles import parse_articles
from docketwatch.sudrf.classify import Layout
from docketwatch.sudrf.decisions import normalize_decision_text
from docketwatch.sudrf.errors import LayoutError
from docketwatch.sudrf.pages.standard_card import (
    CASE_LABELS,
    EVENT_COLUMNS,
    _data_rows,
    _tabs,
    case_fields,
    column_map,
    events_from_rows,
    parse_publish_info,
    strip_case_prefix,
)

LAYOUT = Layout.APPEAL_CARD

LOWER_TAB = "РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ"
LOWER_LABELS: dict[str, str] = {
    "суд (судебный участок) первой инстанции": "court",
    "суд первой инстанции": "court",
    "номер дела в первой инстанции": "number",
    "судья (мировой судья) первой инстанции": "judge",
    "судья первой инстанции": "judge",
}
# ЛИЦА of a review: «Фамилия / наименование | Перечень статей | Материал … | Результат в
# отношении лица | Основания отмены (изменения) решения».
APPEAL_PERSON_COLUMNS: dict[str, str] = {
    "перечень статей": "articles",
    "результат в отношении лица": "result",
    "основания отмены (изменения) решения": "grounds",
}
# The events that are hearings of the review.
HEARINGS = ("судебное заседание", "рассмотрение дела в судебном заседании")


def parse_appeal_card(html: str, court_code: str, case_uid: str | None = None,
                      case_id: str | None = None) -> AppealSnapshot:
    tree = parse_html(html)
    number_node = tree.css_first(".casenumber")
    number = strip_case_prefix(number_node.text(deep=True)) if number_node else ""
    if not number:
        raise LayoutError("appeal card without «ДЕЛО №» case number")
    tabs = _tabs(tree)
    case_tab = tabs.get("ДЕЛО")
    if case_tab is None:
        raise LayoutError("appeal card without a ДЕЛО tab")
    fields = case_fields(case_tab, CASE_LABELS)

    lower: dict[str, str] = {}
    if (lower_tab := tabs.get(LOWER_TAB)) is not None:
        lower = {k: text_of(v) for k, v in case_fields(lower_tab, LOWER_LABELS).items()}

    hearings: list[date] = []
    if (moves := tabs.get("ДВИЖЕНИЕ ДЕЛА")) is not None:
        header, rows = _data_rows(moves)
        if header is None:
            raise LayoutError("ДВИЖЕНИЕ ДЕЛА without a header row")
        for ev in events_from_rows(rows, column_map(header, EVENT_COLUMNS)):
            if ev.event_date is not None and ev.name.casefold() in HEARINGS:
                hearings.append(ev.event_date)

    articles: dict[str, None] = {}
    grounds: list[str] = []
    person_results: list[str] = []
    if (persons := tabs.get("ЛИЦА")) is not None:
        header, rows = _data_rows(persons)
        if header is None:
            raise LayoutError("ЛИЦА without a header row")
        cols = column_map(header, APPEAL_PERSON_COLUMNS)
        for cells in rows:
            def cell(key: str, cells: list[LexborNode] = cells) -> str:
                i = cols.get(key)
                return text_of(cells[i]) if i is not None and i < len(cells) else ""
            for art in parse_articles(cell("articles")):
                articles.setdefault(art.article, None)
            if g := cell("grounds"):
                grounds.append(g)
            if r := cell("result"):
                person_results.append(r)

    result_text = None
    if "decision" in fields:
        result_text = normalize_decision_text(lines_of(fields["decision"]))
    if result_text is None and person_results:
        result_text = person_results[0]  # a card whose result is given per person only
    result = classify_result(result_text)
    change_text = "; ".join(dict.fromkeys(grounds)) or None
    decision_node = fields.get("decision_date")
    decision_date = (parse_date(decision_node.text(deep=True), "decision_date")
                     if decision_node is not None else None)
    info = tree.css_first(".publishInfo")
    published_at, modified_at = parse_publish_info(text_of(info)) if info else (None, None)
    receipt_node = fields.get("receipt")
    uid = text_of(fields.get("judicial_uid")) or None
    return AppealSnapshot(
        court_code=court_code,
        instance=page_instance(html) or AppealInstance.APPEAL,
        appeal_number=number,
        case_uid=case_uid,
        case_id=case_id,
        judicial_uid=uid,
        receipt_date=(parse_date(receipt_node.text(deep=True), "receipt")
                      if receipt_node is not None else None),
        judge=text_of(fields.get("judge")) or None,
        lower_court_name=lower.get("court") or None,
        lower_court_code=resolve_court(lower.get("court")),
        lower_case_number=lower_number(lower.get("number")),
        lower_judge=lower.get("judge") or None,
        hearing_dates=tuple(sorted(set(hearings))),
        decision_date=decision_date if result is not None else None,
        result_text=result_text,
        result=result,
        change=classify_change(result, change_text or result_text),
        change_text=change_text,
        articles=tuple(articles),
        published_at=published_at,
        modified_at=modified_at,
    )

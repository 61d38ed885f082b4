from __future__ import annotations

import datetime as dt

import pytest

from docketwatch.contract import DecisionClass, PageKind, PageState
from docketwatch.sudrf.parse import (
    PARSER_VERSION,
    CounterMismatchError,
    FieldFormatError,
    LayoutError,
    UnrecognizedPageError,
    WrongPageKindError,
    judicial_uid,
    parse_page,
    parse_result_list,
    parse_vnkod_result_list,
)

from .pages import (
    APPEAL_CARD_FILE,
    LIST_FILE,
    STANDARD_HEADERS,
    UFA_CARD_FILE,
    VNKOD_CARD_FILE,
    body,
    link,
    list_page,
    text,
)

FINE = "назначена мера уголовно-правового характера - СУДЕБНЫЙ ШТРАФ (ст. 25.1 УПК РФ)"


def test_list_page_summary() -> None:
    page = parse_page(body(LIST_FILE), PageKind.LIST, "77OV0000")
    assert page.state is PageState.OK
    assert page.parser_version == PARSER_VERSION
    rl = page.result_list
    assert rl is not None
    assert (rl.total, rl.first_row, rl.last_row, rl.page, rl.last_page) == (567, 1, 25, 1, 23)
    assert len(rl.rows) == 25
    assert sum(r.decision_class is DecisionClass.VERDICT for r in rl.rows) == 9
    assert [len(r.defendants) for r in rl.rows if len(r.defendants) > 1] == [2, 2, 5]
    first = rl.rows[0]
    assert first.case_number == "1-523/2026"
    assert first.case_id == "3179346"
    assert first.case_uid == "7c5401a4-de1d-497e-a034-7d6d3f6886a4"
    assert first.case_key == "77OV0000:uid:7c5401a4-de1d-497e-a034-7d6d3f6886a4"
    assert first.receipt_date == dt.date(2026, 8, 10)
    assert first.judge == "Какадеев Антон Игоревич"
    assert page.unknown_decisions == ()


def test_seven_column_list_maps_by_header() -> None:
    """A court without the «вступление» column: same rows, no entry-into-force date."""
    page = text(LIST_FILE)
    seven = page.replace(
        '<th style="text-align: center" >Дата вступления<br>в законную силу</th>', ""
    ).replace("<td>&nbsp;</td><td style='background:#ddd;'>", "<td style='background:#ddd;'>")
    assert seven != page
    assert parse_result_list(seven, "77OV0000").rows == parse_result_list(page, "77OV0000").rows


def test_reordered_columns_act_link_force_date_and_ground() -> None:
    headers = ["Судья", "Решение", "№ дела", "Лица", "Дата<br>решения",
               "Дата вступления<br>в законную силу", "Судебные<br>акты", "Дата<br>поступления"]
    row = [
        "Борисов Эдуард Борисович",
        f"Уголовное дело ПРЕКРАЩЕНО<br>{FINE}",
        link("1-77/2026", "42"),
        "&lt;Информация скрыта&gt; - ст.337 ч.5 УК РФ",
        "01.02.2026",
        "17.02.2026",
        "<a href='/modules.php?name=sud_delo&srv_num=1&name_op=doc&number=9&delo_id=1540006"
        "&new=0&text_number=1'>Приговор</a>",
        "&nbsp;10.01.2026",
    ]
    rl = parse_result_list(list_page(headers, [row]), "52GV0001")
    (s,) = rl.rows
    assert s.case_number == "1-77/2026"
    assert s.case_id == "42"
    assert s.judge == "Борисов Эдуард Борисович"
    assert s.receipt_date == dt.date(2026, 1, 10)
    assert s.decision_date == dt.date(2026, 2, 1)
    assert s.entry_into_force_date == dt.date(2026, 2, 17)
    assert s.decision_text == f"Уголовное дело ПРЕКРАЩЕНО\n{FINE}"
    assert (s.decision_class, s.decision_ground) == (DecisionClass.TERMINATED, FINE)
    assert s.has_act is True
    assert s.articles == ("337",)


def test_unknown_decision_is_other_and_reported() -> None:
    row = [link("1-1/2026"), "01.01.2026", "&lt;Информация скрыта&gt; - ст.338 ч.1 УК РФ",
           "Судья", "02.02.2026", "СНЯТО с апелляционного рассмотрения", "&nbsp;", "&nbsp;"]
    rl = parse_result_list(list_page(STANDARD_HEADERS, [row]), "X")
    assert rl.rows[0].decision_class is DecisionClass.OTHER
    assert rl.rows[0].decision_text == "СНЯТО с апелляционного рассмотрения"
    assert rl.unknown_decisions == ("СНЯТО с апелляционного рассмотрения",)


def test_pager_on_the_last_page() -> None:
    pager = ("Страницы : <a href= ./modules.php?name=sud_delo&page=22&vnkod=77OV0000>22</a>"
             " | <b>23</b>")
    row = [link("1-1/2026"), "01.01.2026", "", "", "", "", "", ""]
    rl = parse_result_list(list_page(STANDARD_HEADERS, [row], total=551, first=551,
                                     pager=pager), "X")
    assert (rl.total, rl.first_row, rl.last_row, rl.page, rl.last_page) == (551, 551, 551, 23, 23)


def test_missing_row_breaks_the_counter() -> None:
    page = text(LIST_FILE)
    start = page.index('<tr valign="top"')
    end = page.index("</tr>", start) + len("</tr>")
    with pytest.raises(CounterMismatchError):
        parse_result_list(page[:start] + page[end:], "77OV0000")


def test_bad_date_is_a_field_error() -> None:
    page = text(LIST_FILE).replace("&nbsp;10.08.2026", "&nbsp;10.18.2026", 1)
    with pytest.raises(FieldFormatError):
        parse_page(page.encode("cp1251"), PageKind.LIST, "77OV0000")


def test_missing_case_number_column_is_a_layout_error() -> None:
    page = text(LIST_FILE).replace(">№ дела<", ">Номер<")
    with pytest.raises(LayoutError):
        parse_page(page.encode("cp1251"), PageKind.LIST, "77OV0000")


def test_appeal_card_with_caller_ids() -> None:
    """An appeal card is an appeal keyed by the caller's ids, never a first-instance case
    (its number is the appeal court's own)."""
    uid = "7C5401A4-DE1D-497E-A034-7D6D3F6886A4"
    page = parse_page(body(APPEAL_CARD_FILE), PageKind.CARD, "77OV0000", case_uid=uid,
                      case_id="3179346", keep_names=True)
    assert page.snapshot is None and page.snapshots == ()
    (a,) = page.appeals
    assert a.case_uid == uid
    assert a.appeal_key == "appeal:77OV0000:uid:7c5401a4-de1d-497e-a034-7d6d3f6886a4"
    assert a.case_id == "3179346"
    assert (a.lower_court_code, a.lower_case_number) == ("77GV0013", "3/1-12/2026")


def test_card_without_uid_is_keyed_by_number() -> None:
    s = parse_page(body(UFA_CARD_FILE), PageKind.CARD, "03RS0004").snapshot
    assert s is not None
    assert s.case_key == "03RS0004:no:1-151/2026"
    assert s.defendants[0].name is None
    assert judicial_uid(text(UFA_CARD_FILE)) == "03RS0003-01-2026-003803-62"


def test_wrong_kind() -> None:
    with pytest.raises(WrongPageKindError):
        parse_page(body(UFA_CARD_FILE), PageKind.LIST, "X")
    with pytest.raises(WrongPageKindError):
        parse_page(body(LIST_FILE), PageKind.CARD, "X")


def test_unrecognized_page() -> None:
    with pytest.raises(UnrecognizedPageError) as info:
        parse_page(b"<html><body>502 Bad Gateway</body></html>", PageKind.LIST, "X")
    assert info.value.state is PageState.UNEXPECTED


def test_empty_and_truncated_pages_carry_only_their_state() -> None:
    empty = "<html><body>Данных по запросу не обнаружено</body></html>".encode("cp1251")
    page = parse_page(empty, PageKind.LIST, "X")
    assert page.state is PageState.EMPTY
    assert page.result_list is not None
    assert page.result_list.total == 0
    assert page.snapshots == ()
    cut = body(LIST_FILE)[:20000]
    page = parse_page(cut, PageKind.LIST, "X")
    assert page.state is PageState.TRUNCATED
    assert page.snapshots == ()


def test_zero_counter_is_empty() -> None:
    page = list_page(STANDARD_HEADERS, [], total=0).replace("с 1\t\tпо 0.", "")
    parsed = parse_page(page.encode("cp1251"), PageKind.LIST, "X")
    assert parsed.state is PageState.EMPTY


def test_vnkod_card_deduplicates_mobile_tables() -> None:
    s = parse_page(body(VNKOD_CARD_FILE), PageKind.CARD, "73RS0004").snapshot
    assert s is not None
    assert s.case_number == "2-5/2026"
    assert len(s.events) == 9  # 27 rows on the page: desktop, mobile and print copies
    assert s.events[-1].basis == (
        "УЧАСТИЕ ГРАЖДАНИНА, явл. стороной в деле, В БОЕВЫХ ДЕЙСТВИЯХ, ВЫПОЛНЕНИЕ ЗАДАЧ В "
        "УСЛОВИЯХ ЧП"
    )
    assert s.defendants == ()  # civil case: ИСТЕЦ/ОТВЕТЧИК are not defendants


def test_vnkod_result_list_inferred_layout() -> None:
    """Synthetic page for the INFERRED VNKOD list layout (no real page available)."""
    head = "".join(f'<td class="vert-align">{h}</td>' for h in STANDARD_HEADERS)
    cells = [link("1-9/2026", "5"), "05.05.2026", "&lt;Информация скрыта&gt; - ст.337 ч.5 УК РФ",
             "Судья С.С.", "", "", "", ""]
    row = "".join(f'<td class="vert-align">{c}</td>' for c in cells)
    mobile = ('<div class="mobile-lawcase-item block-mobile"><table class="law-case-table">'
              "<tbody><tr><td><b>№ дела</b></td><td>1-9/2026</td></tr></tbody></table></div>")
    page = (
        "<html><body><div id='search_results'>Всего по запросу найдено — 1. "
        "На странице записи с 1 по 1."
        '<table class="law-case-table non-list none-mobile"><thead><tr>'
        f"{head}</tr></thead><tbody><tr>{row}</tr></tbody></table>{mobile}</div></body></html>"
    )
    rl = parse_vnkod_result_list(page, "73GV0001")
    assert [(r.case_number, r.case_id) for r in rl.rows] == [("1-9/2026", "5")]
    assert rl.rows[0].articles == ("337",)
    parsed = parse_page(page.encode("utf-8"), PageKind.LIST, "73GV0001")
    assert parsed.layout == "vnkod_list"
    assert parsed.result_list == rl

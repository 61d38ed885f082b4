"""The older "VNKOD" interface (7 garrison courts in 2023): different params, different DOM.

The card follows the Zavolzhsky fixture (``#search_results``, ``.case-num``,
``ul#case_bookmarks``, ``div#tab_content_*``, ``table.law-case-table`` and every table
repeated in ``.mobile-lawcase-item``). No VNKOD result list was saved, so its layout is
[I]: the same classes, one row per case, and a ``simple-pagination`` pager on ``_page``.
"""

from __future__ import annotations

from datetime import date
from html import escape

from .courts import Court
from .events import card_events
from .model import CaseView
from .render import HIDDEN_NAME, ROWS_PER_PAGE, encode, fmt_date

_HEAD = (
    "<!DOCTYPE html>\n<html>\n<head>\n"
    "<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>\n"
    '<title>@@COURT@@</title>\n</head>\n<body>\n<div id="modSdpContent">\n'
    '<div class="round-border-container">\n<div class="form-container">\n'
    '\t\t<form class="form-item date-item" id="calformH" name="calformH" method="get" '
    'action="/modules.php">\n\t\t\t<input name="name" type="hidden" value="sud_delo">\n'
    '\t\t\t<input name="srv_num" id="srv_num" type="hidden" value="1">\n'
    '\t\t\t<div class="form-item date-item">\n\t\t\t\t<div class="choose-date">\n'
    '\t\t\t\t\t<span class="date-label">Список дел, назначенных к&nbsp;слушанию&nbsp;на</span>\n'
    '\t\t\t\t\t<span>\n\t\t\t\t\t\t<input name="H_date" id="H_date" class="date" '
    'value="@@HDATE@@">\n\t\t\t\t\t</span>\n\t\t\t\t</div>\n'
    '\t\t\t\t<div class="show-search-form">\n\t\t\t\t\t<p><span class="dashed" id="show-sf">'
    "Поиск информации по делам</span></p>\n\t\t\t\t</div>\n\t\t\t</div>\n\t\t </form>\n"
    "\t</div>\n\t<hr>\n"
)
_TAIL = "</div>\n</div>\n</body>\n</html>\n"
_CAPTION = "Уголовные дела - первая инстанция"


def _open(court: Court, as_of: date) -> str:
    return _HEAD.replace("@@COURT@@", escape(court.name)).replace("@@HDATE@@", fmt_date(as_of))


def card_href(view: CaseView) -> str:
    c = view.case
    return (
        f"/modules.php?name=sud_delo&name_op=case&_id={c.case_id}&_uid={c.case_uid}"
        "&_deloId=1540006&_caseType=0&_new=0&srv_num=1"
    )


def _persons(view: CaseView) -> str:
    return "<br>".join(
        f"{HIDDEN_NAME} - " + "; ".join(escape(a.text) for a in d.articles) + " УК РФ"
        for d in view.case.defendants
    )


def _table(head: list[str], rows: list[list[str]], mobile: bool = True) -> str:
    """A desktop table plus the per-row mobile duplicates the real pages carry."""
    thead = "".join(f'<td class="vert-align">{escape(h)}</td>' for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td class="vert-align">{v}</td>' for v in row) + "</tr>" for row in rows
    )
    out = (
        '<table class="law-case-table non-list none-mobile"><thead class="vert-align">'
        f'<tr class="text-center">{thead}</tr></thead><tbody>{body}</tbody></table>'
    )
    if mobile:
        for row in rows:
            cells = "".join(
                f"<tr><td><b>{escape(h)}</b></td><td>{v}</td></tr>"
                for h, v in zip(head, row, strict=True)
            )
            out += (
                '<div class="mobile-lawcase-item block-mobile"><table class="law-case-table">'
                f"<tbody>{cells}</tbody></table></div>"
            )
    return out


def _pager_href(tail: str, page: int) -> str:
    return escape(f"/modules.php?{tail}&_page={page}")


def render_results(court: Court, views: list[CaseView], page: int, tail: str, as_of: date) -> bytes:
    total = len(views)
    pages = max(1, -(-total // ROWS_PER_PAGE))
    shown = views[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
    rows = [
        [
            f'<a href="{escape(card_href(v))}">{escape(v.case.case_number)}</a>',
            fmt_date(v.case.receipt_date),
            _persons(v),
            escape(v.case.judge),
            fmt_date(v.decision_date),
            v.decision_html or "",
        ]
        for v in shown
    ]
    head = ["№ дела", "Дата поступления", "Информация по делу", "Судья", "Дата решения", "Решение"]
    items = "".join(
        f'<li><span class="current">{p}</span></li>'
        if p == page
        else f'<li><a href="{_pager_href(tail, p)}" class="page-link">{p}</a></li>'
        for p in range(max(1, page - 2), min(pages, page + 2) + 1)
    )
    html = (
        _open(court, as_of)
        + '<div id="search_results">\n<div class="name-instanse">'
        + _CAPTION
        + "</div>\n<hr>\n"
        + f'<div class="lawcase-count">Найдено дел: {total}</div>\n'
        + '<div id="resultTable">'
        + _table(head, rows)
        + "</div>\n"
        + f'<div class="simple-pagination light-theme"><ul>{items}</ul></div>\n'
        + "</div>\n"
        + _TAIL
    )
    return encode(html)


def render_empty(court: Court, as_of: date) -> bytes:
    return encode(
        _open(court, as_of)
        + '<div id="search_results">\n<div class="name-instanse">'
        + _CAPTION
        + '</div>\n<hr>\n<div class="lawcase-count-nopage">Данных по запросу не обнаружено'
        + "</div>\n</div>\n"
        + _TAIL
    )


def render_card(court: Court, view: CaseView, as_of: date) -> bytes:
    c = view.case
    case_rows = [
        ["<b>Уникальный идентификатор дела</b>", escape(c.judicial_uid)],
        ["<b>Дата поступления</b>", fmt_date(c.receipt_date)],
        ["<b>Председательствующий судья</b>", escape(c.judge)],
    ]
    if view.decision_class is not None:
        case_rows += [
            ["<b>Дата рассмотрения</b>", fmt_date(view.decision_date)],
            ["<b>Результат рассмотрения</b>", view.decision_html or ""],
            ["<b>Признак рассмотрения дела </b>", "Рассмотрено единолично судьей"],
        ]
    case_table = (
        '<table class="law-case-table"><tbody>'
        + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in case_rows)
        + "</tbody></table>"
    )
    # The VNKOD event columns come in a different order from the standard card.
    events = [
        [
            " " + escape(e.name),
            (" " + escape(e.result)) if e.result else "",
            escape(e.basis),
            fmt_date(e.day),
            escape(e.time),
            fmt_date(e.posted),
        ]
        for e in card_events(view, as_of)
    ]
    persons = [
        [
            HIDDEN_NAME,
            "; ".join(escape(a.text) for a in d.articles) + " УК РФ",
            fmt_date(view.decision_date),
            view.decision_html or "",
        ]
        for d in c.defendants
    ]
    html = (
        _open(court, as_of)
        + '\t\t<div id="search_results">\n\t\t\t<div class="name-instanse">\n\t\t'
        + _CAPTION
        + '\t</div>\n\t<hr>\n\t<div class="container" id="case_window">\n'
        + f'\t\t<div class="case-num">ДЕЛО № {escape(c.case_number)}</div>\n'
        + '\t\t<ul id="case_bookmarks" class="bookmarks">\n'
        + '\t\t\t<li id="tab_id_Case" class="active">Дело</li>'
        + '<li id="tab_id_EventList" class="">Движение дела</li>'
        + '<li id="tab_id_PersonList" class="">Лица</li></ul>\n'
        + '\t\t<div id="tab_content_Case" class="lawcase-tab-content" style="display: block;">'
        + case_table
        + "</div>\n"
        + '<div class="lawcase-tab-content" id="tab_content_EventList" style="display: none;">'
        + _table(
            [
                "Наименование события",
                "Результат события",
                "Основания для выбранного результата события",
                "Дата события",
                "Время события",
                "Дата размещения",
            ],
            events,
        )
        + "</div>"
        + '<div class="lawcase-tab-content" id="tab_content_PersonList" style="display: none;">'
        + _table(
            [
                "Фамилия / наименование",
                "Перечень статей",
                "Дата рассмотрения дела в отношении лица",
                "Результат в отношении лица",
            ],
            persons,
        )
        + "</div>\n\t</div>\n\t\t</div>\n"
        + _TAIL
    )
    return encode(html)

"""Pages of the review courts' criminal appeal and cassation modules (standard interface):
the result list and the card, shaped like the first-instance pages and the real 2ЗОВС
appeal card (FORMAT.md §4: ДЕЛО, РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ, ДВИЖЕНИЕ ДЕЛА, ЛИЦА).
Every value is escaped."""

from __future__ import annotations

from datetime import date
from html import escape

from docketwatch.sudrf.query import REVIEW_MODULES

from . import render as r
from .appeals import CHANGE_TEXT, RESULT_TEXT, Appeal
from .courts import Court

CAPTIONS = {"appeal": "Уголовные дела - апелляция", "cassation": "Уголовные дела - кассация"}
_PERSON_HEAD = (
    "Фамилия / наименование", "Перечень статей",
    "Материал (судебн. контроля, в пор. исполн. приговора и иные)",
    "Результат в отношении лица", "Основания отмены (изменения) решения",
)  # fmt: skip
_LOWER_ROWS = (
    ("Суд (судебный участок) первой инстанции", "court"),
    ("Номер дела в первой инстанции", "number"),
    ("Судья (мировой судья) первой инстанции", "judge"),
)


def _persons(a: Appeal) -> str:
    return ";<br>".join(
        f"{r.HIDDEN_NAME} - " + "; ".join(escape(x.text) for x in d.articles) + " УК РФ"
        for d in a.origin.defendants)


def _row(a: Appeal, as_of: date) -> str:
    delo_id, new = REVIEW_MODULES[a.instance]
    decided = a.decided(as_of)
    html = (
        r._ROW.replace("@@ID@@", str(a.case_id))
        .replace("@@UID@@", escape(a.case_uid))
        .replace("@@NUM@@", escape(a.number))
        .replace("@@RECEIVED@@", r.fmt_date(a.receipt_date))
        .replace("@@PERSONS@@", _persons(a))
        .replace("@@JUDGE@@", escape(a.judge))
        .replace("@@DECIDED@@", r.fmt_date(a.decision_date) if decided else "&nbsp;")
        .replace("@@DECISION@@", escape(RESULT_TEXT[a.result]) if decided else "&nbsp;")
        .replace("@@FORCE@@", "&nbsp;")
        .replace("@@ACTS@@", r._NO_ACT)
    )
    return html.replace("&delo_id=1540006'", f"&delo_id={delo_id}&new={new}'")


def render_review_list(court: Court, instance: str, appeals: list[Appeal], page: int,
                       tail: str, as_of: date) -> bytes:
    """One page of a review module's list; ``appeals`` is the whole filtered list."""
    total = len(appeals)
    pages = max(1, -(-total // r.ROWS_PER_PAGE))
    first = (page - 1) * r.ROWS_PER_PAGE
    shown = appeals[first : first + r.ROWS_PER_PAGE]
    pg = r.pager(court.vnkod, tail, page, pages)
    body = (
        r.page_open(court, as_of)
        + r._TITLE.replace("@@CAPTION@@", CAPTIONS[instance])
        + '\t<table width="100%" border="0">\n\t\t<tr>\n\t\t\t<td valign="bottom" nowrap>\n'
        + pg
        + '\t\t\t</td>\n\t\t\t<td align="right">\n\t\t\t\t'
        + f"Всего по запросу найдено — {total}. На странице записи с {first + 1}\t\t\t\t"
        + f"по {first + len(shown)}.\n\t\t\t</td>\n\t\t</tr>\n\t</table>\n"
        + '\t<table width="100%" border="0" cellpadding="3" cellspacing="0" id="tablcont">\n'
        + "\t\t<tr>\n\t\t\t" + r._HEADERS + "\t\t</tr>\n\t\t\t\t\t"
        + "\t\t\t\t\t\t".join(_row(a, as_of) for a in shown)
        + "\t\t\t\t</table>\n\t</div>\n"
        + r._PAGE_END
    )
    return r.encode(body)


def render_review_empty(court: Court, instance: str, as_of: date) -> bytes:
    return r.encode(
        r.page_open(court, as_of)
        + r._TITLE.replace("@@CAPTION@@", CAPTIONS[instance])
        + "\t<div align='center' style='padding:20px;'>"
        + "<b>Данных по запросу не обнаружено</b></div>\n\t</div>\n"
        + r._PAGE_END
    )


def render_review_card(court: Court, a: Appeal, as_of: date) -> bytes:
    decided = a.decided(as_of)
    tabs = ["ДЕЛО", "РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ", "ДВИЖЕНИЕ ДЕЛА", "ЛИЦА"]
    tab_html = "".join(
        f"<li id='tab{i}' class='{'sel' if i == 1 else 'nonsel'}'><a href='#' "
        f"onclick='index({i}, 4); return false;'>&nbsp;{escape(name)}&nbsp;</a></li>"
        for i, name in enumerate(tabs, start=1))
    rows = ""
    if a.shows_uid:
        uid = a.origin.judicial_uid
        href = escape(f"/modules.php?name=sud_delo&name_op=r_juid&vnkod={court.vnkod}"
                      f"&srv_num=1&delo_id=4&case_type=0&judicial_uid={uid}")
        rows += r._case_row("Уникальный идентификатор дела",
                            f'<a style="font-size:12px;" href="{href}"><u>{escape(uid)}</u></a>')
    rows += r._case_row("Дата поступления", r.fmt_date(a.receipt_date))
    rows += r._case_row("Судья", escape(a.judge))
    if decided:
        rows += r._case_row("Дата рассмотрения", r.fmt_date(a.decision_date))
        rows += r._case_row("Результат рассмотрения", escape(RESULT_TEXT[a.result]))
    cont1 = (
        '\t<div id="cont1" style="display: block; padding: 0 15px 15px 15px;">\n'
        '\t\t<table width="100%" border="0" cellspacing="0" cellpadding="3" id="tablcont">\n'
        '\t\t\t<tr>\n       \t\t\t<th colspan="2" align="center" valign="center">ДЕЛО</th>\n'
        "       \t\t<tr>\n" + rows + "\t\t\t  \t\t\t\t<br>\n   \t\t</table>\n\t</div>\n"
    )
    lower = {"court": a.lower_court_name, "number": a.origin.case_number,
             "judge": a.origin.judge}
    lower_rows = "".join(
        '\t\t\t\t\t<tr>\n\t\t\t\t\t\t<td width="50%">\n'
        f"\t\t\t\t\t\t\t<b>{escape(label)}</b>\t\t\t\t\t\t</td>\n"
        f"\t\t\t\t\t\t<td >{escape(lower[key])}</td>\n\t\t\t\t\t</tr>\n"
        for label, key in _LOWER_ROWS)
    cont2 = (
        '\t\t<div id="cont2" style="display: none; padding: 0 15px 15px 15px;">\n'
        '\t\t\t<table width="100%" border="0" cellspacing="0" cellpadding="3" id="tablcont">\n'
        "\t\t\t\t<tr>\n\t\t\t\t\t<th colspan='2' align='center' valign='center'>"
        "РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ</th>\n\t\t\t\t</tr>\n"
        + lower_rows + "\t\t\t\t\t\t\t\t\t<br>\n\t\t\t</table>\n\t\t</div>\n"
    )
    events = [r._cells(["Передача дела судье", r.fmt_date(a.published_at), "12:00", "", "",
                        "", "", r.fmt_date(a.published_at)]),
              r._cells(["Судебное заседание", r.fmt_date(a.decision_date), "10:00", "",
                        "Рассмотрено" if decided else "", "", "",
                        r.fmt_date(a.published_at)])]
    cont3 = (
        r._CARD_TABLE.replace("@@N@@", "3").replace("@@TITLE@@", "ДВИЖЕНИЕ ДЕЛА")
        .replace("@@HEAD@@", r._head_cells(r._EVENT_HEAD) + r._POSTED_HELP)
        .replace("@@ROWS@@", "".join(events))
    )
    result = escape(RESULT_TEXT[a.result]) if decided else ""
    grounds = escape(CHANGE_TEXT[a.change]) if decided and a.change else ""
    persons = "".join(
        r._cells([r.HIDDEN_NAME, "; ".join(escape(x.text) for x in d.articles) + " УК РФ",
                  "", result, grounds])
        for d in a.origin.defendants)
    cont4 = (
        r._CARD_TABLE.replace("@@N@@", "4").replace("@@TITLE@@", "ЛИЦА")
        .replace("@@HEAD@@", r._head_cells(_PERSON_HEAD)).replace("@@ROWS@@", persons)
    )
    body = (
        r.page_open(court, as_of)
        + "<div id='content'>\n\t<div id=line></div>\n<div align='center' class='title'>\n\t"
        + CAPTIONS[a.instance]
        + '</div>\n<div id=line></div>\n<div align="center" class=casenumber>\n\tДЕЛО № '
        + escape(a.number)
        + "</div>\n<ul class='tabs'>" + tab_html + "</ul>"
        + '<div class="contentt" style="padding:0; margin:0;">\n'
        + cont1 + cont2 + cont3 + cont4 + "</div>\n"
        + '<div class="outputArea publishInfo">опубликовано '
        + r.fmt_date(a.published_at) + " 12:30, изменено "
        + r.fmt_date(a.decision_published_at if decided else a.published_at) + " 13:00"
        + "</div>\n</div>\n" + r._PAGE_END
    )
    return r.encode(body)

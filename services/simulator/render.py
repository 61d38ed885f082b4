"""Standard-interface pages as windows-1251 bytes, shaped like the real sudrf pages.

The whitespace is copied from the 2ZOVS fixture on purpose: parsers are tested against
these bytes, so they must not be tidier than the real thing. Every value is escaped.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from . import templates as t
from .acts import render_act_html
from .courts import Court
from .events import card_events
from .model import DECISION_TEXT, CaseView

ROWS_PER_PAGE = 25
DELO_ID = "1540006"
ENCODING = "cp1251"
CAPTION = "Уголовные дела - первая инстанция"
HIDDEN_NAME = "&lt;Информация скрыта&gt;"

_ROW = (
    '<tr valign="top" onmouseout="this.style.backgroundColor=\'#ffffff\';" '
    "onmouseover=\"this.style.backgroundColor='#EFEFEF';\"\n"
    '\t\t\t\t\tstyle="background-color: rgb(255, 255, 255);">\n'
    '\t\t\t\t<td title="Для получения справки по делу, нажмите на номер дела" '
    'style="width:6%;cursor: pointer;"><a href=\'/modules.php?name=sud_delo&srv_num=1'
    "&name_op=case&case_id=@@ID@@&case_uid=@@UID@@&delo_id=1540006'>@@NUM@@</a><br></td>\n"
    '\t\t\t\t<td align="center" style="width:3%">\n'
    "\t\t\t\t\t&nbsp;@@RECEIVED@@\t\t\t\t</td>\n"
    '\t\t\t\t\t\t\t\t<td style="width:50%">\n'
    "\t\t\t\t\t@@PERSONS@@\t\t\t\t</td>\n"
    "\t\t\t\t<td>\n"
    "\t\t\t\t\t@@JUDGE@@\t\t\t\t</td>\n"
    '\t\t\t\t<td align="center">\n'
    "\t\t\t\t\t@@DECIDED@@\t\t\t\t</td>\n"
    "\t\t\t\t<td>\n"
    "\t\t\t\t\t@@DECISION@@\t\t\t\t</td>\n"
    "\t\t\t\t<td>@@FORCE@@</td>@@ACTS@@\t\t\t\t</td>\n"
    "\t\t\t</tr>\n"
)
_NO_ACT = "<td style='background:#ddd;'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;"
_HEADERS = (
    '<th style="text-align: center" >№ дела</th>'
    '<th style="text-align: center" >Дата<br>поступления</th>'
    '<th style="text-align: center" >Лица</th>'
    '<th style="text-align: center" >Судья</th>'
    '<th style="text-align: center" >Дата<br>решения</th>'
    '<th style="text-align: center" >Решение</th>'
    '<th style="text-align: center" >Дата вступления<br>в законную силу</th>'
    '<th style="text-align: center" >Судебные<br>акты</th>'
)
_TITLE = (
    "<div id='content'>\n\t\t<div id=line></div>\n\t<div align='center' class='title'>\n"
    '\t\t@@CAPTION@@\t\t<br>\n\t\t<div style="font-size: 12px">\n'
    "\t\t\tВ соответствии с Федеральным законом от 22.12.2008 № 262-ФЗ «Об обеспечении доступа"
    " к информации о деятельности судов в Российской Федерации» не все категории дел подлежат"
    " публикации и результат поиска может не отображать полный список дел, находящихся в суде"
    " на рассмотрении.\n\t\t</div>\n\t</div>\n\t<div id=line></div>\n"
)
_PAGE_END = "</div></div>\n</body></html>\n"


def fmt_date(d: date | None) -> str:
    return d.strftime("%d.%m.%Y") if d is not None else ""


def encode(html: str) -> bytes:
    # Values come from our own vocabulary, but a stray character must not break a page.
    return html.encode(ENCODING, errors="xmlcharrefreplace")


def page_open(court: Court, as_of: date) -> str:
    return (
        t.PAGE_HEAD.replace("@@COURT@@", escape(court.name))
        + t.BOX_OPEN
        + t.SEARCH_HEADER.replace("@@HDATE@@", fmt_date(as_of))
    )


def persons_cell(view: CaseView) -> str:
    parts = []
    for d in view.case.defendants:
        arts = "; ".join(escape(a.text) for a in d.articles)
        parts.append(f"{HIDDEN_NAME} - {arts} УК РФ")
    return ";<br>".join(parts)


def act_href(view: CaseView) -> str:
    c = view.case
    return (
        f"/modules.php?name=sud_delo&srv_num=1&name_op=doc&number={c.case_id + 7_000_000}"
        f"&delo_id={DELO_ID}&new=0&text_number=1"
    )


def render_row(view: CaseView) -> str:
    if view.row_html is not None:
        return view.row_html
    c = view.case
    decision = view.decision_html
    acts = (
        # [I] Shape of a cell with an act: not seen on a saved page (FORMAT.md §3).
        f"<td><a href='{escape(act_href(view))}' target='_blank'>"
        "<img src='/images/copy.gif' border=0 title='Текст документа'></a>&nbsp;"
        if view.has_act
        else _NO_ACT
    )
    html = (
        _ROW.replace("@@ID@@", str(c.case_id))
        .replace("@@UID@@", escape(c.case_uid))
        .replace("@@NUM@@", escape(c.case_number))
        .replace("@@RECEIVED@@", fmt_date(c.receipt_date))
        .replace("@@PERSONS@@", persons_cell(view))
        .replace("@@JUDGE@@", escape(c.judge))
        .replace("@@DECIDED@@", fmt_date(view.decision_date) if view.decision_date else "&nbsp;")
        .replace("@@DECISION@@", decision if decision else "&nbsp;")
        .replace("@@FORCE@@", fmt_date(view.entry_into_force) or "&nbsp;")
        .replace("@@ACTS@@", acts)
    )
    view.row_html = html
    return html


def _pager_link(vnkod: str, tail: str, page: int) -> str:
    # Server's own shape: keys repeated, vnkod filled in, the query echoed unquoted.
    return (
        f"./modules.php?name=sud_delo&srv_num=1&name_op=r&page={page}"
        f"&vnkod={escape(vnkod)}&{_safe_tail(tail)}"
    )


_TAIL_SAFE = str.maketrans({"<": "%3C", ">": "%3E", '"': "%22", "'": "%27", " ": "+"})


def _safe_tail(tail: str) -> str:
    # The real server echoes the query unescaped (raw "&"); keep that, but never let a
    # client-supplied character close the unquoted attribute or open a tag.
    return tail.translate(_TAIL_SAFE)


def pager(vnkod: str, tail: str, page: int, pages: int) -> str:
    """``Страницы : <b>1</b> | <a …>2</a> | <a …>3</a> <a … title="Следующая страница">></a>``.

    Page 1 is verbatim from the fixture (a window of two pages after the current one);
    the first/previous links on later pages are [I].
    """
    out = "Страницы : "
    if page > 1:
        out += (
            f'<a href= {_pager_link(vnkod, tail, 1)} title="На первую страницу списка"><<</a> '
            f'<a href= {_pager_link(vnkod, tail, page - 1)} title="Предыдущая страница"><</a> '
        )
    nums = []
    for p in range(max(1, page - 2), min(pages, page + 2) + 1):
        nums.append(
            f"<b>{p}</b>" if p == page else f"<a href= {_pager_link(vnkod, tail, p)}>{p}</a>"
        )
    out += " | ".join(nums)
    if page < pages:
        out += (
            f' <a href= {_pager_link(vnkod, tail, page + 1)} title="Следующая страница">></a>\n'
            f"\t\t\t\t\t  <a href= {_pager_link(vnkod, tail, pages)} "
            f'title="На последнюю страницу списка">>></a>'
        )
    return out


def render_results(
    court: Court,
    views: list[CaseView],
    page: int,
    tail: str,
    as_of: date,
) -> bytes:
    """One page (1-based) of a result list; `views` is the whole filtered list, newest first."""
    total = len(views)
    pages = max(1, -(-total // ROWS_PER_PAGE))
    first = (page - 1) * ROWS_PER_PAGE
    shown = views[first : first + ROWS_PER_PAGE]
    pg = pager(court.vnkod, tail, page, pages)
    body = (
        page_open(court, as_of)
        + _TITLE.replace("@@CAPTION@@", CAPTION)
        + '\t<table width="100%" border="0">\n\t\t<tr>\n\t\t\t<td valign="bottom" nowrap>\n\t\t\t\t'
        + pg
        + '\t\t\t</td>\n\t\t\t<td align="right">\n\t\t\t\t'
        + f"Всего по запросу найдено — {total}. На странице записи с {first + 1}\t\t\t\t"
        + f"по {first + len(shown)}."
        + '&nbsp;&nbsp;<img src="/images/print.gif" alt=""\n\t\t\t\t\t\twidth="16" height="16" '
        + "onClick=\"openPrintWin(document.getElementById('tablcont'));\">\n"
        + "\t\t\t</td>\n\t\t</tr>\n\t</table>\n"
        + '\t<table width="100%" border="0" cellpadding="3" cellspacing="0" id="tablcont">\n'
        + "\t\t<tr>\n\t\t\t"
        + _HEADERS
        + "\t\t</tr>\n\t\t\t\t\t"
        + "\t\t\t\t\t\t".join(render_row(v) for v in shown)
        + "\t\t\t\t</table>\n"
        + '\t<table width="100%" border="0">\n\t\t<tr>\n\t\t\t<td valign="bottom" nowrap>\n\t\t\t\t'
        + pg
        + "\t\t\t</td>\n\t\t</tr>\n\t</table>\n\t</div>\n"
        + _PAGE_END
    )
    return encode(body)


def render_empty(court: Court, as_of: date) -> bytes:
    """[S] marker text; the surrounding layout is the result page's, without the table."""
    return encode(
        page_open(court, as_of)
        + _TITLE.replace("@@CAPTION@@", CAPTION)
        + "\t<div align='center' style='padding:20px;'>"
        + "<b>Данных по запросу не обнаружено</b></div>\n"
        + "\t</div>\n"
        + _PAGE_END
    )


_ARTICLE_ROW = (
    "<tr><td colspan='2' class='title'>ДАННЫЕ ПО ДЕЛУ<br></td></tr>"
    '        <tr>\n        \t<td style="width:30%" valign="bottom" align="right">'
    "Перечень статей</td>\n"
    "\t        <td style=\"width:70%\">\n\t\t\t\t<input name='U1_DEFENDANT__LAW_ARTICLESS' "
    "type='text' class='Lookup' size=70>\n\t\t\t\t<input name='dic' type='button' "
    "style='border-color:#006699; color:#006699 ' value='Выбрать из справочника'>\n"
    "\t\t\t</td>\n\t\t</tr>\n"
)


def render_search_form(court: Court, as_of: date, captcha_id: str | None) -> bytes:
    """``name_op=sf``; a captcha court adds the Проверочный код row with a fresh captchaid."""
    row = ""
    if captcha_id is not None:
        row = t.CAPTCHA_ROW.replace("@@CAPTCHA_IMG@@", t.CAPTCHA_PNG_B64).replace(
            "@@CAPTCHA_ID@@", escape(captcha_id)
        )
    form = t.SEARCH_FORM.replace("@@CAPTCHA_ROW@@", row).replace(
        "<tr><td colspan='2' class='title'>ДАННЫЕ ПО ДЕЛУ<br></td></tr>", _ARTICLE_ROW, 1
    )
    return encode(page_open(court, as_of) + "<div id='content'>\n" + form + "\n" + _PAGE_END)


def render_wrong_captcha(court: Court, as_of: date) -> bytes:
    return encode(
        page_open(court, as_of)
        + "<div id='content'>\n\t\t"
        + t.WRONG_CAPTCHA
        + "\t</div>\n"
        + _PAGE_END
    )


# --------------------------------------------------------------------------- case card

_CARD_TABLE = (
    "<div id='cont@@N@@' style='display: none; padding: 0 15px 15px 15px;'><br>"
    "<table width='100%' border='0' cellpadding='3' cellspacing='0' id='tablcont'>"
    "<tr><th colspan=10>@@TITLE@@</th></tr><tr>@@HEAD@@</tr>@@ROWS@@</table></div>"
)
_EVENT_HEAD = (
    "Наименование события", "Дата", "Время", "Место проведения", "Результат события",
    "Основание для выбранного результата события", "Примечание",
)  # fmt: skip
_PERSON_HEAD = (
    "Фамилия / наименование", "Перечень статей", "Дата рассмотрения дела в отношении лица",
    "Результат в отношении лица",
)  # fmt: skip
_POSTED_HELP = (
    "<td align='center'><b>Дата размещения</b>&nbsp;<span class='tooltipShow'>"
    "<img src='/images/help.gif'><span>Информация о размещении событий в движении дела "
    "предоставляется на основе сведений, хранящихся в учетной системе судебного "
    "делопроизводства</span></span></td>"
)


def _head_cells(names: tuple[str, ...]) -> str:
    return "".join(f"<td align='center'><b>{escape(n)}</b></td>" for n in names)


def _cells(values: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"


def _case_row(label: str, value_html: str) -> str:
    return (
        '\t\t\t            \t<tr>\n\t\t\t\t\t<td width="50%">\n'
        f"\t\t\t\t\t\t<b>{escape(label)}</b>\t\t\t\t\t</td>\n"
        f"\t\t\t\t\t<td>{value_html}</td>\n            \t</tr>\n"
    )


def render_card(court: Court, view: CaseView, as_of: date) -> bytes:
    """``name_op=case``: tabs ДЕЛО / ДВИЖЕНИЕ ДЕЛА / ЛИЦА (/ СУДЕБНЫЕ АКТЫ once an act is out)."""
    c = view.case
    tabs = ["ДЕЛО", "ДВИЖЕНИЕ ДЕЛА", "ЛИЦА"] + (["СУДЕБНЫЕ АКТЫ"] if view.has_act else [])
    n = len(tabs)
    tab_html = "".join(
        f"<li id='tab{i}' class='{'sel' if i == 1 else 'nonsel'}'><a href='#' "
        f"onclick='index({i}, {n}); return false;'>&nbsp;{escape(name)}&nbsp;</a></li>"
        for i, name in enumerate(tabs, start=1)
    )
    uid = escape(c.judicial_uid)
    juid_href = escape(
        f"/modules.php?name=sud_delo&name_op=r_juid&vnkod={c.court}&srv_num=1"
        f"&delo_id={DELO_ID}&case_type=0&judicial_uid={c.judicial_uid}"
    )
    rows = _case_row(
        "Уникальный идентификатор дела",
        f'<a style="font-size:12px;" href="{juid_href}"><u>{uid}</u></a>',
    )
    rows += _case_row("Дата поступления", fmt_date(c.receipt_date))
    rows += _case_row("Судья", escape(c.judge))
    if view.decision_class is not None:
        rows += _case_row("Дата рассмотрения", fmt_date(view.decision_date))
        rows += _case_row("Результат рассмотрения", view.decision_html or "")
        rows += _case_row("Признак рассмотрения дела", "Рассмотрено единолично судьей")
    cont1 = (
        '\t<div id="cont1" style="display: block; padding: 0 15px 15px 15px;">\n'
        '\t\t<table width="100%" border="0" cellspacing="0" cellpadding="3" id="tablcont">\n'
        '\t\t\t<tr>\n       \t\t\t<th colspan="2" align="center" valign="center">ДЕЛО</th>\n'
        "       \t\t<tr>\n" + rows + "\t\t\t  \t\t\t\t<br>\n   \t\t</table>\n\t</div>\n"
    )
    events = card_events(view, as_of)
    ev_rows = "".join(
        _cells(
            [
                escape(e.name),
                fmt_date(e.day),
                escape(e.time),
                escape(e.place),
                escape(e.result),
                escape(e.basis),
                "",
                fmt_date(e.posted),
            ]
        )
        for e in events
    )
    cont2 = (
        _CARD_TABLE.replace("@@N@@", "2")
        .replace("@@TITLE@@", "ДВИЖЕНИЕ ДЕЛА")
        .replace("@@HEAD@@", _head_cells(_EVENT_HEAD) + _POSTED_HELP)
        .replace("@@ROWS@@", ev_rows)
    )
    decided = view.decision_html or ""
    person_rows = "".join(
        _cells(
            [
                HIDDEN_NAME,
                "; ".join(escape(a.text) for a in d.articles) + " УК РФ",
                fmt_date(view.decision_date),
                decided,
            ]
        )
        for d in c.defendants
    )
    cont3 = (
        _CARD_TABLE.replace("@@N@@", "3")
        .replace("@@TITLE@@", "ЛИЦА")
        .replace("@@HEAD@@", _head_cells(_PERSON_HEAD))
        .replace("@@ROWS@@", person_rows)
    )
    cont4 = ""
    if view.has_act:
        kind = "Приговор" if view.decision_class == "verdict" else "Постановление"
        cont4 = (
            "<div id='cont4' style='display: none; padding: 0 15px 15px 15px;'>"
            "<ul class='tabs'><li id='tab_doc1' class='sel'><a href='#' "
            f"onclick='index_docs(1, 1); return false;'>&nbsp;Судебный акт #1 ({kind})&nbsp;"
            "</a></li></ul><div class='contentt'><div id='cont_doc1' style='display: block; "
            "padding: 15px; font-size: 14px; color: black;'>"
            + act_text(court, view)
            + "</div></div></div>"
        )
    published = datetime.combine(c.published_at, datetime.min.time()) + timedelta(
        hours=9 + c.case_id % 8, minutes=c.case_id % 60
    )
    changed_day = max([e.posted for e in events] + [c.published_at])
    changed = datetime.combine(changed_day, datetime.min.time()) + timedelta(
        hours=10 + c.case_id % 7, minutes=(c.case_id // 7) % 60
    )
    body = (
        page_open(court, as_of).replace(
            "</a>\n\t\t    \t\t\t\t\t\t\t\t</td>",
            "</a>\n\t\t    \t\t\t&nbsp;|&nbsp;<a href='#' onclick='back()'>"
            "<b>Вернуться к списку дел</b></a>\t\t\t\t\t</td>",
            1,
        )
        + "<div id='content'>\n\t<div id=line></div>\n<div align='center' class='title'>\n\t"
        + CAPTION
        + '</div>\n<div id=line></div>\n<div align="center" class=casenumber>\n\tДЕЛО № '
        + escape(c.case_number)
        + "</div>\n<ul class='tabs'>"
        + tab_html
        + "</ul>"
        + '<div class="contentt" style="padding:0; margin:0;">\n'
        + "\t<noscript>Javascript выключен.</noscript>\n"
        + cont1
        + cont2
        + cont3
        + cont4
        + "</div>\n"
        + '<div class="outputArea publishInfo">опубликовано '
        + published.strftime("%d.%m.%Y %H:%M")
        + ", изменено "
        + changed.strftime("%d.%m.%Y %H:%M")
        + "</div>\n</div>\n"
        + _PAGE_END
    )
    return encode(body)


def act_text(court: Court, view: CaseView) -> str:
    """A short act with personal data masked the way sudrf masks it (FIO spans).

    Verdicts get a full act with the operative part stating each punishment (acts.py).
    """
    c = view.case
    if view.decision_class == "verdict" and c.punishments:
        return render_act_html(c, court.name)
    kind = "ПРИГОВОР" if view.decision_class == "verdict" else "ПОСТАНОВЛЕНИЕ"
    arts = ", ".join(escape(a.text) for d in c.defendants for a in d.articles)
    return (
        f'<p style="TEXT-ALIGN: right">дело № {escape(c.case_number)}</p>'
        f'<p style="TEXT-ALIGN: center">{kind}</p>'
        '<p style="TEXT-ALIGN: center">ИМЕНЕМ РОССИЙСКОЙ ФЕДЕРАЦИИ</p>'
        f"<p>{fmt_date(view.decision_date)} {escape(court.name)} в составе председательствующего "
        f"судьи {escape(c.judge)}, рассмотрев уголовное дело в отношении "
        '<span class="FIO1">Ф.И.О.</span>, обвиняемого в совершении преступления, '
        f"предусмотренного {arts} УК РФ,</p>"
        f"<p>{escape(DECISION_TEXT.get(view.decision_class or '', ''))}</p>"
    )


def render_doc(court: Court, view: CaseView, as_of: date) -> bytes:
    return encode(
        page_open(court, as_of)
        + "<div id='content'>\n"
        + act_text(court, view)
        + "\n</div>\n"
        + _PAGE_END
    )


# --------------------------------------------------------------------------- failure pages
# [S] Only the marker sentences are known (FORMAT.md §6); the markup around them is minimal.


def render_waf_block() -> bytes:
    return encode(
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
        "<title>403 Forbidden</title></head><body><h1>403 Forbidden</h1>"
        "<p>Данный запрос некорректен, просьба изменить параметры запроса (B)</p></body></html>\n"
    )


def render_site_down(variant: int) -> tuple[int, bytes]:
    """Either the 503 outage page or the 200 «временно недоступна» module page."""
    if variant % 2 == 0:
        return 503, encode(
            "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
            "<title>Сайт недоступен</title></head><body>"
            "<h2>В настоящее время сайт временно недоступен</h2></body></html>\n"
        )
    return 200, encode(
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
        "</head><body><div id='content'>Информация временно недоступна. Приносим свои извинения."
        " Для получения информации обратитесь непосредственно в суд.</div></body></html>\n"
    )


def render_server_error(status: int) -> bytes:
    return encode(
        f"<html><head><title>{status}</title></head><body><h1>{status}</h1></body></html>\n"
    )


def render_bad_query(court: Court, as_of: date) -> bytes:
    return encode(
        page_open(court, as_of)
        + "<div id='content'>\n\t<div align='center' id='error'>НЕВЕРНЫЙ ФОРМАТ ЗАПРОСА!</div>\n"
        + "\t</div>\n"
        + _PAGE_END
    )

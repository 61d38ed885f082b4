from __future__ import annotations

import pytest

from docketwatch.contract import PageState
from docketwatch.sudrf.classify import Layout, classify_layout, classify_page

from .pages import (
    APPEAL_CARD_FILE,
    CAPTCHA_FILE,
    LIST_FILE,
    UFA_CARD_FILE,
    VNKOD_CARD_FILE,
    WRONG_CAPTCHA_FILE,
    text,
)


def wrap(inner: str) -> str:
    return f"<!DOCTYPE html><html><head></head><body>{inner}</body></html>"


@pytest.mark.parametrize(
    ("name", "state", "layout"),
    [
        (LIST_FILE, PageState.OK, Layout.STANDARD_LIST),
        (APPEAL_CARD_FILE, PageState.OK, Layout.APPEAL_CARD),
        (UFA_CARD_FILE, PageState.OK, Layout.STANDARD_CARD),
        (VNKOD_CARD_FILE, PageState.OK, Layout.VNKOD_CARD),
        (CAPTCHA_FILE, PageState.CAPTCHA, Layout.NONE),
        (WRONG_CAPTCHA_FILE, PageState.WRONG_CAPTCHA, Layout.NONE),
    ],
)
def test_fixtures(name: str, state: PageState, layout: Layout) -> None:
    assert classify_layout(text(name)) == (state, layout)


@pytest.mark.parametrize(
    ("marker", "state"),
    [
        ("Данных по запросу не обнаружено", PageState.EMPTY),
        ("Данных по запросу не найдено", PageState.EMPTY),
        ("Ничего не найдено", PageState.EMPTY),
        ("<td>Проверочный код</td>", PageState.CAPTCHA),
        ("<input name='captcha' type='text'>", PageState.CAPTCHA),
        ("Введите код с картинки", PageState.CAPTCHA),
        ("Время жизни сессии закончилось", PageState.CAPTCHA),
        ("Неверно указан проверочный код с картинки.", PageState.WRONG_CAPTCHA),
        (
            "Данный запрос некорректен, просьба изменить параметры запроса (B)",
            PageState.WAF_BLOCK,
        ),
        ("Этот запрос заблокирован по соображениям безопасности", PageState.WAF_BLOCK),
        ("НЕВЕРНЫЙ ФОРМАТ ЗАПРОСА!", PageState.WAF_BLOCK),
        ("Информация временно недоступна. Приносим свои извинения", PageState.SITE_DOWN),
        ("обратитесь непосредственно в суд", PageState.SITE_DOWN),
        (
            "В настоящий момент производится информационное наполнение сайта.",
            PageState.SITE_DOWN,
        ),
        ("Warning: pg_connect(): Unable to connect", PageState.SITE_DOWN),
        ("Данный модуль неактивен", PageState.SITE_DOWN),
        ("В настоящее время сайт временно недоступен", PageState.SITE_DOWN),
        ("<p>hello</p>", PageState.UNEXPECTED),
    ],
)
def test_markers(marker: str, state: PageState) -> None:
    assert classify_page(wrap(marker)) is state


def test_non_html_is_unexpected() -> None:
    assert classify_page("") is PageState.UNEXPECTED
    assert classify_page('{"error": 1}') is PageState.UNEXPECTED


def test_html_cut_before_any_marker_is_truncated() -> None:
    assert classify_page("<!DOCTYPE html><html><head><title>2-й") is PageState.TRUNCATED


def test_results_page_cut_inside_the_table_is_truncated() -> None:
    page = text(LIST_FILE)
    cut = page[: page.index("1-350/2026")]
    assert classify_page(cut) is PageState.TRUNCATED


def test_results_page_cut_after_the_table_but_before_html_end_is_truncated() -> None:
    page = text(LIST_FILE)
    cut = page[: page.rindex("</table>") + len("</table>")]
    assert classify_page(cut) is PageState.TRUNCATED


def test_card_cut_before_its_end_is_truncated() -> None:
    page = text(UFA_CARD_FILE)
    # The card has "</html>" inside an inline print script; that must not count as the end.
    cut = page[: page.index("publishInfo")]
    assert "</html>" in cut
    assert classify_page(cut) is PageState.TRUNCATED


def test_results_win_over_an_embedded_captcha_form() -> None:
    page = text(LIST_FILE).replace(
        "<div id='content'>", "<div>Проверочный код <input name='captcha'></div><div id='content'>"
    )
    assert classify_page(page) is PageState.OK


def test_script_mentioning_tablcont_after_the_table_is_not_truncation() -> None:
    page = text(LIST_FILE).replace(
        "</body></html>",
        "<script>function p(){openPrintWin(document.getElementById('tablcont'));}</script>"
        "</body></html>",
    )
    assert classify_page(page) is PageState.OK

"""The sudrf knowledge the fetcher uses, against the real saved pages (tests/golden/sudrf)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docketwatch.contract import PageState
from docketwatch.sudrf import (
    STANDARD,
    VNKOD,
    content_fingerprint,
    count_rows,
    decode_page,
    encode_query,
    list_params,
    read_counter,
    read_range,
)
from docketwatch.sudrf.classify import classify_page
from docketwatch.sudrf.pages.standard_list import parse_counter

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sudrf"
LIST = GOLDEN / "2zovs_search_r_criminal1inst_article205.1_page1.excerpt.cp1251.html"


def text(name: str) -> str:
    return decode_page((GOLDEN / name).read_bytes())[0]


def test_decode_by_bytes_not_meta() -> None:
    assert decode_page(LIST.read_bytes())[1] == "windows-1251"
    utf8 = GOLDEN / "captcha_wrong_code_3ksoyu.utf8.html"
    assert decode_page(utf8.read_bytes())[1] == "utf-8"


def test_real_result_list_counter_and_rows() -> None:
    t = decode_page(LIST.read_bytes())[0]
    assert read_counter(t) == 567
    assert read_range(t) == (1, 25)
    assert count_rows(t) == 25
    assert classify_page(t) == PageState.OK


@pytest.mark.parametrize(("name", "state"), [
    ("captcha_search_form_spb_gorsud.cp1251.html", PageState.CAPTCHA),
    ("captcha_wrong_code_3ksoyu.utf8.html", PageState.WRONG_CAPTCHA),
    ("district_criminal_card_leninsky_ufa_1-151_2026.utf8.html", PageState.OK),
])
def test_states_of_real_pages(name: str, state: PageState) -> None:
    assert classify_page(text(name)) == state


def test_truncated_list_is_recognised() -> None:
    t = decode_page(LIST.read_bytes())[0]
    assert classify_page(t[: len(t) // 2]) == PageState.TRUNCATED


def test_fingerprint_ignores_script_nonces() -> None:
    a = '<html><script src="/x.js?1772134016792"></script><p>data</p></html>'
    b = '<html><script src="/x.js?1772134099999"></script><p>data</p></html>'
    assert content_fingerprint(a) == content_fingerprint(b)
    assert content_fingerprint(a) != content_fingerprint(a.replace("data", "other"))


def test_query_is_cp1251_encoded() -> None:
    q = encode_query(list_params(STANDARD, page=2, articles="337 ч.5", entry_from="01.07.2024"))
    assert "U1_DEFENDANT__LAW_ARTICLESS=337+%F7.5" in q
    assert q.endswith("u1_case__ENTRY_DATE1D=01.07.2024&page=2")
    # The VNKOD form sends every field, the blank ones too.
    v = encode_query(list_params(VNKOD, page=2, articles="337 ч.5", result_from="01.07.2024"))
    assert "_page=2&" in v and "parts__law_articless=337+%F7.5" in v
    assert "case__entry_date1d=&case__entry_date2d=&" in v
    assert "case__result_date1d=01.07.2024&case__result_date2d=&" in v


@pytest.mark.parametrize("counter", [
    "Всего по запросу найдено — 57. На странице записи с 26 по 50.",
    "Всего по запросу найдено – 57. На странице записи с 26 по 50.",
    "Всего по запросу найдено - 57. На странице записи с 26 по 50.",
    "Всего по запросу найдено - <b>57</b>. На странице записи с 26 по 50.",
    "Найдено дел: 57. На странице записи с 26 по 50.",
])
def test_fetcher_and_parser_read_the_same_counter(counter: str) -> None:
    """An em dash, an en dash, a hyphen or the VNKOD form: the fetcher (which decides
    whether a window is complete) and the parser (which checks the rows) agree. A counter
    only the parser could read once made the fetcher retry its window for ever."""
    html = f"<html><body><div>{counter}</div></body></html>"
    fetcher = read_counter(html), read_range(html)
    assert fetcher == (57, (26, 50))
    assert parse_counter(html) == (57, 26, 50)

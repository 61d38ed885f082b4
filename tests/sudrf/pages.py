"""Fixture access and small page builders for the parser tests."""

from __future__ import annotations

from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "sudrf"

LIST_FILE = "2zovs_search_r_criminal1inst_article205.1_page1.excerpt.cp1251.html"
APPEAL_CARD_FILE = "2zovs_case_card_appeal_material_22K-1372_2026.excerpt.cp1251.html"
UFA_CARD_FILE = "district_criminal_card_leninsky_ufa_1-151_2026.utf8.html"
VNKOD_CARD_FILE = "vnkod_variant_civil_card_zavolzhsky_ulyanovsk.utf8.html"
CAPTCHA_FILE = "captcha_search_form_spb_gorsud.cp1251.html"
WRONG_CAPTCHA_FILE = "captcha_wrong_code_3ksoyu.utf8.html"


def body(name: str) -> bytes:
    return (GOLDEN / name).read_bytes()


def text(name: str) -> str:
    raw = body(name)
    return raw.decode("utf-8") if ".utf8." in name else raw.decode("cp1251")


def list_page(headers: list[str], rows: list[list[str]], *, total: int | None = None,
              first: int = 1, pager: str = "Страницы : <b>1</b>") -> str:
    """A results page in the standard layout (same skeleton as the 2ЗОВС page)."""
    n = len(rows)
    total = n if total is None else total
    ths = "".join(f'<th style="text-align: center" >{h}</th>' for h in headers)
    trs = "".join(
        '<tr valign="top">' + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        "<!DOCTYPE html><html><head><meta charset=windows-1251></head><body>"
        f"<table><tr><td>{pager}</td><td>Всего по запросу найдено — {total}. "
        f"На странице записи с {first}\t\tпо {first + n - 1}.</td></tr></table>"
        f'<table id="tablcont"><tr>{ths}</tr>{trs}</table></body></html>'
    )


STANDARD_HEADERS = [
    "№ дела", "Дата<br>поступления", "Лица", "Судья", "Дата<br>решения", "Решение",
    "Дата вступления<br>в законную силу", "Судебные<br>акты",
]


def link(number: str, case_id: str = "1",
         uid: str = "7c5401a4-de1d-497e-a034-7d6d3f6886a4") -> str:
    return (
        f"<a href='/modules.php?name=sud_delo&srv_num=1&name_op=case&case_id={case_id}"
        f"&case_uid={uid}&delo_id=1540006'>{number}</a><br>"
    )

"""The dashboard in Russian and English: the switch and its cookie, DW_LANG's default,
numbers and months per locale, translated charts, downloads and API definitions; court and
region names as the registry spells them, and hostile text still escaped in both."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from markupsafe import escape

from docketwatch import i18n
from docketwatch.settings import REPO_ROOT
from docketwatch.store.definitions import FIGURES
from launcher.stack import free_port, wait_until
from services.dashboard.views import latest_complete_change
from tests.dashboard.conftest import Dashboard

pytestmark = pytest.mark.integration

RU_HEADLINE = "Отказ от службы в военных судах России"
EN_HEADLINE = "Refusal to serve in Russian military courts"


def fetch(url: str, cookie: str | None = None) -> tuple[int, bytes, Any]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


def kpis(page: str) -> dict[str, str]:
    """Headline label → its number as shown."""
    return {label: value for value, label in re.findall(
        r'<span class="value">([^<]*)</span><span class="label">([^<]*)', page)}


def in_lang(lang: str, value: Any) -> Any:
    with i18n.using(lang):  # type: ignore[arg-type]
        return value() if callable(value) else value


@pytest.fixture(scope="module")
def default_dashboard(dashboard: Dashboard) -> Iterator[str]:
    """A second dashboard over the same store, started without DW_LANG: production's
    default."""
    port = free_port()
    env = dashboard.stack.service_env({"DW_DASHBOARD_PORT": str(port),
                                       "PYTHONPATH": str(REPO_ROOT)})
    env.pop("DW_LANG", None)
    name = "dashboard-default-lang"
    dashboard.stack.spawn(name, [sys.executable, "-m", "services.dashboard"], env)
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: fetch(url + "/health")[0] == 200, timeout=60, what="dashboard up")
    try:
        yield url
    finally:
        proc = dashboard.stack.procs.pop(name)
        proc.terminate()
        proc.wait(timeout=30)


def test_russian_overview_numbers_and_months(dashboard: Dashboard) -> None:
    summary = dashboard.api("/summary")["data"][0]
    status, body, headers = fetch(dashboard.url + "/?lang=ru")
    assert status == 200
    page = body.decode()
    assert '<html lang="ru">' in page
    assert f"<h1>{RU_HEADLINE}</h1>" in page
    # Every headline number exactly as Babel writes it in Russian (no-break space groups).
    with i18n.using("ru"):
        want = {"дела об отказе от службы": i18n.format_number(summary["refusal_cases"]),
                "из них осуждено": i18n.format_number(summary["refusal_verdicts"]),
                "дела всех видов": i18n.format_number(summary["cases"]),
                "суды с делами": i18n.format_number(summary["courts_with_cases"])}
        definitions = {k: i18n.gettext(FIGURES[k]) for k in FIGURES}
    assert kpis(page) == want
    assert f'<span class="definition">{html.escape(definitions["refusal_cases"])}</span>' in page
    # The firing test alert's value 21.0 with a decimal comma; its summary is data, as is.
    assert '<td class="num">21,0</td>' in page
    assert "Refusal cases received this month are 2.1× the 12-month median" in page
    # The year-over-year headline names its month in the nominative: "июль 2024".
    latest = latest_complete_change(dashboard.api("/year-over-year?category=refusal")["data"])
    assert latest is not None
    month = in_lang("ru", lambda: i18n.format_month(latest["month"]))
    assert re.fullmatch(r"[а-я]+ \d{4}", month), month
    assert (f'data-yoy-month="{latest["month"][:7]}">отказ от службы: поступило за '
            f"{month}<br>") in page
    # The choice is remembered: a year-long cookie, same-site only, not readable by scripts.
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("dw_lang=ru;") and "SameSite=Lax" in cookie \
        and "HttpOnly" in cookie and "Path=/" in cookie, cookie


def test_english_overview_numbers_and_months(dashboard: Dashboard) -> None:
    summary = dashboard.api("/summary")["data"][0]
    page = fetch(dashboard.url + "/?lang=en")[1].decode()
    assert '<html lang="en">' in page and f"<h1>{EN_HEADLINE}</h1>" in page
    with i18n.using("en"):
        assert kpis(page)["refusal-to-serve cases"] == i18n.format_number(
            summary["refusal_cases"])
        latest = latest_complete_change(
            dashboard.api("/year-over-year?category=refusal")["data"])
        assert latest is not None
        month = i18n.format_month(latest["month"])
    assert re.fullmatch(r"[A-Z][a-z]+ \d{4}", month), month
    assert f">refusal received in {month}<br>" in page
    assert '<td class="num">21.0</td>' in page


def test_the_switch_links_and_the_cookie(dashboard: Dashboard) -> None:
    # The switch keeps the page and its query, adding only lang.
    page = fetch(dashboard.url + "/cases?article=337")[1].decode()
    assert html.escape('href="/cases?article=337&lang=ru"', quote=False) in page
    assert '<strong lang="en">EN</strong>' in page
    # The cookie chooses when the query does not; the query wins over the cookie.
    by_cookie = fetch(dashboard.url + "/regions", cookie="dw_lang=ru")[1].decode()
    assert '<html lang="ru">' in by_cookie and "<h1>Регионы</h1>" in by_cookie
    assert '<a href="/regions?lang=en" hreflang="en" lang="en">EN</a>' in by_cookie
    status, body, headers = fetch(dashboard.url + "/regions?lang=en", cookie="dw_lang=ru")
    assert status == 200 and "<h1>Regions</h1>" in body.decode()
    assert headers["Set-Cookie"].startswith("dw_lang=en;")
    # Without either: DW_LANG (English in this fixture); no cookie is set unasked.
    status, body, headers = fetch(dashboard.url + "/regions", cookie="dw_lang=xx")
    assert "<h1>Regions</h1>" in body.decode() and headers.get("Set-Cookie") is None
    status, body, _ = fetch(dashboard.url + "/regions?lang=de")
    assert status == 400 and "lang must be one of ru, en" in body.decode()


def test_error_pages_are_in_the_visitors_language(dashboard: Dashboard) -> None:
    """A bad ?lang= is answered in the cookie's language; a missing page in the asked one."""
    status, body, _ = fetch(dashboard.url + "/regions?lang=de", cookie="dw_lang=ru")
    page = body.decode()
    assert status == 400 and "<h1>Неверный запрос</h1>" in page, page[-600:]
    assert "lang must be one of ru, en" in page
    status, body, _ = fetch(dashboard.url + "/nope?lang=ru")
    assert status == 404 and "<h1>Не найдено</h1>" in body.decode()
    status, body, _ = fetch(dashboard.url + "/nope")
    assert status == 404 and "<h1>Not found</h1>" in body.decode()


def test_dw_lang_unset_means_russian(default_dashboard: str) -> None:
    page = fetch(default_dashboard + "/")[1].decode()
    assert '<html lang="ru">' in page and f"<h1>{RU_HEADLINE}</h1>" in page
    english = fetch(default_dashboard + "/?lang=en")[1].decode()
    assert f"<h1>{EN_HEADLINE}</h1>" in english


def test_court_and_region_names_are_never_translated(dashboard: Dashboard) -> None:
    court = dashboard.api("/courts")["data"][0]
    for lang in ("ru", "en"):
        page = fetch(f"{dashboard.url}/courts/{court['court_code']}?lang={lang}")[1].decode()
        assert f"<h1>{html.escape(court['court_name'])} " in page, lang
        region = fetch(dashboard.url + "/regions/" + quote(court["region"], safe="")
                       + f"?lang={lang}")[1].decode()
        assert f"<h1>{html.escape(court['region'])}</h1>" in region, lang


def test_api_definitions_per_language_with_the_same_keys(dashboard: Dashboard) -> None:
    en = dashboard.api("/summary?lang=en")
    ru = dashboard.api("/summary?lang=ru")
    assert ru["data"] == en["data"] and ru["sql"] == en["sql"]  # machine fields unchanged
    assert en["definitions"] == {k: FIGURES[k] for k in en["definitions"]}
    with i18n.using("ru"):
        assert ru["definitions"] == {k: i18n.gettext(FIGURES[k]) for k in en["definitions"]}
    assert ru["definitions"]["refusal_cases"].startswith("Дела хотя бы с одной статьёй")


def test_downloads_translate_headers_not_values(dashboard: Dashboard) -> None:
    rows = dashboard.api("/courts")["data"]
    columns = list(rows[0])
    body = fetch(dashboard.url + "/api/v1/courts?format=csv&lang=ru")[1]
    parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    with i18n.using("ru"):
        assert parsed[0] == [i18n.column(c) for c in columns]
    assert parsed[0][:2] == ["код суда", "суд"]
    english = fetch(dashboard.url + "/api/v1/courts?format=csv&lang=en")[1]
    assert list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))[1:] == parsed[1:]
    # numbers stay raw in the files: 1234, never "1 234"
    assert [r[columns.index("cases")] for r in parsed[1:]] == [str(r["cases"]) for r in rows]

    book = openpyxl.load_workbook(io.BytesIO(
        fetch(dashboard.url + "/api/v1/summary?format=xlsx&lang=ru")[1]))
    sheet = [list(r) for r in book["data"].iter_rows(values_only=True)]
    summary = dashboard.api("/summary")["data"][0]
    assert sheet[0][:2] == ["дела", "дела об отказе от службы"]
    assert sheet[1][0] == summary["cases"] and isinstance(sheet[1][0], int)
    about = {r[0]: r[1] for r in book["about"].iter_rows(values_only=True) if r and r[0]}
    as_of = str(summary["latest_observed_at"])[:10]
    assert about["источник"] == f"docketwatch, картотеки sudrf.ru, данные на {as_of}"
    assert about["заголовок"] == "Главные итоги и граница публикации"
    with i18n.using("ru"):
        assert about["дела об отказе от службы"] == i18n.gettext(FIGURES["refusal_cases"])


def test_charts_are_drawn_in_the_language_asked(dashboard: Dashboard) -> None:
    as_of = str(dashboard.api("/summary")["data"][0]["latest_observed_at"])[:10]
    texts = {}
    for lang in ("ru", "en"):
        status, body, _ = fetch(dashboard.url + f"/api/v1/charts/yoy.svg?lang={lang}")
        assert status == 200
        root = ET.fromstring(body)
        texts[lang] = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert f"docketwatch, картотеки sudrf.ru, данные на {as_of}" in texts["ru"]
    assert "Год к году: поступившие дела (отказ от службы)" in texts["ru"]
    for lang in ("ru", "en"):  # the x axis: January to December in the locale's words
        months = in_lang(lang, lambda: [i18n.month_abbr(m) for m in range(1, 13)])
        assert set(months) <= set(texts[lang]), (lang, months)
    assert "янв." in texts["ru"] and "Jan" in texts["en"]
    assert f"docketwatch, sudrf.ru dockets, as of {as_of}" in texts["en"]
    assert "Year over year: refusal cases received" in texts["en"]
    # The y axis of the rates (verdicts per working day, below 2): decimal comma or point.
    for lang, point in (("ru", ","), ("en", ".")):
        body = fetch(dashboard.url + f"/api/v1/charts/per-day.svg?lang={lang}")[1]
        ticks = [t for t in ("".join(x.itertext()) for x in ET.fromstring(body).iter(
            "{http://www.w3.org/2000/svg}text")) if re.fullmatch(r"[\d.,]+", t)]
        decimals = [t for t in ticks if re.fullmatch(r"\d+[.,]\d+", t)]
        assert decimals and all(point in t for t in decimals), (lang, ticks)
    # the page's chart JSON carries the same labels, for the browser to draw
    page = fetch(dashboard.url + "/?lang=ru")[1].decode()
    block = re.search(r'<script type="application/json" id="chart-yoy">(.*?)</script>', page,
                      re.S)
    assert block is not None
    assert json.loads(block[1])["labels"][0] == "янв."


def test_hostile_names_stay_escaped_in_russian(dashboard: Dashboard) -> None:
    """Translated strings with placeholders are formatted after the values are escaped."""
    hostile = '<img src=x onerror="document.title=1">'
    status, body, _ = fetch(dashboard.url + "/courts?lang=ru&region=" + quote(hostile))
    page = body.decode()
    assert status == 200
    assert "<img src=x" not in page
    assert f"<h1>Суды: {escape(hostile)}</h1>" in page  # as Jinja escapes any value

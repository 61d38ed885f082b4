"""The simulator over real HTTP: pagination, filters, encoding, cards, control endpoints."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient

from services.simulator.corpus import Corpus
from services.simulator.model import CaseView

from .conftest import AS_OF
from .sudrf_read import read_list

# The fixtures live on the session loop (asyncio_default_fixture_loop_scope); so do the tests.
pytestmark = pytest.mark.asyncio(loop_scope="session")

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}
LIST = (
    "/{court}/modules.php?name=sud_delo&srv_num=1&name_op=r&delo_id=1540006&case_type=0"
    "&new=0&delo_table=u1_case"
)


def cp1251(value: str) -> str:
    return quote(value.encode("cp1251"), safe="")


async def fetch_all(client: TestClient, court: str, extra: str = "") -> list[str]:  # type: ignore[type-arg]
    """Every case_uid of a result list, following pages until the counter's last record."""
    uids: list[str] = []
    page = 1
    while True:
        resp = await client.get(LIST.format(court=court) + extra + f"&page={page}", headers=BROWSER)
        assert resp.status == 200
        html = (await resp.read()).decode("cp1251")
        if "Данных по запросу не обнаружено" in html:
            return uids
        listing = read_list(html)
        assert listing.first == (page - 1) * 25 + 1
        assert listing.last == listing.first + len(listing.rows) - 1
        uids += [r.case_uid for r in listing.rows]
        if listing.last >= listing.total:
            assert len(uids) == listing.total
            return uids
        page += 1


def expected(corpus: Corpus, court: str, pred: object = None) -> list[str]:
    views: list[CaseView] = corpus.visible(AS_OF)[court]
    return [v.case.case_uid for v in views if pred is None or pred(v)]  # type: ignore[operator]


async def test_pagination_lists_exactly_the_visible_docket(
    small_client: TestClient,  # type: ignore[type-arg]
    small_corpus: Corpus,
) -> None:
    for court in ("61GV0001", "25GV0004", "27GV0001"):
        got = await fetch_all(small_client, court)
        want = expected(small_corpus, court)
        assert got == want
        assert len(set(got)) == len(got)
    # Newest first: receipt dates never increase down the list.
    views = small_corpus.visible(AS_OF)["61GV0001"]
    dates = [v.case.receipt_date for v in views]
    assert dates == sorted(dates, reverse=True)


async def test_response_is_windows_1251(small_client: TestClient) -> None:  # type: ignore[type-arg]
    resp = await small_client.get(LIST.format(court="61GV0001"), headers=BROWSER)
    assert resp.headers["Content-Type"] == "text/html; charset=windows-1251"
    body = await resp.read()
    assert "Всего по запросу найдено — ".encode("cp1251") in body
    assert b"\x97" in body  # the em dash in cp1251
    assert b"charset=windows-1251" in body


async def test_article_filter_is_a_cp1251_substring_match(
    small_client: TestClient,  # type: ignore[type-arg]
    small_corpus: Corpus,
) -> None:
    def has(needle: str):  # type: ignore[no-untyped-def]
        return lambda v: any(
            needle in "; ".join(a.text for a in d.articles) for d in v.case.defendants
        )

    court = "25GV0004"
    for needle in ("337", "332", "338", "337 ч.5", "ст.332 ч.2.1", "30 ч.3"):
        extra = "&U1_DEFENDANT__LAW_ARTICLESS=" + cp1251(needle)
        got = await fetch_all(small_client, court, extra)
        assert got == expected(small_corpus, court, has(needle)), needle
    # SUDRFScraper's spelling: "+" for the space.
    got = await fetch_all(small_client, court, "&U1_DEFENDANT__LAW_ARTICLESS=337+%F7.5")
    assert got == expected(small_corpus, court, has("337 ч.5"))
    assert len(got) > 0


async def test_date_filters(small_client: TestClient, small_corpus: Corpus) -> None:  # type: ignore[type-arg]
    court = "61GV0001"
    lo, hi = date(2024, 7, 1), date(2024, 7, 31)
    got = await fetch_all(
        small_client, court, "&u1_case__ENTRY_DATE1D=01.07.2024&u1_case__ENTRY_DATE2D=31.07.2024"
    )
    assert got == expected(small_corpus, court, lambda v: lo <= v.case.receipt_date <= hi)
    got = await fetch_all(
        small_client, court, "&u1_case__RESULT_DATE1D=01.07.2024&u1_case__RESULT_DATE2D=31.07.2024"
    )
    want = expected(
        small_corpus,
        court,
        lambda v: v.decision_date is not None and lo <= v.decision_date <= hi,
    )
    assert got == want
    assert len(want) > 0


async def test_empty_result_and_bad_cartoteka(small_client: TestClient) -> None:  # type: ignore[type-arg]
    url = LIST.format(court="61GV0001") + "&U1_DEFENDANT__LAW_ARTICLESS=999.999"
    body = (await (await small_client.get(url, headers=BROWSER)).read()).decode("cp1251")
    assert "Данных по запросу не обнаружено" in body
    assert 'id="tablcont"' not in body
    url = LIST.format(court="61GV0001").replace("delo_id=1540006", "delo_id=1540005")
    body = (await (await small_client.get(url, headers=BROWSER)).read()).decode("cp1251")
    assert "Данных по запросу не обнаружено" in body


async def test_pager_links_and_card_links_resolve(
    small_client: TestClient,  # type: ignore[type-arg]
    small_corpus: Corpus,
) -> None:
    court = "61GV0001"
    html = (
        await (await small_client.get(LIST.format(court=court), headers=BROWSER)).read()
    ).decode("cp1251")
    listing = read_list(html)
    assert listing.page_links == [2, 3]
    n = len(small_corpus.visible(AS_OF)[court])
    assert listing.last_page == -(-n // 25)
    # The pager link is relative ("./modules.php"), so it stays under the court's prefix.
    start = html.index("<a href= ./modules.php?") + len("<a href= ./")
    href = html[start : html.index(">", start)]
    assert href.startswith(f"modules.php?name=sud_delo&srv_num=1&name_op=r&page=2&vnkod={court}&")
    page2 = read_list(
        (await (await small_client.get(f"/{court}/{href}", headers=BROWSER)).read()).decode(
            "cp1251"
        )
    )
    assert page2.first == 26
    # The card link is absolute ("/modules.php?…"): the host root finds the court by case_uid.
    row = listing.rows[0]
    resp = await small_client.get(row.href, headers=BROWSER)
    assert resp.status == 200
    card = (await resp.read()).decode("cp1251")
    assert f"ДЕЛО № {row.case_number}</div>" in card


async def test_card_tabs_and_footer(small_client: TestClient, small_corpus: Corpus) -> None:  # type: ignore[type-arg]
    views = small_corpus.visible(AS_OF)["61GV0001"]
    decided = next(v for v in views if v.decision_class == "verdict" and v.has_act)
    pending = next(v for v in views if v.decision_class is None)
    for view, tabs in (
        (decided, ["ДЕЛО", "ДВИЖЕНИЕ ДЕЛА", "ЛИЦА", "СУДЕБНЫЕ АКТЫ"]),
        (pending, ["ДЕЛО", "ДВИЖЕНИЕ ДЕЛА", "ЛИЦА"]),
    ):
        c = view.case
        url = (
            f"/61GV0001/modules.php?name=sud_delo&srv_num=1&name_op=case&case_id={c.case_id}"
            f"&case_uid={c.case_uid}&delo_id=1540006"
        )
        html = (await (await small_client.get(url, headers=BROWSER)).read()).decode("cp1251")
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(html)
        got_tabs = [li.text().replace("\xa0", "").strip() for li in tree.css("ul.tabs > li")]
        assert got_tabs[: len(tabs)] == tabs
        assert f"<td>{c.receipt_date.strftime('%d.%m.%Y')}</td>" in html
        assert 'class="outputArea publishInfo">опубликовано ' in html
        persons_th = [th.text() for th in tree.css("th") if th.text() == "ЛИЦА"]
        assert persons_th == ["ЛИЦА"]
        if view is decided:
            assert "<td>Вынесен ПРИГОВОР</td>" in html
            assert "Постановление приговора" in html
        else:
            assert "ПРИГОВОР" not in html


async def test_clock_and_truth_endpoints(small_client: TestClient, small_corpus: Corpus) -> None:  # type: ignore[type-arg]
    resp = await small_client.get("/_sim/clock")
    assert (await resp.json())["as_of"] == "2024-12-27"
    early = date(2023, 6, 30)
    resp = await small_client.post("/_sim/clock", json={"as_of": early.isoformat()})
    assert (await resp.json())["as_of"] == "2023-06-30"
    got = await fetch_all(small_client, "61GV0001")
    want = [v.case.case_uid for v in small_corpus.visible(early)["61GV0001"]]
    assert got == want
    assert all(small_corpus.by_uid[u].published_at <= early for u in got)
    truth = await (await small_client.get("/_sim/truth?as_of=2023-06-30")).json()
    assert truth["as_of"] == "2023-06-30"
    assert {c["case_uid"] for c in truth["cases"] if c["court"] == "61GV0001"} == set(want)
    health = await (await small_client.get("/_sim/health")).json()
    assert health["ok"] is True and health["as_of"] == "2023-06-30"


async def test_access_log_records_per_court_requests(small_client: TestClient) -> None:  # type: ignore[type-arg]
    for _ in range(3):
        await small_client.get(LIST.format(court="27GV0001"), headers=BROWSER)
    log = await (await small_client.get("/_sim/access_log?court=27GV0001")).json()
    assert len(log) == 3
    assert all(r["status"] == 200 and r["path_qs"].startswith("/27GV0001/") for r in log)
    times = [r["monotonic"] for r in log]
    assert times == sorted(times)


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example", "Content-Type": "text/plain"},
    {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty"},
    {"Host": "evil.example"},
], ids=["foreign-origin", "cross-site", "rebound-host"])
async def test_a_web_page_cannot_move_the_clock_but_court_pages_answer_anyone(
        small_client: TestClient, headers: dict[str, str]) -> None:  # type: ignore[type-arg]
    before = (await (await small_client.get("/_sim/clock")).json())["as_of"]
    resp = await small_client.post("/_sim/clock?as_of=2030-01-01", headers=headers)
    assert resp.status == 403
    resp = await small_client.get("/_sim/truth", headers=headers)
    assert resp.status == 403
    assert (await (await small_client.get("/_sim/clock")).json())["as_of"] == before
    # The stand-in court sites are public pages, as the real ones are.
    resp = await small_client.get(LIST.format(court="27GV0001"), headers={**BROWSER, **headers})
    assert resp.status == 200

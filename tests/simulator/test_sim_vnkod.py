"""The VNKOD interface of the courts the CSV marks with it."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from selectolax.lexbor import LexborHTMLParser

from services.simulator.corpus import Corpus, build_corpus
from services.simulator.courts import Court
from services.simulator.faults import FaultConfig

from .conftest import AS_OF, serve

pytestmark = pytest.mark.asyncio(loop_scope="session")

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}
VNKOD_LIST = (
    "/63GV0007/modules.php?name=sud_delo&srv_num=1&name_op=r&_page={page}&_deloId=1540006"
    "&case__case_type=0&_new=0&case__vnkod=&case__num_build=1&case__case_numberss="
    "&parts__namess=&case__entry_date1d=&case__entry_date2d=&process-type=1540006_0_0"
    "&case__judge=&case__result_date1d=&case__result_date2d=&case__result="
    "&parts__law_articless={art}"
)


@pytest.fixture(scope="module")
def vnkod_corpus(roster: list[Court]) -> Corpus:
    return build_corpus(seed=2, courts=[c for c in roster if c.vnkod == "63GV0007"], scale=0.01)


async def test_vnkod_list_and_card(vnkod_corpus: Corpus) -> None:
    client = await serve(vnkod_corpus, faults=FaultConfig(vnkod_interface=True))
    views = vnkod_corpus.visible(AS_OF)["63GV0007"]
    try:
        uids: list[str] = []
        page = 1
        while True:
            resp = await client.get(VNKOD_LIST.format(page=page, art="337"), headers=BROWSER)
            tree = LexborHTMLParser((await resp.read()).decode("cp1251"))
            count = tree.css_first(".lawcase-count")
            assert count is not None
            total = int(count.text().rsplit(" ", 1)[1])
            links = tree.css("#resultTable table.law-case-table tbody tr td:first-child a")
            uids += [dict(parse_qsl(a.attributes["href"].split("?", 1)[1]))["_uid"] for a in links]
            # Every row is repeated for mobile; a reader must de-duplicate.
            assert len(tree.css(".mobile-lawcase-item")) == len(links)
            if len(uids) >= total:
                break
            page += 1
        want = [
            v.case.case_uid
            for v in views
            if any("337" in a.text for d in v.case.defendants for a in d.articles)
        ]
        assert uids == want
        # The standard interface's parameters find nothing on a VNKOD court.
        resp = await client.get(
            "/63GV0007/modules.php?name=sud_delo&srv_num=1&name_op=r&delo_id=1540006"
            "&case_type=0&new=0&delo_table=u1_case",
            headers=BROWSER,
        )
        assert "Данных по запросу не обнаружено" in (await resp.read()).decode("cp1251")
        decided = next(v for v in views if v.decision_class == "verdict")
        href = (
            f"/modules.php?name=sud_delo&name_op=case&_id={decided.case.case_id}"
            f"&_uid={decided.case.case_uid}&_deloId=1540006&_caseType=0&_new=0&srv_num=1"
        )
        card = LexborHTMLParser(
            (await (await client.get(href, headers=BROWSER)).read()).decode("cp1251")
        )
        num = card.css_first(".case-num")
        assert num is not None and num.text() == f"ДЕЛО № {decided.case.case_number}"
        assert [li.text() for li in card.css("ul#case_bookmarks li")] == [
            "Дело", "Движение дела", "Лица",
        ]  # fmt: skip
        heads = [td.text() for td in card.css("#tab_content_EventList thead td")]
        assert heads == [
            "Наименование события", "Результат события",
            "Основания для выбранного результата события", "Дата события", "Время события",
            "Дата размещения",
        ]  # fmt: skip
        case_tab = card.css_first("#tab_content_Case")
        assert case_tab is not None and "Вынесен ПРИГОВОР" in case_tab.text()
    finally:
        await client.close()


async def test_vnkod_interface_is_off_by_default(vnkod_corpus: Corpus) -> None:
    client = await serve(vnkod_corpus)
    try:
        resp = await client.get(
            "/63GV0007/modules.php?name=sud_delo&srv_num=1&name_op=r&delo_id=1540006"
            "&case_type=0&new=0&delo_table=u1_case",
            headers=BROWSER,
        )
        body = (await resp.read()).decode("cp1251")
        n = len(vnkod_corpus.visible(AS_OF)["63GV0007"])
        assert f"Всего по запросу найдено — {n}." in body
    finally:
        await client.close()

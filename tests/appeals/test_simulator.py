"""The simulator's review courts over real HTTP: the appeal and cassation modules list
exactly the visible reviews, their cards parse to the appeals the truth exports, and the
review of a garrison court's verdict goes to its district court."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp.test_utils import TestClient

from docketwatch.contract import AppealResult, AppealSnapshot, PageKind
from docketwatch.sudrf import encode_query
from docketwatch.sudrf.parse import parse_page
from docketwatch.sudrf.query import review_card_params, review_list_params
from services.simulator.appeal_truth import appeal_truth
from services.simulator.corpus import Corpus, build_corpus
from services.simulator.courts import load_courts
from tests.simulator.conftest import serve

ASYNC = pytest.mark.asyncio(loop_scope="session")

AS_OF = date(2024, 12, 27)
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}
COURTS = ("54KV0000", "50AV0000", "25OV0000", "25GV0001", "25GV0002")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build_corpus(seed=3, courts=[c for c in load_courts() if c.vnkod in COURTS],
                        scale=0.03)


@pytest.fixture
async def client(corpus: Corpus) -> AsyncIterator[TestClient]:
    c = await serve(corpus, AS_OF)
    yield c
    await c.close()


async def _get(client: TestClient, court: str, query: list[tuple[str, str]]) -> bytes:
    resp = await client.get(f"/{court}/modules.php?{encode_query(query)}", headers=BROWSER)
    assert resp.status == 200
    return await resp.read()


@ASYNC
async def test_review_lists_and_cards(client: TestClient, corpus: Corpus) -> None:
    truth = appeal_truth(corpus, AS_OF)
    want = {(a["court"], a["appeal_number"]): a for a in truth["appeals"]}
    assert {a["court"] for a in want.values()} == {"25OV0000", "50AV0000", "54KV0000"}
    seen: dict[tuple[str, str], AppealSnapshot] = {}
    for court, module in (("25OV0000", "appeal"), ("50AV0000", "appeal"),
                          ("54KV0000", "cassation")):
        page = 1
        while True:
            parsed = parse_page(await _get(client, court, review_list_params(
                module, page=page, entry_from="01.01.2022", entry_to="27.12.2024")),
                PageKind.LIST, court)
            assert parsed.instance is not None and parsed.instance.value == module
            assert parsed.snapshots == ()  # never first-instance cases
            for row in parsed.appeals:
                card = parse_page(await _get(client, court, review_card_params(
                    module, row.case_id or "", row.case_uid or "")), PageKind.CARD, court,
                    case_uid=row.case_uid, case_id=row.case_id)
                (a,) = card.appeals
                seen[(court, a.appeal_number)] = a
            rl = parsed.result_list
            assert rl is not None and rl.total is not None
            if page * 25 >= rl.total:
                break
            page += 1
    assert set(seen) == set(want)
    for key, a in seen.items():
        t = want[key]
        assert a.result == (AppealResult(t["result"]) if t["result"] else None)
        assert (a.lower_court_code, a.lower_case_number) == (
            t["first_instance_court"], t["first_instance_number"])
        assert (a.judicial_uid is not None) == t["shows_uid"]
    # A garrison court's verdicts are reviewed by its district's court, an OV court's own
    # by the Appellate Military Court.
    assert all(t["first_instance_court"].startswith("25GV") for t in want.values()
               if t["court"] == "25OV0000")
    assert all(t["first_instance_court"] == "25OV0000" for t in want.values()
               if t["court"] == "50AV0000")


@ASYNC
async def test_another_cartoteka_finds_nothing(client: TestClient) -> None:
    # A garrison court holds no appeal module: the real site's silent empty answer.
    body = await _get(client, "25GV0001", review_list_params("appeal"))
    assert parse_page(body, PageKind.LIST, "25GV0001").result_list.total == 0  # type: ignore[union-attr]


def test_no_two_cases_share_a_judicial_uid_unless_one_came_back(corpus: Corpus) -> None:
    """Appeals link by УИД: only a case returned to the prosecutor and received again keeps
    its first entry's (seed 7 once gave two unrelated cases of 25GV0002 the same one)."""
    seven = build_corpus(seed=7, courts=load_courts()[:13], scale=0.02)
    for c in (corpus, seven):
        uids = [x.judicial_uid for x in c.cases if x.origin_kind != "re_received"]
        assert len(uids) == len(set(uids)) > 100

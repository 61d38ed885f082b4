"""Faults: off by default, each reproducible from the seed, each shaped like the real thing."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest
from aiohttp import ClientTimeout
from aiohttp.test_utils import TestClient

from services.simulator.corpus import Corpus
from services.simulator.faults import FAULT_KINDS, FaultConfig, FaultPlan

from .conftest import serve
from .sudrf_read import read_list

pytestmark = pytest.mark.asyncio(loop_scope="session")

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}
LIST = (
    "/{court}/modules.php?name=sud_delo&srv_num=1&name_op=r&delo_id=1540006&case_type=0"
    "&new=0&delo_table=u1_case"
)


async def get(client: TestClient, url: str, **kw: object) -> tuple[int, str, bytes]:  # type: ignore[type-arg]
    resp = await client.get(url, **kw)  # type: ignore[arg-type]
    return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


def only(kind: str, rate: float = 1.0, **kw: object) -> FaultConfig:
    return replace(FaultConfig(seed=7), **{kind: rate}, **kw)  # type: ignore[arg-type]


async def test_fault_draws_are_reproducible_and_retries_get_fresh_draws() -> None:
    cfg = FaultConfig.uniform(0.1, seed=5)
    a, b = FaultPlan(cfg), FaultPlan(cfg)
    urls = [f"61GV0001?page={i}" for i in range(300)] * 3
    seq_a = [a.draw(u, True) for u in urls]
    seq_b = [b.draw(u, True) for u in urls]
    assert seq_a == seq_b
    assert 0 < sum(x is not None for x in seq_a) < len(urls)
    # The same URL drawn again (a retry) is not doomed to the same fault.
    first, second = seq_a[:300], seq_a[300:600]
    assert first != second
    other = FaultPlan(FaultConfig.uniform(0.1, seed=6))
    assert [other.draw(u, True) for u in urls] != seq_a
    assert set(FAULT_KINDS) >= set(a.fired)


async def test_no_faults_by_default(small_corpus: Corpus) -> None:
    client = await serve(small_corpus)
    try:
        for page in range(1, 4):
            status, ctype, body = await get(
                client,
                LIST.format(court="61GV0001") + f"&page={page}",
                headers={"User-Agent": "curl/8"},
            )
            assert status == 200 and ctype == "text/html; charset=windows-1251"
            assert body.endswith(b"</body></html>\n")
    finally:
        await client.close()


async def test_each_fault_looks_like_the_real_failure(small_corpus: Corpus) -> None:
    url = LIST.format(court="61GV0001")
    n_visible = len(small_corpus.visible(__import__("datetime").date(2024, 12, 27))["61GV0001"])

    async def one(cfg: FaultConfig, **kw: object) -> tuple[int, str, bytes]:
        client = await serve(small_corpus, faults=cfg)
        try:
            return await get(client, url, headers=BROWSER, **kw)
        finally:
            await client.close()

    status, _, body = await one(only("http_5xx"))
    assert status in (500, 502, 503, 504)
    status, _, body = await one(only("site_down"))
    text = body.decode("cp1251")
    assert (status, "В настоящее время сайт временно недоступен" in text) == (503, True) or (
        status == 200 and "Информация временно недоступна. Приносим свои извинения" in text
    )
    status, _, body = await one(only("captcha"))
    text = body.decode("cp1251")
    assert (
        "Проверочный код" in text and "<input name='captcha'" in text and 'name="captchaid"' in text
    )
    _, _, body = await one(only("wrong_captcha"))
    assert "Неверно указан проверочный код с картинки." in body.decode("cp1251")
    _, _, body = await one(only("false_empty"))
    assert "Данных по запросу не обнаружено" in body.decode("cp1251")
    _, ctype, body = await one(only("wrong_charset"))
    assert ctype == "text/html; charset=utf-8"
    assert "Всего по запросу найдено".encode("cp1251") in body
    _, _, body = await one(only("truncated"))
    assert not body.endswith(b"</body></html>\n") and len(body) > 100
    _, _, body = await one(only("shifted_rows"))
    listing = read_list(body.decode("cp1251"))
    assert listing.total > n_visible  # the counter includes the slipped-in cases
    started = time.monotonic()
    _, _, body = await one(only("slow", slow_seconds=0.3))
    assert time.monotonic() - started >= 0.3
    cfg = only("timeout", timeout_seconds=5.0)
    client = await serve(small_corpus, faults=cfg)
    try:
        with pytest.raises(asyncio.TimeoutError):
            await client.get(url, headers=BROWSER, timeout=ClientTimeout(total=0.3))
    finally:
        await client.close()


async def test_shifted_rows_repeat_rows_across_pages(small_corpus: Corpus) -> None:
    clean = await serve(small_corpus)
    shifted = await serve(small_corpus, faults=only("shifted_rows"))
    try:
        _, _, p1 = await get(clean, LIST.format(court="61GV0001") + "&page=1", headers=BROWSER)
        _, _, p2 = await get(shifted, LIST.format(court="61GV0001") + "&page=2", headers=BROWSER)
        first = [r.case_uid for r in read_list(p1.decode("cp1251")).rows]
        second = [r.case_uid for r in read_list(p2.decode("cp1251")).rows]
        assert 1 <= len(set(first) & set(second)) <= 3
        assert second[0] in first[-3:]
    finally:
        await clean.close()
        await shifted.close()


async def test_waf_blocks_non_browser_user_agents(small_corpus: Corpus) -> None:
    client = await serve(small_corpus, faults=FaultConfig(waf_non_browser=True))
    try:
        status, _, body = await get(
            client, LIST.format(court="61GV0001"), headers={"User-Agent": "curl/8.5"}
        )
        assert status == 403
        assert "Данный запрос некорректен, просьба изменить параметры запроса (B)" in body.decode(
            "cp1251"
        )
        status, _, _ = await get(client, LIST.format(court="61GV0001"), headers=BROWSER)
        assert status == 200
    finally:
        await client.close()


async def test_captcha_gate_on_captcha_courts(small_corpus: Corpus) -> None:
    """27GV0001 is marked with a captcha: searches need a solved pair, cards do not."""
    client = await serve(small_corpus, faults=FaultConfig(captcha_gate=True))
    try:
        _, _, body = await get(client, LIST.format(court="27GV0001"), headers=BROWSER)
        text = body.decode("cp1251")
        assert "Проверочный код" in text and "Всего по запросу" not in text
        cid = text.split('name="captchaid" type="hidden" value="', 1)[1].split('"', 1)[0]
        _, _, body = await get(
            client,
            LIST.format(court="27GV0001") + f"&captcha=00000&captchaid={cid}",
            headers=BROWSER,
        )
        answer = (await (await client.get(f"/_sim/captcha?captchaid={cid}")).json())["answer"]
        if answer != "00000":
            assert "Неверно указан проверочный код с картинки." in body.decode("cp1251")
        _, _, body = await get(
            client,
            LIST.format(court="27GV0001") + f"&captcha={answer}&captchaid={cid}",
            headers=BROWSER,
        )
        assert "Всего по запросу найдено" in body.decode("cp1251")
        # A court without the flag is not gated.
        _, _, body = await get(client, LIST.format(court="61GV0001"), headers=BROWSER)
        assert "Всего по запросу найдено" in body.decode("cp1251")
    finally:
        await client.close()

"""The Appeals page and API, and a case's chain first instance → appeal → cassation with
the provenance of every step, on the dashboard's pipeline (courts 54KV0000, 50AV0000,
25OV0000, 27OV0000: the OV courts' verdicts are appealed to 50AV0000, some then go to
54KV0000). Hostile text from a review card is escaped."""

from __future__ import annotations

import asyncio
import html
from datetime import UTC, date, datetime
from urllib.parse import quote

import pytest

from docketwatch.contract import (
    TOPIC_APPEAL_EVENTS,
    AppealInstance,
    AppealResult,
    AppealSnapshot,
    SourceRef,
    appeal_events,
)
from launcher.stack import wait_until
from tests.dashboard.conftest import Dashboard
from tests.dashboard.kafka_util import publish

pytestmark = pytest.mark.integration


def _appeals_in(dashboard: Dashboard) -> int:
    return int(dashboard.sql("SELECT count() FROM appeals")[0][0])


def test_the_api_answers_what_the_store_answers(dashboard: Dashboard) -> None:
    wait_until(lambda: _appeals_in(dashboard) > 0, timeout=120, what="appeals stored")
    payload = dashboard.api("/appeals")
    for part in ("results", "share", "changes", "delays"):
        listing = payload[part]
        assert [list(r.values()) for r in listing["data"]] == dashboard.sql(
            listing["sql"], listing["params"]), part
    assert payload["results"]["data"] and payload["share"]["data"]
    status, page, _ = dashboard.get("/appeals")
    assert status == 200
    first = payload["share"]["data"][0]
    assert f"<td>{first['month']}</td>" in page


def test_a_case_page_chain_shows_each_step_with_its_page(dashboard: Dashboard) -> None:
    wait_until(lambda: _appeals_in(dashboard) > 0, timeout=120, what="appeals stored")
    (key,) = dashboard.sql("SELECT case_key FROM appeal_chain GROUP BY case_key "
                           "HAVING has(groupArray(instance), 'cassation') LIMIT 1")[0]
    data = dashboard.api(f"/appeals/{quote(key, safe='')}")["data"]
    assert [s["instance"] for s in data] == ["first", "appeal", "cassation"]
    assert all(len(s["source_sha256"]) == 64 and s["source_url"].startswith("http")
               for s in data)
    assert data[1]["link_method"] in ("uid", "court_number")
    for path in (f"/appeals/{quote(key, safe='')}", f"/cases/{quote(key, safe='')}"):
        status, page, _ = dashboard.get(path + "?lang=en")
        assert status == 200
        assert "First instance → appeal → cassation" in page, path
        for s in data:
            assert html.escape(s["source_url"]) in page and s["source_sha256"] in page, path
            assert f"<td>{html.escape(s['case_number'])}</td>" in page, path


def test_hostile_review_text_is_escaped(dashboard: Dashboard) -> None:
    (key, court, number) = dashboard.sql(
        "SELECT case_key, court_code, case_number FROM cases "
        "WHERE decision_class = 'verdict' ORDER BY case_key LIMIT 1")[0]
    evil = '<script>alert("x")</script>'
    snap = AppealSnapshot(court_code="50AV0000", instance=AppealInstance.APPEAL,
                          appeal_number=f"22-{evil}/2024", case_uid="hostile-1",
                          lower_court_code=court, lower_case_number=number,
                          receipt_date=date(2024, 6, 1), decision_date=date(2024, 7, 1),
                          result=AppealResult.UPHELD)
    now = datetime.now(UTC)
    src = SourceRef(page_id="h" * 64, url=f"javascript:alert(1)//{evil}", sha256="0" * 64,
                    fetched_at=now)
    records = [(e.appeal_key.encode(), e.to_bytes())
               for e in appeal_events(snap, now, "test-hostile", src)]
    asyncio.run(publish(dashboard.stack.bootstrap, TOPIC_APPEAL_EVENTS, records))
    wait_until(lambda: dashboard.sql("SELECT count() FROM appeals WHERE case_uid = "
                                     "'hostile-1'")[0][0] == 1, timeout=120,
               what="hostile appeal stored")
    status, page, _ = dashboard.get(f"/appeals/{quote(key, safe='')}")
    assert status == 200
    assert evil not in page
    assert "<td>22-&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;/2024</td>" in page
    assert 'href="javascript:' not in page

"""The walking skeleton end to end: simulator → fetcher → Kafka → parser → Kafka →
aggregator → ClickHouse, each a separate process on the real broker; the monthly counts in
ClickHouse must equal the simulator's truth exactly."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter

import pytest

from launcher.stack import Stack, wait_until

pytestmark = pytest.mark.integration


def test_every_case_of_the_truth_is_in_clickhouse(pipeline: Stack) -> None:
    truth = pipeline.truth()
    want = {(c["court"], c["case_number"]) for c in truth["cases"]}
    got = {(court, number) for court, number in pipeline.sql(
        "SELECT court_code, case_number FROM case_state FINAL")}
    assert len(want) > 100  # the corpus is not trivially small
    assert got == want


def test_monthly_received_by_article_equals_truth(pipeline: Stack) -> None:
    truth = pipeline.truth()
    want = Counter()
    for row in truth["monthly_received"]:
        want[(row["month"], row["article"], row["court"])] += int(row["cases"])
    rows = pipeline.sql(
        "SELECT formatDateTime(month, '%Y-%m'), article, court_code, sum(cases) "
        "FROM monthly_received GROUP BY 1, 2, 3")
    got = Counter({(m, a, c): int(n) for m, a, c, n in rows})
    assert sum(want.values()) > 100
    assert got == want


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:
        assert resp.status == 200
        return str(resp.read().decode())


def _metric(text: str, name: str) -> float:
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(name) and not line.startswith("#")]
    return sum(values)


def test_services_report_health_metrics_and_zero_lag(pipeline: Stack) -> None:
    for name in ("parser", "aggregator"):
        health = json.loads(_get(f"http://127.0.0.1:{pipeline.ops_ports[name]}/health"))
        assert health["status"] == "ok"
    parser_metrics = _get(f"http://127.0.0.1:{pipeline.ops_ports['parser']}/metrics")
    raw_pages = pipeline.sql("SELECT count() FROM page_sources")[0][0]
    assert _metric(parser_metrics, "docketwatch_parser_pages_total") >= raw_pages > 0
    assert _metric(parser_metrics, "docketwatch_parser_dead_letters_total") == 0
    agg = f"http://127.0.0.1:{pipeline.ops_ports['aggregator']}/metrics"
    events = pipeline.sql("SELECT count() FROM case_events")[0][0]
    assert _metric(_get(agg), "docketwatch_aggregator_events_written_total") >= events > 0
    # The lag gauge is refreshed every 15 s, so it may still show the backlog of before the
    # drain; its next reading must be 0 for both groups.
    def lag_gauge_zero() -> bool:
        text = _get(agg)
        return ('docketwatch_consumer_lag{group="docketwatch-parser"' in text
                and _metric(text, "docketwatch_consumer_lag") == 0)

    wait_until(lag_gauge_zero, timeout=60, what="lag gauge at 0")


def test_every_page_is_traceable_and_nothing_was_dead_lettered(pipeline: Stack) -> None:
    untraced = pipeline.sql(
        "SELECT count() FROM case_state FINAL WHERE source_page_id = '' OR source_url = ''")
    assert untraced == [[0]]
    assert pipeline.sql("SELECT count() FROM dead_letters FINAL") == [[0]]

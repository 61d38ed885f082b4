"""The walking skeleton end to end: simulator → fetcher → Kafka → parser → Kafka →
aggregator → ClickHouse, each a separate process on the real broker; the monthly counts in
ClickHouse must equal the simulator's truth exactly."""

from __future__ import annotations

from collections import Counter

import pytest

from docketwatch.demo import drained
from docketwatch.stack import Stack, wait_until

pytestmark = pytest.mark.integration

AS_OF = "2024-12-27"


@pytest.fixture(scope="module")
def pipeline(stack: Stack) -> Stack:
    stack.start_simulator(seed=7, as_of=AS_OF, scale=0.02, courts_limit=4)
    stack.start_service("parser")
    stack.start_service("aggregator")
    stack.start_service("fetcher", {"DW_FETCH_END": AS_OF, "DW_FETCH_MODE": "once",
                                    "DW_HOST_RATE_PER_S": "1000"})
    assert stack.wait_exit("fetcher", timeout=600) == 0, stack.log_path("fetcher").read_text()
    wait_until(lambda: drained(stack), timeout=300, interval=1.0, what="pipeline drained")
    return stack


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

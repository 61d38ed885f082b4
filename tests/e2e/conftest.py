"""The end-to-end pipeline of a test module: the court simulator, the parser and the
aggregator as their own processes on the module's broker (``stack``), after one full crawl,
drained. A module that needs another docket overrides the ``corpus`` fixture."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from launcher.demo import drained
from launcher.stack import Stack, wait_until

AS_OF = "2024-12-27"


@dataclass(frozen=True)
class Corpus:
    """The simulated docket: ``docketwatch simulator serve`` arguments."""

    seed: int = 7
    as_of: str = AS_OF
    scale: float = 0.02
    courts_limit: int = 4


def crawl(stack: Stack, end: str, extra: dict[str, str] | None = None) -> None:
    """One fetcher pass over every court up to ``end``, then wait until every page is parsed
    and every event is in ClickHouse."""
    stack.start_service("fetcher", {"DW_FETCH_END": end, "DW_FETCH_MODE": "once",
                                    "DW_HOST_RATE_PER_S": "1000", **(extra or {})})
    assert stack.wait_exit("fetcher", timeout=600) == 0, stack.log_path("fetcher").read_text()
    wait_until(lambda: drained(stack), timeout=300, interval=0.5, what="pipeline drained")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus()


@pytest.fixture(scope="module")
def pipeline(stack: Stack, corpus: Corpus) -> Stack:
    """The module's stack with ``corpus`` crawled once and drained."""
    stack.start_simulator(seed=corpus.seed, as_of=corpus.as_of, scale=corpus.scale,
                          courts_limit=corpus.courts_limit)
    stack.start_service("parser")
    stack.start_service("aggregator")
    crawl(stack, corpus.as_of)
    return stack

"""Shared fixtures: a small corpus on three garrison courts, and the app served over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp.test_utils import TestClient, TestServer

from services.simulator.app import make_app
from services.simulator.clock import SimClock
from services.simulator.corpus import Corpus, build_corpus
from services.simulator.courts import Court, load_courts
from services.simulator.faults import FaultConfig

AS_OF = date(2024, 12, 27)
# A big frontline court, a remote one (332 heavy) and a captcha court.
SMALL_COURTS = ("61GV0001", "25GV0004", "27GV0001")


@pytest.fixture(scope="session")
def roster() -> list[Court]:
    return load_courts()


@pytest.fixture(scope="session")
def small_courts(roster: list[Court]) -> list[Court]:
    return [c for c in roster if c.vnkod in SMALL_COURTS]


@pytest.fixture(scope="session")
def small_corpus(small_courts: list[Court]) -> Corpus:
    return build_corpus(seed=7, courts=small_courts, scale=0.01)


@pytest.fixture(scope="session")
def full_corpus() -> Corpus:
    return build_corpus()


async def serve(
    corpus: Corpus, as_of: date = AS_OF, faults: FaultConfig | None = None
) -> TestClient:  # type: ignore[type-arg]
    client: TestClient = TestClient(TestServer(make_app(corpus, SimClock(as_of), faults)))  # type: ignore[type-arg]
    await client.start_server()
    return client


@pytest.fixture
async def small_client(small_corpus: Corpus) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    client = await serve(small_corpus)
    yield client
    await client.close()

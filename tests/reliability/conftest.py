"""The reliability suite: kill -9 of each component mid-stream, then exact counts.

Each module runs the pipeline on its own broker (the ``stack`` fixture of tests/conftest.py)
and compares the result with the simulator's truth and with a clean run of the same corpus
(``baseline``, once per session on a broker of its own).
"""

from __future__ import annotations

import pytest

from launcher.trials import CI_CORPUS, Baseline, make_baseline


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """Event ids and topic sizes of a clean run (no fault) of the CI corpus."""
    b = make_baseline(tmp_path_factory.mktemp("baseline"), CI_CORPUS)
    assert len(b.event_ids) > 500 and b.raw_pages > 100
    return b

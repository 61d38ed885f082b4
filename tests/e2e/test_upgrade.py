"""An upgrade keeps the data (issue 18, item 2): a monitor run by an earlier release of
docketwatch is stopped, the code is replaced by this checkout (three store migrations, the
aggregator's new consumer loop and ops group, the parse processes), and started again on
the same broker, store and fetcher state. The earlier release's code really runs: it is
taken from this repository's history (``git archive``) and its services are started from
that tree.

After the upgrade and a pass over the cases the courts published meanwhile, the store
equals the simulator's truth (every case and every published view: nothing lost, nothing
counted twice), and the store's schema is this checkout's."""

from __future__ import annotations

import subprocess
import tarfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from docketwatch.settings import REPO_ROOT
from docketwatch.store.migrations import load_migrations
from launcher.demo import drained
from launcher.stack import Stack, wait_until
from launcher.verify import verify

pytestmark = pytest.mark.integration

# The release before migrations 0022-0024, before the aggregator's one consumer loop (its
# ops topics read by a faust agent then, by the `<group>-ops` group now) and before pages
# were parsed in child processes.
EARLIER = "aae638fef3933d00602463d665191568077dfc7c"
BEFORE, AFTER = "2024-06-30", "2024-12-27"
FETCH = {"DW_FETCH_MODE": "once", "DW_HOST_RATE_PER_S": "0"}
# After the upgrade, every window is asked again: a case published meanwhile may belong to
# a month the earlier pass finished (the re-sweep age counts wall time, not the clock's).
RESWEEP = {"DW_RECENT_DAYS": "4000", "DW_DECISION_DAYS": "4000"}


def earlier_release(into: Path) -> Path:
    """This repository's tree at EARLIER, unpacked (fails if the history lacks it)."""
    archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", "--format=tar", EARLIER],
                             capture_output=True, check=False)
    assert archive.returncode == 0, (
        f"git archive {EARLIER} failed (a shallow clone? this test needs the history): "
        f"{archive.stderr.decode(errors='replace')}")
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def one_pass(stack: Stack, end: str, code: Path, extra: dict[str, str] | None = None) -> None:
    stack.start_service("fetcher", {**FETCH, "DW_FETCH_END": end, **(extra or {})}, code)
    assert stack.wait_exit("fetcher", timeout=900) == 0, \
        stack.log_path("fetcher").read_text()[-3000:]
    wait_until(lambda: drained(stack), timeout=600, interval=1.0, what="pipeline drained")


@pytest.fixture(scope="module")
def upgraded(stack: Stack, tmp_path_factory: pytest.TempPathFactory,
             ) -> Iterator[tuple[Stack, dict[str, Any], dict[str, Any]]]:
    old = earlier_release(tmp_path_factory.mktemp("earlier-release"))
    stack.start_simulator(seed=11, as_of=BEFORE, scale=0.03, courts_limit=5)
    stack.sim("/_sim/clock", {"as_of": BEFORE, "live": False})
    # The earlier release, as it ran until today.
    stack.start_service("parser", code=old)
    stack.start_service("aggregator", code=old)
    one_pass(stack, BEFORE, old)
    before: dict[str, Any] = {
        "store": stack.sql("SELECT count() FROM cases FINAL")[0][0],
        "truth": len(stack.sim(f"/_sim/truth?as_of={BEFORE}")["cases"]),
        "schema": stack.sql("SELECT max(version) FROM schema_migrations FINAL")[0][0]}
    # Stop (gracefully, as `docketwatch down` does), replace the code, start again; the
    # courts publish more meanwhile.
    stack.stop("aggregator")
    stack.stop("parser")
    stack.sim("/_sim/clock", {"as_of": AFTER, "live": False})
    stack.start_service("parser")
    stack.start_service("aggregator")
    one_pass(stack, AFTER, REPO_ROOT, RESWEEP)
    yield stack, before, stack.sim(f"/_sim/truth?as_of={AFTER}")


def test_the_earlier_release_counted_its_share(
        upgraded: tuple[Stack, dict[str, Any], dict[str, Any]]) -> None:
    _, before, truth = upgraded
    assert before["store"] == before["truth"] > 0
    assert before["schema"] == 21  # the earlier release's own store, not this checkout's
    assert len(truth["cases"]) > before["truth"], "the courts published nothing meanwhile"


def test_after_the_upgrade_the_store_equals_the_truth(
        upgraded: tuple[Stack, dict[str, Any], dict[str, Any]]) -> None:
    stack, _, truth = upgraded
    result = verify(stack.sql, truth)
    assert result.exact, (result.lost, result.wrong, result.extra, result.examples,
                          {k: v for k, v in result.views.items() if v.lost or v.extra},
                          result.published)
    assert result.store_cases == result.truth_cases == len(truth["cases"])


def test_the_schema_is_this_checkouts(
        upgraded: tuple[Stack, dict[str, Any], dict[str, Any]]) -> None:
    stack, _, _ = upgraded
    applied = [int(v) for (v,) in stack.sql(
        "SELECT version FROM schema_migrations FINAL ORDER BY version")]
    assert applied == [m.version for m in load_migrations()]

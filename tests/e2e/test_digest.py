"""The weekly digest of simulated weeks equals the simulator's truth of those weeks: the
pipeline (simulator → fetcher → parser → aggregator, each its own process) crawls the
simulated docket once, then the digest read from the store, and printed by
``docketwatch digest``, is compared with what the truth's weekly counts and the digest's
definitions (docs/counting.md) give, worked out here on their own."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from docketwatch.digest_text import render_text
from docketwatch.store.definitions import (
    DIGEST_SILENT_MIN_USUAL,
    DIGEST_STOOD_OUT_MIN,
    DIGEST_STOOD_OUT_RATIO,
    DIGEST_USUAL_WEEKS,
)
from docketwatch.store.digest import Digest, read_digest
from launcher.cli import app
from launcher.stack import Stack

pytestmark = pytest.mark.integration


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def expected(truth: dict[str, Any], week: str) -> dict[str, Any]:
    """The digest's figures from the truth, by the definitions (docs/counting.md): the
    median of the weeks before (0 for a week without cases); stood out = received >= the
    minimum and >= the ratio x usual; silent = none received, usual >= the minimum."""
    monday = date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    before = [_week(monday - timedelta(weeks=i)) for i in range(DIGEST_USUAL_WEEKS, 0, -1)]
    nat = {r["week"]: r for r in truth["weekly_refusal"]["national"]}
    court: dict[str, Counter[str]] = {}
    for r in truth["weekly_refusal"]["by_court"]:
        court.setdefault(r["court"], Counter())[r["week"]] = r["received"]

    def median(values: list[int]) -> float:
        return float(statistics.median(values))

    stood, silent = [], []
    for code, counts in sorted(court.items()):
        usual = median([counts[w] for w in before])
        n = counts[week]
        if n >= DIGEST_STOOD_OUT_MIN and n >= DIGEST_STOOD_OUT_RATIO * usual:
            stood.append((code, n, usual))
        elif n == 0 and usual >= DIGEST_SILENT_MIN_USUAL:
            silent.append((code, n, usual))
    return {
        "received": nat.get(week, {}).get("received", 0),
        "received_usual": median([nat.get(w, {}).get("received", 0) for w in before]),
        "verdicts": nat.get(week, {}).get("verdicts", 0),
        "verdicts_usual": median([nat.get(w, {}).get("verdicts", 0) for w in before]),
        "stood_out": sorted(stood), "silent": sorted(silent)}


def got(d: Digest) -> dict[str, Any]:
    return {"received": d.received, "received_usual": d.received_usual,
            "verdicts": d.verdicts, "verdicts_usual": d.verdicts_usual,
            "stood_out": sorted((c.court_code, c.received, c.usual) for c in d.stood_out),
            "silent": sorted((c.court_code, c.received, c.usual)
                             for c in [*d.silent, *d.unreachable])}


def test_the_digest_of_simulated_weeks_equals_their_truth(pipeline: Stack) -> None:
    truth = pipeline.truth()
    weeks = sorted(r["week"] for r in truth["weekly_refusal"]["national"])
    in_2024 = [w for w in weeks if w.startswith("2024-")]
    standing = [w for w in in_2024 if expected(truth, w)["stood_out"]]
    quiet = [w for w in in_2024 if expected(truth, w)["silent"]]
    # The simulated docket has weeks of each kind, so the comparison is not of empty lists.
    assert standing and quiet
    checked = sorted({"2024-W30", standing[0], standing[-1], quiet[0], quiet[-1]})
    assert expected(truth, "2024-W30")["received"] > 0
    health = dict(pipeline.sql("SELECT court_code, argMax(state, checked_at) "
                               "FROM court_health GROUP BY court_code"))
    assert set(health.values()) == {"ok"} and set(health) == set(truth["courts"])
    for week in checked:
        d = read_digest(pipeline.reader.rows, week)
        assert got(d) == expected(truth, week), week
        assert d.unreachable == []  # every site was fetched fine: a silent court is silent
        assert d.docket_date == date.fromisoformat(truth["docket_date"])
        assert d.alerts == []  # no alerts service in this pipeline


def test_docketwatch_digest_prints_the_same_digest(pipeline: Stack) -> None:
    env = {"DW_CLICKHOUSE_URL": pipeline.clickhouse_url}
    runner = CliRunner()
    result = runner.invoke(app, ["digest", "--week", "2024-W30", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    d = read_digest(pipeline.reader.rows, "2024-W30")
    assert Digest.model_validate(json.loads(result.stdout)) == d
    text = runner.invoke(app, ["digest", "--week", "2024-W30"], env=env)
    assert text.exit_code == 0 and text.stdout == render_text(d)
    want = expected(pipeline.truth(), "2024-W30")
    assert f"Refusal cases received: {want['received']} (usual week: " in text.stdout
    bad = runner.invoke(app, ["digest", "--week", "2024-30"], env=env)
    assert bad.exit_code == 2 and "not an ISO week like 2024-W30" in bad.stderr

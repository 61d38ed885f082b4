"""The CLI as users run it, and the live clock."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

from services.simulator.clock import SimClock

ROOT = Path(__file__).resolve().parents[2]


def wait_for_line(proc: subprocess.Popen[str], prefix: str, deadline_s: float) -> str:
    deadline = time.monotonic() + deadline_s
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line.strip()
        if not line and proc.poll() is not None:
            raise AssertionError(f"simulator exited with {proc.returncode}")
    raise AssertionError("simulator did not start in time")


def test_serve_writes_courts_and_truth_and_answers(tmp_path: Path) -> None:
    courts_csv = tmp_path / "courts.csv"
    truth_json = tmp_path / "truth.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "services.simulator",
            "serve",
            "--port",
            "0",
            "--seed",
            "1",
            "--as-of",
            "2024-12-27",
            "--scale",
            "0.02",
            "--courts-limit",
            "14",
            "--write-courts",
            str(courts_csv),
            "--write-truth",
            str(truth_json),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = wait_for_line(proc, "simulator listening on http://127.0.0.1:", 60)
        base = line.rsplit(" ", 1)[1]
        with courts_csv.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == 14
        assert rows[0]["vnkod"] == "54KV0000"
        assert all(r["base_url"] == f"{base}/{r['vnkod']}" for r in rows)
        truth = json.loads(truth_json.read_text(encoding="utf-8"))
        assert truth["as_of"] == "2024-12-27"
        with urllib.request.urlopen(f"{base}/_sim/health", timeout=10) as resp:
            health = json.load(resp)
        assert health["courts"] == 14 and health["cases"] > 0
        gv = next(r for r in rows if r["type"] == "GV")
        url = (
            f"{gv['base_url']}/modules.php?name=sud_delo&srv_num=1&name_op=r&delo_id=1540006"
            "&case_type=0&new=0&delo_table=u1_case"
        )
        req = urllib.request.Request(url, headers={"User-Agent": "Mozilla/5.0"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read().decode("cp1251")
        n_visible = sum(1 for c in truth["cases"] if c["court"] == gv["vnkod"])
        assert f"Всего по запросу найдено — {n_visible}." in body
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert proc.returncode == 0


def test_truth_command(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.simulator",
            "truth",
            "--seed",
            "1",
            "--as-of",
            "2024-06-30",
            "--scale",
            "0.01",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "wrote truth as of 2024-06-30" in done.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["as_of"] == "2024-06-30"


def test_live_clock_advances_at_the_chosen_speed() -> None:
    now = [100.0]
    clock = SimClock(date(2024, 7, 1), seconds_per_day=2.0, monotonic=lambda: now[0])
    assert clock.today() == date(2024, 7, 1)
    now[0] += 1.9
    assert clock.today() == date(2024, 7, 1)
    now[0] += 0.1
    assert clock.today() == date(2024, 7, 2)
    now[0] += 20
    assert clock.today() == date(2024, 7, 12)
    clock.set(date(2024, 1, 1))
    assert clock.today() == date(2024, 1, 1) and clock.live
    clock.set(date(2024, 2, 1), None, keep_speed=False)
    now[0] += 1000
    assert clock.today() == date(2024, 2, 1) and not clock.live

"""Headless Chromium (Debian's ``chromium`` package), started by the tests."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--mute-audio"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("headless Chromium is required: apt-get install -y chromium")


def run(url: str, *extra: str, timeout: float = 90) -> str:
    """Load ``url``, let scripts run (virtual time), return stdout (e.g. --dump-dom)."""
    with tempfile.TemporaryDirectory(prefix="dw-chromium-") as profile:
        out = subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=10000",
             *extra, url],
            capture_output=True, text=True, timeout=timeout, check=False)
    if out.returncode != 0:
        raise AssertionError(f"chromium exited {out.returncode}: {out.stderr[-2000:]}")
    return out.stdout


def dump_dom(url: str) -> str:
    return run(url, "--dump-dom")


def screenshot(url: str, path: Path, width: int = 1400, height: int = 2300) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    run(url, f"--window-size={width},{height}", f"--screenshot={path}")
    assert path.is_file(), "chromium wrote no screenshot"

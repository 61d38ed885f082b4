"""The house's floors hold: import-linter's contracts in pyproject.toml (the docketwatch
library imports no service, services never import each other, the launcher is the only
place that names services, benchmarks import no test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from docketwatch.settings import REPO_ROOT


def test_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--config", str(REPO_ROOT / "pyproject.toml")],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "3 kept, 0 broken" in out.stdout, out.stdout[-2000:]

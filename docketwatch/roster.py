"""The 111 military courts of the sudrf.ru platform: the one roster every part reads.

``data/military_courts.csv`` is a copy of ../shared/fixtures/sudrf/military_courts.csv
(directory of Nov 2023; tests/aggregator/test_reference.py checks it against the
original's sha256). A court's
site is ``https://<domain_dataout_2023_11>``; a roster of one's own (a subset, the
simulator's, a proxy column) adds a ``base_url`` column instead.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ROSTER = Path(str(resources.files("docketwatch") / "data" / "military_courts.csv"))


def base_url(row: dict[str, str]) -> str:
    """Where a roster row's court answers: its ``base_url``, else its 2023 domain."""
    given = (row.get("base_url") or "").strip().rstrip("/")
    if given:
        return given
    domain = (row.get("domain_dataout_2023_11") or "").strip()
    return f"https://{domain}" if domain else ""

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


# How appeal cards name a first-instance court: «Ярославский ГВС» for «Ярославский
# гарнизонный военный суд» (the real 2ЗОВС card, FORMAT.md §4). The same abbreviation for
# district and fleet courts is an assumption [I]; full names resolve too.
_SHORT_FORMS: tuple[tuple[str, str], ...] = (
    ("гарнизонный военный суд", "гвс"),
    ("окружной военный суд", "овс"),
    ("флотский военный суд", "фвс"),
)


def _fold(name: str) -> str:
    """Case, ё, quotes and spacing do not tell two court names apart."""
    text = name.casefold().replace("ё", "е").replace("«", "").replace("»", "").replace('"', "")
    return " ".join(text.split())


def court_names(path: Path = ROSTER) -> dict[str, str]:
    """Folded full and short name → vnkod, for every court of the roster."""
    import csv

    out: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            full = _fold(row["court_name"])
            out[full] = row["vnkod"]
            for long, short in _SHORT_FORMS:
                if full.endswith(long):
                    out[full[: -len(long)] + short] = row["vnkod"]
    return out


_NAMES: dict[str, str] | None = None


def resolve_court(name: str | None) -> str | None:
    """The vnkod of a court named as a card names it (short or full name), or None when the
    roster has no such court (never a guess: an unresolved appeal links by УИД or not at
    all)."""
    global _NAMES
    if not name:
        return None
    if _NAMES is None:
        _NAMES = court_names()
    return _NAMES.get(_fold(name))


def short_name(court_name: str) -> str:
    """The short form a card shows for a court: «Ярославский ГВС»."""
    for long, short in _SHORT_FORMS:
        if court_name.casefold().endswith(long):
            return court_name[: -len(long)] + short.upper()
    return court_name

"""The military-court roster the simulator serves: the one roster (docketwatch.roster)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from docketwatch.roster import ROSTER

Interface = Literal["standard", "vnkod"]

CSV_COLUMNS: tuple[str, ...] = (
    "vnkod",
    "type",
    "court_name",
    "seat_subject",
    "seat_region_code",
    "domain_dataout_2023_11",
    "domain_sudrfscraper_2023_06",
    "srv_num",
    "sudrfscraper_search_pattern",
    "sudrfscraper_hasCaptcha",
    "sudrfscraper_issue",
)


@dataclass(frozen=True, slots=True)
class Court:
    vnkod: str
    type: str  # GV garrison, OV district/fleet, AV appellate, KV cassation
    name: str
    seat_subject: str
    seat_region_code: str
    domain: str
    srv_num: int
    interface: Interface
    captcha: bool
    issue: str = ""
    # The CSV row as read, so --write-courts can echo every column unchanged.
    row: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def first_instance(self) -> bool:
        """Only garrison and district courts hold a first-instance criminal docket."""
        return self.type in ("GV", "OV")


def default_courts_path() -> Path:
    return ROSTER


def load_courts(path: str | Path | None = None) -> list[Court]:
    """Courts in CSV order.

    The VNKOD interface and captcha flags come from SUDRFScraper's 2023 survey.
    """
    source = Path(path) if path is not None else default_courts_path()
    courts: list[Court] = []
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pattern = row.get("sudrfscraper_search_pattern", "")
            courts.append(
                Court(
                    vnkod=row["vnkod"],
                    type=row["type"],
                    name=row["court_name"],
                    seat_subject=row.get("seat_subject", ""),
                    seat_region_code=row.get("seat_region_code", ""),
                    domain=row.get("domain_dataout_2023_11", ""),
                    srv_num=int(row.get("srv_num") or 1),
                    interface="vnkod" if pattern == "VNKOD_PATTERN" else "standard",
                    captcha=row.get("sudrfscraper_hasCaptcha", "") == "True",
                    issue=row.get("sudrfscraper_issue", ""),
                    row=dict(row),
                )
            )
    return courts


def write_courts_csv(courts: list[Court], path: str | Path, base_url: str) -> None:
    """The roster with a base_url column pointing each court at this simulator."""
    root = base_url.rstrip("/")
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*CSV_COLUMNS, "base_url"])
        writer.writeheader()
        for court in courts:
            row = {col: court.row.get(col, "") for col in CSV_COLUMNS}
            row["base_url"] = f"{root}/{court.vnkod}"
            writer.writerow(row)

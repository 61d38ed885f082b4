"""Reference rows: military courts, article names and groups, the working calendar.

``seed_reference`` (called by ``migrate``) loads them idempotently: a table is rewritten
only when its content differs from what this build would load, and the tables are
ReplacingMergeTree(loaded_at) read with FINAL, so a re-load replaces rather than adds.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clickhouse_connect.driver.client import Client

from docketwatch.categories import article_group
from docketwatch.roster import ROSTER
from docketwatch.work_calendar import calendar_days

# Chapter 33 of the Criminal Code (names as in the code; 336 is repealed but still named
# so old cases resolve).
ARTICLE_NAMES: dict[str, str] = {
    "331": "Понятие преступлений против военной службы",
    "332": "Неисполнение приказа",
    "333": "Сопротивление начальнику или принуждение его к нарушению обязанностей военной службы",
    "334": "Насильственные действия в отношении начальника",
    "335": "Нарушение уставных правил взаимоотношений между военнослужащими при отсутствии "
    "между ними отношений подчиненности",
    "336": "Оскорбление военнослужащего",
    "337": "Самовольное оставление части или места службы",
    "338": "Дезертирство",
    "339": "Уклонение от исполнения обязанностей военной службы путем симуляции болезни или "
    "иными способами",
    "340": "Нарушение правил несения боевого дежурства",
    "341": "Нарушение правил несения пограничной службы",
    "342": "Нарушение уставных правил караульной службы",
    "343": "Нарушение правил несения службы по охране общественного порядка и обеспечению "
    "общественной безопасности",
    "344": "Нарушение уставных правил внутренней службы и патрулирования в гарнизоне",
    "345": "Оставление погибающего военного корабля",
    "346": "Умышленные уничтожение или повреждение военного имущества",
    "347": "Уничтожение или повреждение военного имущества по неосторожности",
    "348": "Утрата военного имущества",
    "349": "Нарушение правил обращения с оружием и предметами, представляющими повышенную "
    "опасность для окружающих",
    "350": "Нарушение правил вождения или эксплуатации машин",
    "351": "Нарушение правил полетов или подготовки к ним",
    "352": "Нарушение правил кораблевождения",
    "352.1": "Добровольная сдача в плен",
}

# The 2023 court directory leaves seat_subject empty for one court; its region code is
# unambiguous (03 = Republic of Bashkortostan, Ufa garrison court).
_REGION_BY_CODE_FIX = {"03": "Республика Башкортостан"}


@dataclass(frozen=True)
class Court:
    code: str
    name: str
    type: str  # GV garrison, OV district/fleet, AV appellate, KV cassation
    region: str
    region_code: str
    district_code: str | None
    domain: str


def load_courts() -> list[Court]:
    """The 111 military courts of the roster (docketwatch.roster).

    district_code: the district/fleet court (OV) whose code shares the garrison court's
    two-digit prefix (25GV0001 → 25OV0000). Prefixes 31, 54 and 63 have no OV court of
    their own in the directory, so their district is left NULL rather than guessed.
    """
    text = ROSTER.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    ov_by_prefix = {r["vnkod"][:2]: r["vnkod"] for r in rows if r["type"] == "OV"}
    courts = []
    for r in rows:
        code = r["vnkod"]
        district = code if r["type"] == "OV" else None
        if r["type"] == "GV":
            district = ov_by_prefix.get(code[:2])
        region = r["seat_subject"] or _REGION_BY_CODE_FIX.get(r["seat_region_code"], "")
        courts.append(
            Court(code, r["court_name"], r["type"], region, r["seat_region_code"], district,
                  r["domain_dataout_2023_11"])
        )
    return courts


def _sync_table(
    client: Client, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> bool:
    """Insert ``rows`` (+ loaded_at) unless ``table FINAL`` already holds exactly them."""
    current = client.query(
        f"SELECT {', '.join(columns)} FROM {table} FINAL ORDER BY {columns[0]}"  # noqa: S608 (constant identifiers)
    ).result_rows
    wanted = sorted(rows, key=lambda r: r[0])
    if [tuple(r) for r in current] == wanted:
        return False
    now = datetime.now(UTC)
    client.insert(table, [[*r, now] for r in wanted], column_names=[*columns, "loaded_at"])
    return True


def seed_reference(client: Client) -> dict[str, bool]:
    """Load courts, article names and the working calendar; returns table → rewritten."""
    courts = [
        (c.code, c.name, c.type, c.region, c.region_code, c.district_code, c.domain)
        for c in load_courts()
    ]
    # article_group: the rule of docketwatch.categories (the `articles` view computes the
    # same in SQL; tests/aggregator/test_categories.py checks that they agree)
    articles = [(a, name, article_group(a)) for a, name in ARTICLE_NAMES.items()]
    days = [(d.day, int(d.is_working_day), d.holiday_name) for d in calendar_days()]
    return {
        "courts": _sync_table(
            client, "courts",
            ["code", "name", "type", "region", "region_code", "district_code", "domain"], courts,
        ),
        "article_names": _sync_table(client, "article_names",
                                     ["article", "name", "article_group"], articles),
        "working_calendar": _sync_table(
            client, "working_calendar", ["date", "is_working_day", "holiday_name"], days
        ),
    }

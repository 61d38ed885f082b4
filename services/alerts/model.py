"""Types the rules work on: a snapshot of the data, and the findings rules produce.

A :class:`Snapshot` is everything one evaluation needs, loaded in one go by a
:class:`~services.alerts.source.DataSource`. The rules are pure functions of it, so the
same rules run on ClickHouse rows and on the simulator's truth (tests).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}


@dataclass(frozen=True)
class CountRow:
    """Cases received in one month at one court, for one category or one article."""

    month: date  # first day of the month
    dimension: Literal["category", "article"]
    key: str  # 'refusal' / '337'
    court_code: str
    cases: int


@dataclass(frozen=True)
class CourtInfo:
    region: str
    district: str | None


@dataclass(frozen=True)
class HealthRow:
    """The latest CourtHealth of one court (contract.CourtHealth, as the sink stores it)."""

    court_code: str
    state: str
    checked_at: datetime
    last_success: datetime | None = None
    last_new_case: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class DeadLetterStats:
    """Parser dead letters and raw pages produced within the same trailing window."""

    dead_letters: int
    pages: int
    window_s: float


@dataclass
class Snapshot:
    # The docket's "today": newest receipt/decision date in the data or DW_ALERTS_AS_OF.
    # Never the wall clock: the simulator's docket lives in 2024 while fetch times are now.
    as_of: date | None
    counts: list[CountRow] = field(default_factory=list)
    courts: dict[str, CourtInfo] = field(default_factory=dict)
    # publication delay in days → number of cases observed with it
    delay_samples: dict[int, int] = field(default_factory=dict)
    working_days: dict[date, bool] = field(default_factory=dict)
    last_receipt: dict[str, date] = field(default_factory=dict)
    # None = not available (table missing, Kafka down): the rule is skipped, not resolved.
    court_health: list[HealthRow] | None = None
    dead_letters: DeadLetterStats | None = None
    now: datetime | None = None  # wall clock, only compared with wall-clock fields


def alert_id(rule: str, labels: dict[str, str]) -> str:
    """Stable id: hash of the rule name and the sorted labels (contract.AlertEvent)."""
    text = json.dumps([rule, sorted(labels.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Finding:
    """A rule's condition holds now; the lifecycle turns findings into AlertEvents."""

    rule: str
    labels: dict[str, str]
    severity: Severity
    summary: str
    value: float | None = None
    baseline: float | None = None
    provisional: bool = False

    @property
    def alert_id(self) -> str:
        return alert_id(self.rule, self.labels)


@dataclass
class Evaluation:
    """Findings plus which rules actually ran: only those may resolve their alerts."""

    findings: list[Finding] = field(default_factory=list)
    evaluated_rules: set[str] = field(default_factory=set)
    as_of: date | None = None

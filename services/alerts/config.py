"""The rules configuration: ``rules.toml`` (tomllib), every key optional.

The defaults below are the documented defaults; ``rules.toml`` in this package repeats
them with explanations. Unknown keys are refused so a typo does not silently disable a rule.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "rules.toml"
Scope = Literal["all", "district", "region", "court"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EvaluationConfig(_Section):
    poll_interval_s: float = 1.0
    evaluate_every_s: float = 60.0
    window_months: int = 3
    history_months: int = 40


class SeriesConfig(_Section):
    categories: list[str] = ["refusal"]
    articles: list[str] = ["332", "337", "338"]
    scopes: list[Scope] = ["all", "district", "region", "court"]

    @field_validator("articles")
    @classmethod
    def _article_numbers(cls, v: list[str]) -> list[str]:
        # They are inlined into SQL as literals, so only article numbers are accepted.
        for a in v:
            if not a.replace(".", "").isdigit():
                raise ValueError(f"not an article number: {a!r}")
        return v


class SpikeConfig(_Section):
    enabled: bool = True
    min_count: int = 20
    baseline_months: int = 12
    min_baseline_months: int = 6
    seasonal_years: int = 3
    z_threshold: float = 1.0
    z_critical: float = 3.0
    p_value: float = 1e-3
    min_ratio: float = 1.1


class DropConfig(_Section):
    enabled: bool = True
    min_baseline: float = 20
    z_threshold: float = 2.0
    p_value: float = 1e-3
    max_ratio: float = 0.8


class RecordConfig(_Section):
    enabled: bool = True
    scopes: list[Scope] = ["all"]
    min_count: int = 100
    min_history_months: int = 12


class NowcastConfig(_Section):
    min_expected_fraction: float = 0.25
    complete_fraction: float = 0.99
    non_working_day_weight: float = 0.05
    min_delay_samples: int = 200
    max_delay_days: int = 180
    prior_cdf: list[tuple[int, float]] = [(0, 0.4), (3, 0.65), (14, 0.85), (45, 0.98),
                                          (90, 1.0)]


Severity = Literal["info", "warning", "critical"]
_DEFAULT_STATE_SEVERITY: dict[str, Severity] = {
    "incomplete": "warning", "captcha": "warning", "failing": "warning", "blocked": "warning",
    "circuit_open": "critical"}


class SourceHealthConfig(_Section):
    enabled: bool = True
    states: dict[str, Severity] = Field(
        default_factory=lambda: dict(_DEFAULT_STATE_SEVERITY))
    stale_check_hours: float = 48.0
    quiet_enabled: bool = True
    quiet_min_days: int = 21
    quiet_p_value: float = 1e-5


class DeadLetterConfig(_Section):
    enabled: bool = True
    window_s: float = 900.0
    min_count: int = 5
    max_rate: float = 0.01


class ReceiverConfig(_Section):
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 60.0
    timeout_s: float = 10.0
    alertmanager_resend_s: float = 60.0
    group_by: list[str] = ["month", "measure"]
    group_wait_s: float = 30.0


class Matcher(_Section):
    name: str
    value: str
    regex: bool = False


class Silence(_Section):
    matchers: list[Matcher]
    comment: str = ""
    ends_at: str | None = None  # ISO datetime; None = until removed


class RulesConfig(_Section):
    evaluation: EvaluationConfig = EvaluationConfig()
    series: SeriesConfig = SeriesConfig()
    spike: SpikeConfig = SpikeConfig()
    drop: DropConfig = DropConfig()
    record: RecordConfig = RecordConfig()
    nowcast: NowcastConfig = NowcastConfig()
    source_health: SourceHealthConfig = SourceHealthConfig()
    dead_letters: DeadLetterConfig = DeadLetterConfig()
    receivers: ReceiverConfig = ReceiverConfig()
    silences: list[Silence] = []


def load_rules(path: Path | None = None) -> RulesConfig:
    with (path or DEFAULT_RULES_FILE).open("rb") as fh:
        return RulesConfig.model_validate(tomllib.load(fh))

"""Fetcher settings (environment, prefix ``DW_``); defaults are production's."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator

from docketwatch.contract import RECORD_LIMIT_BYTES, max_body_bytes
from docketwatch.roster import ROSTER
from docketwatch.settings import COUNT_SINCE, CommonSettings


class FetcherSettings(CommonSettings):
    courts_file: Path = Field(ROSTER, description="courts CSV (default: the 111 military "
                              "courts); a base_url column overrides each court's domain")
    fetch_start: date = Field(COUNT_SINCE, description="first receipt date to backfill")
    fetch_end: date | None = Field(None, description="last receipt date (default: today)")
    fetch_mode: str = Field("once", description="'once' = backfill then exit; 'live' = re-poll")
    live_interval_s: float = Field(
        900.0, description="live mode: shortest pause between a court's full passes (every due "
        "window and the counter checks)")
    live_hot_min_s: float = Field(
        60.0, description="live mode: shortest pause between two polls of a busy court's "
        "newest windows")
    live_hot_max_s: float = Field(
        600.0, gt=0, description="live mode: longest pause between two polls of a court's "
        "newest windows, a quiet court's pace; with n rows a day, about every "
        "DW_LIVE_HOT_MAX_S / (1 + n): 300 s, the detection aim, at one row a day")
    live_hot_days: int = Field(
        14, ge=0, description="live mode: the decision windows (months) that overlap the last "
        "this many days are among a court's newest windows, polled between full passes "
        "(0: no such polls, full passes only)")
    live_hot_receipt_days: int = Field(
        60, ge=0, description="live mode: the receipt windows (months) that overlap the last "
        "this many days are among a court's newest windows: sudrf publishes a case up to "
        "weeks after its receipt date, and its list cannot be asked by publication date "
        "(60: the publication delay the counts allow for, docs/counting.md)")
    live_activity_s: float = Field(
        86400.0, gt=0, description="live mode: a day, the span a court's activity (new or "
        "changed rows) is counted over: with n rows per day its newest windows are polled "
        "about every DW_LIVE_HOT_MAX_S / (1 + n)")
    live_budget_per_hour: int = Field(
        60, ge=0, description="live mode: requests per court in any rolling hour, full passes "
        "and polls of the newest windows together; the first pass of a run is not counted "
        "(0: no budget)")
    site_clock_url: str | None = Field(
        None, description="the court simulator's /_sim/clock: the sites' today for live mode's "
        "newest windows and the end of its windows (default: this machine's date)")
    recent_days: int = Field(120, description="receipt windows this recent are re-polled")
    decision_days: int = Field(
        180, description="decision-date windows this recent are polled on every pass "
        "(at least DW_ACT_HORIZON_DAYS)")
    act_horizon_days: int | None = Field(
        None, ge=0, description="a verdict without an act has its decision window re-polled "
        "until it is this many days old, then the act counts as withheld (default and "
        "minimum: DW_DECISION_DAYS; a longer horizon widens the decision windows)")
    resweep_days: float = Field(
        30.0, description="a finished receipt window is re-polled after this many days (0: never)")
    articles: str | None = Field(None, description="optional article filter (watchlist)")
    host_rate_per_s: float = Field(
        1 / 3, description="requests per second per court host (0: no limit)")
    jitter: float = Field(0.3, description="each host gap is stretched by up to this fraction")
    max_concurrency: int = Field(16, description="requests in flight, all hosts together")
    card_concurrency: int = Field(4, description="card requests in flight per court")
    request_timeout_s: float = Field(30.0, description="per request, seconds")
    max_retries: int = Field(5, description="tries per page on 5xx, timeouts, truncation")
    backoff_s: float = Field(
        1.0, description="retry n waits a random time up to backoff_s * 2**n (max 60 s)")
    max_body_bytes: int = Field(
        max_body_bytes(), gt=0, le=max_body_bytes(),
        description="a larger response is refused (its window recorded as failed, with a "
        "dead letter); at most, and by default, the largest body a raw-page record can carry "
        f"within the {RECORD_LIMIT_BYTES}-byte record limit once base64-encoded")
    user_agent: str = Field(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Safari/537.36",
        description="a browser UA: sudrf's WAF answers 403 to library defaults",
    )
    proxy: str | None = Field(None, description="HTTP proxy URL for all courts")
    ca_bundle: Path | None = Field(None, description="extra CA bundle (Russian trusted root)")
    window_attempts: int = Field(
        2, description="fetches of a window whose rows do not add up to the counter")
    block_confirmations: int = Field(
        3, description="plain re-requests before a captcha/WAF page marks the court")
    empty_confirmations: int = Field(
        3, description="re-requests of a window that had rows and now shows none")
    breaker_failures: int = Field(3, description="failed windows in a row that open the circuit")
    breaker_cooldown_s: float = Field(1800.0, description="pause of a court with an open circuit")
    captcha_solver_cmd: str | None = Field(
        None, description="command reading a captcha PNG on stdin, printing the code (off)")
    progress: bool | None = Field(None, description="progress bar (default: stderr is a TTY)")
    fetcher_ops_port: int = Field(9101, description="/health and /metrics port")
    state_dir: Path | None = Field(None, description="default: <data_dir>/fetcher")

    @model_validator(mode="after")
    def _decision_windows_reach_the_act_horizon(self) -> Self:
        # Acts are noticed through the decision windows (an act link changes a case's row,
        # so its card is fetched again): they must reach back as far as the horizon.
        if self.act_horizon_days is not None and self.act_horizon_days > self.decision_days:
            self.decision_days = self.act_horizon_days
        return self

    def act_horizon(self) -> int:
        """Days after its decision date that a verdict without an act is still re-polled
        on every pass (whole months: see windows.decision_horizon_start)."""
        return self.decision_days

    def state_root(self) -> Path:
        return self.state_dir or self.data_dir / "fetcher"

    def state_path(self) -> Path:
        return self.state_root() / "state.sqlite3"

    def report_path(self) -> Path:
        """The last finished pass's report (JSON): pages, windows, and every court and
        window left blocked, failed or incomplete."""
        return self.state_root() / "last_pass.json"

    def blocks_dir(self) -> Path:
        """One file per court waiting for a person or a solver; deleting it clears the court."""
        return self.state_root() / "blocked"

    def end_date(self) -> date:
        return self.fetch_end or date.today()

"""Misbehaviour of real court sites, each at a configurable rate, all off by default.

A fault is decided by hashing (seed, fault, URL, n-th request for that URL), so a run is
reproducible request by request, and a retry of the same URL gets a fresh draw: a client
that retries does eventually get through, as against the real sites.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, fields

FAULT_KINDS: tuple[str, ...] = (
    "site_down",
    "http_5xx",
    "timeout",
    "slow",
    "captcha",
    "wrong_captcha",
    "false_empty",
    "truncated",
    "wrong_charset",
    "shifted_rows",
)
# Which faults can hit which page: captcha and empty pages only make sense for searches.
LIST_ONLY = frozenset({"captcha", "wrong_captcha", "false_empty", "shifted_rows"})


@dataclass
class FaultConfig:
    seed: int = 1
    site_down: float = 0.0
    http_5xx: float = 0.0
    timeout: float = 0.0  # the response is held for `timeout_seconds`
    slow: float = 0.0  # the response is held for `slow_seconds`
    captcha: float = 0.0  # the captcha form instead of results
    wrong_captcha: float = 0.0
    false_empty: float = 0.0  # «Данных по запросу не обнаружено» although there are rows
    truncated: float = 0.0  # the body is cut short
    wrong_charset: float = 0.0  # the header claims UTF-8; the bytes stay windows-1251
    shifted_rows: float = 0.0  # a case slipped in at the top: rows repeat across pages
    slow_seconds: float = 2.0
    timeout_seconds: float = 60.0
    # Not rates: behaviours of the real sites that a test switches on.
    waf_non_browser: bool = False  # 403 to a User-Agent without "Mozilla/"
    captcha_gate: bool = False  # courts the CSV marks with a captcha demand one for searches
    # The 7 VNKOD courts speak their own interface. Off until the fetcher speaks it too:
    # with it on, standard-interface searches on those courts find nothing.
    vnkod_interface: bool = False

    @classmethod
    def uniform(cls, rate: float, seed: int = 1, **extra: float | bool) -> FaultConfig:
        """Every rate-based fault at `rate` (the CLI's --fault-rate)."""
        cfg = cls(seed=seed, **extra)  # type: ignore[arg-type]
        for kind in FAULT_KINDS:
            setattr(cfg, kind, rate)
        return cfg

    @property
    def any_rate(self) -> bool:
        return any(getattr(self, k) > 0 for k in FAULT_KINDS)

    def as_dict(self) -> dict[str, float | bool | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class FaultPlan:
    """Draws faults for requests; keeps the per-URL request counters."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._seen: Counter[str] = Counter()
        self.fired: Counter[str] = Counter()

    def _u(self, kind: str, key: str, n: int) -> float:
        digest = hashlib.blake2b(
            f"{self.config.seed}\x1f{kind}\x1f{key}\x1f{n}".encode(), digest_size=8
        ).digest()
        return int.from_bytes(digest, "big") / 2**64

    def draw(self, key: str, is_list: bool) -> str | None:
        """At most one fault per request, checked in FAULT_KINDS order."""
        n = self._seen[key]
        self._seen[key] += 1
        if not self.config.any_rate:
            return None
        for kind in FAULT_KINDS:
            if kind in LIST_ONLY and not is_list:
                continue
            rate = getattr(self.config, kind)
            if rate > 0 and self._u(kind, key, n) < rate:
                self.fired[kind] += 1
                return kind
        return None

    def fraction(self, key: str, salt: str) -> float:
        """A reproducible number in [0, 1) for shaping a fault (where to cut, how far to shift)."""
        return self._u(salt, key, self._seen[key])

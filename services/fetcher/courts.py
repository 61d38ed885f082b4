"""The court registry the fetcher may contact: nothing outside it is ever requested."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from docketwatch.roster import base_url
from docketwatch.sudrf import STANDARD, VNKOD


@dataclass(frozen=True)
class Court:
    vnkod: str
    name: str
    base_url: str
    captcha: bool = False
    # The interface the registry expects (SUDRFScraper's 2023 survey); the crawler checks
    # every answer and switches if the site speaks the other one.
    interface: str = STANDARD
    proxy: str | None = None  # per-court proxy (e.g. a Russian exit for IP-blocked hosts)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc


class RegistryError(ValueError):
    pass


def load_courts(path: Path) -> list[Court]:
    """Read a courts CSV: the roster's columns (docketwatch.roster), an optional
    ``base_url`` (default: the court's domain) and an optional ``proxy`` column."""
    courts: list[Court] = []
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            base = base_url(row)
            parts = urlsplit(base)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise RegistryError(f"{path}:{n}: base_url {base!r} is not an http(s) URL")
            proxy = (row.get("proxy") or "").strip() or None
            if proxy is not None and urlsplit(proxy).scheme not in ("http", "https"):
                raise RegistryError(f"{path}:{n}: proxy {proxy!r}: only http(s) proxies")
            pattern = (row.get("sudrfscraper_search_pattern") or "").strip()
            courts.append(Court(
                vnkod=row["vnkod"].strip(),
                name=row.get("court_name", "").strip(),
                base_url=base,
                captcha=(row.get("sudrfscraper_hasCaptcha") or "").strip().lower() == "true",
                interface=VNKOD if pattern == "VNKOD_PATTERN" else STANDARD,
                proxy=proxy,
            ))
    if len({c.vnkod for c in courts}) != len(courts):
        raise RegistryError(f"{path}: duplicate vnkod")
    return courts

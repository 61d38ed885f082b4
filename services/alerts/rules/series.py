"""Monthly series per (category or article) × (all / district / region / court)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from docketwatch.i18n import _, term
from services.alerts.model import CountRow, CourtInfo

Series = dict[date, int]


@dataclass(frozen=True)
class SeriesKey:
    dimension: str  # 'category' | 'article'
    key: str
    scope: str  # 'all' | 'district' | 'region' | 'court'
    scope_value: str = ""

    def labels(self) -> dict[str, str]:
        out = {self.dimension: self.key, "scope": self.scope}
        if self.scope == "court":
            out["court_code"] = self.scope_value
        elif self.scope != "all":
            out[self.scope] = self.scope_value
        return out

    def describe(self) -> str:
        """``refusal cases (region Приморский край)``; names stay as the registry has them."""
        what = (_("art. {article}").format(article=self.key) if self.dimension == "article"
                else _("{category} cases").format(category=term(self.key)))
        where = scope_text(self.scope, self.scope_value)
        return f"{what} ({where})"


def scope_text(scope: str, value: str) -> str:
    """``all courts``, ``court 25GV0001``, ``region Приморский край``, ``district …``."""
    if scope == "all":
        return _("all courts")
    if scope == "court":
        return _("court {code}").format(code=value)
    if scope == "region":
        return _("region {name}").format(name=value)
    if scope == "district":
        return _("district {code}").format(code=value)
    return f"{scope} {value}"


def build_series(rows: Iterable[CountRow], courts: dict[str, CourtInfo], *,
                 categories: list[str], articles: list[str], scopes: list[str],
                 ) -> dict[SeriesKey, Series]:
    """Sum court-level rows up to every requested scope (summing courts is always safe:
    a case belongs to exactly one court)."""
    wanted = {("category", c) for c in categories} | {("article", a) for a in articles}
    out: dict[SeriesKey, Series] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if (r.dimension, r.key) not in wanted:
            continue
        info = courts.get(r.court_code)
        for scope in scopes:
            if scope == "all":
                value = ""
            elif scope == "court":
                value = r.court_code
            elif scope == "region":
                if info is None or not info.region:
                    continue
                value = info.region
            else:  # district: NULL for courts without an OV court of their own
                if info is None or not info.district:
                    continue
                value = info.district
            out[SeriesKey(r.dimension, r.key, scope, value)][r.month] += r.cases
    return {k: dict(v) for k, v in out.items()}


def add_months(month: date, n: int) -> date:
    y, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return date(y, m + 1, 1)

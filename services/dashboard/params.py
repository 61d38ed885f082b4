"""Validation of query-string input shared by the HTML views and the JSON API.

Every value is also bound as a SQL parameter, so validation is not what keeps the store
safe; it gives people a clear 400 instead of an empty answer for a typo.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from services.dashboard import queries

_COURT = re.compile(r"^[0-9A-Za-z]{1,16}$")
_ARTICLE = re.compile(r"^\d{1,3}(\.\d{1,2})?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class BadInput(ValueError):
    """Invalid query-string input; the message names the parameter."""


def _get(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def category(query: Mapping[str, str], default: str | None, *, allow_all: bool = False,
             ) -> str | None:
    value = _get(query, "category") or default
    allowed = (*queries.CATEGORIES, "all") if allow_all else queries.CATEGORIES
    if value is not None and value not in allowed:
        raise BadInput(f"category must be one of {', '.join(allowed)}")
    return value


def measure(query: Mapping[str, str]) -> str:
    value = _get(query, "measure") or "received"
    if value not in queries.MEASURES:
        raise BadInput(f"measure must be one of {', '.join(queries.MEASURES)}")
    return value


def court(query: Mapping[str, str]) -> str | None:
    value = _get(query, "court")
    return check_court(value) if value is not None else None


def check_court(value: str) -> str:
    if not _COURT.match(value):
        raise BadInput("court must be a court code such as 25OV0000")
    return value.upper()


def region(query: Mapping[str, str]) -> str | None:
    value = _get(query, "region")
    if value is not None and len(value) > 200:
        raise BadInput("region is too long")
    return value


def month(query: Mapping[str, str], name: str) -> str | None:
    """``YYYY-MM`` → the first day of that month, as the views' ``month`` column holds."""
    value = _get(query, name)
    if value is None:
        return None
    match = _MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise BadInput(f"{name} must be a month like 2024-03")
    return f"{value}-01"


def filters(query: Mapping[str, str]) -> queries.Filters:
    return queries.Filters(court=court(query), region=region(query),
                           since=month(query, "from"), until=month(query, "to"))


def integer(query: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    value = _get(query, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadInput(f"{name} must be an integer") from None
    if not lo <= number <= hi:
        raise BadInput(f"{name} must be between {lo} and {hi}")
    return number


def case_search(query: Mapping[str, str], default_limit: int = 50) -> queries.CaseSearch:
    article = _get(query, "article")
    if article is not None and not _ARTICLE.match(article):
        raise BadInput("article must be an article number such as 337 or 205.1")
    number = _get(query, "number")
    if number is not None and len(number) > 64:
        raise BadInput("number is too long")
    return queries.CaseSearch(
        court=court(query), article=article, number=number,
        limit=integer(query, "limit", default_limit, 1, 500),
        offset=integer(query, "offset", 0, 0, 1_000_000))

"""The categories docketwatch counts: ONE rule for the store, the simulator and the dashboard.

In plain words:

* Every **article** of the Criminal Code falls in one *group*:

  - ``refusal``: refusal to serve, arts. 332 (disobeying an order), 337 (leaving the unit
    without permission) and 338 (desertion);
  - ``military``: every other article of chapter 33, "crimes against military service",
    arts. 331 to 352 (352.1, voluntary surrender, included: what counts is the number
    before the first dot);
  - ``other``: any other article (murder, theft, drugs, terrorism, ...).

* Every **case** falls in exactly one *category*, the first that applies:

  1. ``refusal`` if any of its articles is a refusal article, whatever else it is charged
     with (337 and 105 together: refusal);
  2. ``military`` if it has no refusal article but some other chapter-33 article;
  3. ``other`` if none of its articles is in chapter 33;
  4. ``unknown`` if no article could be read for it.

  So the counts "by category" of a month add up to the number of cases of that month:
  no case is counted twice, and none is left out.

* Counts **per article** are a different question: there, a case counts once under each
  of its articles (a case under 337 and 338 is one 337 case and one 338 case), so the
  article rows of a month must not be added up. A per-article row carries the article's
  *group*, never the case's category.

The same rule is written once in SQL, in migration
``docketwatch/store/migrations/0020_case_categories.sql`` (the ``cases`` view's
``article_groups`` and ``category`` columns, and the ``articles`` view); the tests check
that both give the same answer. Nothing here may import ``services``: the simulator, the
store and the dashboard all import this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

REFUSAL: Final = "refusal"
MILITARY: Final = "military"
OTHER: Final = "other"
UNKNOWN: Final = "unknown"
# Every case category, in order of precedence (the first that applies wins).
CATEGORIES: Final = (REFUSAL, MILITARY, OTHER, UNKNOWN)

# Refusal to serve: disobeying an order, leaving the unit without permission, desertion.
REFUSAL_ARTICLES: Final = frozenset({"332", "337", "338"})
# Chapter 33 of the Criminal Code, "crimes against military service": arts. 331-352.
MILITARY_CHAPTER: Final = range(331, 353)


def in_military_chapter(article: str) -> bool:
    """True for an article of chapter 33 (331-352, so 352.1 too): the number before the
    first dot, written with the digits 0-9 only, is between 331 and 352."""
    head = article.split(".", 1)[0]
    return head.isascii() and head.isdigit() and int(head) in MILITARY_CHAPTER


def article_group(article: str) -> str:
    """The group of one article: 'refusal', 'military' or 'other' ('unknown' for '')."""
    if article == "":
        return UNKNOWN
    if article in REFUSAL_ARTICLES:
        return REFUSAL
    if in_military_chapter(article):
        return MILITARY
    return OTHER


def case_category(articles: Iterable[str]) -> str:
    """The one category of a case with these articles (see the module docstring)."""
    groups = {article_group(a) for a in articles}
    for category in (REFUSAL, MILITARY, OTHER):
        if category in groups:
            return category
    return UNKNOWN

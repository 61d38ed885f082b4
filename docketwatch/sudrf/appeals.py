"""What appeal and cassation pages mean: the instance a page is from, the result of a
review, how a changed sentence changed, the first-instance number a card shows.

The pages themselves are read by :mod:`.pages.appeal_card` (the card) and by the list
modules (an appeal docket or a УИД listing has the columns of a first-instance list);
this module turns what they read into :class:`~docketwatch.contract.AppealSnapshot`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from docketwatch.contract import (
    AppealChange,
    AppealInstance,
    AppealResult,
    AppealSnapshot,
    CaseSnapshot,
)

# The page title: «Уголовные дела - апелляция» in div.title (standard interface),
# «Гражданские и административные дела - апелляция» in div.name-instanse (new portal).
# The search form lists every cartoteka by name too, so only the title element counts.
# Bounded repetitions: linear on hostile pages.
_TITLE = re.compile(
    r"""class\s*=\s*["']?(?:title|name-instanse)["']?\s*>([^<]{0,300})""")


def page_instance(html: str) -> AppealInstance | None:
    """The review a page belongs to, from its title; None for a first-instance page (or a
    page with no title)."""
    found = _TITLE.search(html)
    if found is None:
        return None
    title = found.group(1).casefold()
    if "кассац" in title:
        return AppealInstance.CASSATION
    if "апелляц" in title:
        return AppealInstance.APPEAL
    return None


# First match wins; an overturning that returns the case («отменен, дело возвращено
# прокурору») is an overturning, so «отмен» comes before the return markers.
_RESULTS: tuple[tuple[re.Pattern[str], AppealResult], ...] = (
    (re.compile(r"отмен"), AppealResult.OVERTURNED),
    (re.compile(r"снят|возвращ|без рассмотрения"), AppealResult.RETURNED),
    (re.compile(r"без изменени|без удовлетворени"), AppealResult.UPHELD),
    (re.compile(r"измен"), AppealResult.CHANGED),
    (re.compile(r"отозван|прекращ"), AppealResult.ENDED),
)


def classify_result(text: str | None) -> AppealResult | None:
    """The result of a review from the card's «Результат рассмотрения» (or a list's
    «Решение»); None for an empty cell, OTHER for a text no rule knows."""
    if not text or not text.strip():
        return None
    key = " ".join(text.casefold().split())
    for pattern, result in _RESULTS:
        if pattern.search(key):
            return result
    return AppealResult.OTHER


# Suspended → real first: its wording («исключено применение ст. 73») also names art. 73.
_CHANGES: tuple[tuple[re.Pattern[str], AppealChange], ...] = (
    (re.compile(r"исключ\w*[^.;]{0,60}ст\.\s?73|реальн\w* (?:лишени|наказани)"
                r"|отмен\w* условн"),
     AppealChange.SUSPENDED_TO_REAL),
    (re.compile(r"(?:применен\w*|с применением)\s+ст\.\s?73|условн"),
     AppealChange.REAL_TO_SUSPENDED),
    (re.compile(r"смягч|снижен|сокращ"), AppealChange.SOFTENED),
    (re.compile(r"усил|ужесточ|увелич"), AppealChange.HARSHER),
)


def classify_change(result: AppealResult | None, text: str | None) -> AppealChange | None:
    """How a changed sentence changed, from «Основания отмены (изменения) решения» (or the
    result text); OTHER when the card does not say; None unless the result is CHANGED."""
    if result is not AppealResult.CHANGED:
        return None
    key = " ".join((text or "").casefold().split())
    for pattern, change in _CHANGES:
        if pattern.search(key):
            return change
    return AppealChange.OTHER


_MATERIAL = re.compile(r"\s*\([^()]{0,80}\)\s*$")


def lower_number(text: str | None) -> str | None:
    """The first-instance number a card shows, without the material's suffix:
    ``3/1-12/2026 (К/21548)`` → ``3/1-12/2026``."""
    if not text:
        return None
    number = _MATERIAL.sub("", " ".join(text.split()))
    return number or None


def link_params(href: str | None) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(href or "").query))


def from_row(row: CaseSnapshot, instance: AppealInstance) -> AppealSnapshot:
    """An appeal as a list row (an appeal docket, a УИД listing) shows it: no УИД, no
    first-instance court; the card adds those."""
    result = classify_result(row.decision_text)
    return AppealSnapshot(
        court_code=row.court_code, instance=instance, appeal_number=row.case_number,
        case_uid=row.case_uid, case_id=row.case_id, receipt_date=row.receipt_date,
        judge=row.judge, decision_date=row.decision_date if result else None,
        result_text=row.decision_text, result=result,
        change=classify_change(result, row.decision_text), articles=row.articles,
    )

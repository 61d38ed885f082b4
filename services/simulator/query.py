"""Search parameters as sudrf reads them: cp1251 percent-encoding, DD.MM.YYYY dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qsl

from .model import CaseView


class BadQuery(ValueError):
    """A parameter the real site would reject (it answers НЕВЕРНЫЙ ФОРМАТ ЗАПРОСА!)."""


def parse_query(raw: str) -> list[tuple[str, str]]:
    # The site percent-encodes Cyrillic in windows-1251, so decode as such, not as UTF-8.
    return parse_qsl(raw, keep_blank_values=True, encoding="cp1251", errors="replace")


def _date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError as exc:
        raise BadQuery(value) from exc


@dataclass(frozen=True, slots=True)
class Search:
    articles: str = ""
    case_number: str = ""
    received_from: date | None = None
    received_to: date | None = None
    decided_from: date | None = None
    decided_to: date | None = None

    @property
    def key(self) -> tuple[object, ...]:
        return (
            self.articles,
            self.case_number,
            self.received_from,
            self.received_to,
            self.decided_from,
            self.decided_to,
        )

    def matches(self, v: CaseView) -> bool:
        c = v.case
        if self.received_from and c.receipt_date < self.received_from:
            return False
        if self.received_to and c.receipt_date > self.received_to:
            return False
        if self.decided_from or self.decided_to:
            if v.decision_date is None:
                return False
            if self.decided_from and v.decision_date < self.decided_from:
                return False
            if self.decided_to and v.decision_date > self.decided_to:
                return False
        if self.case_number and self.case_number not in c.case_number:
            return False
        if self.articles:
            # Substring match on each defendant's article list, as the «SS» suffix suggests:
            # "337" also finds "ст.337 ч.5"; "337 ч.5" finds only that part.
            needle = self.articles.casefold()
            texts = ("; ".join(a.text for a in d.articles).casefold() for d in c.defendants)
            if not any(needle in t for t in texts):
                return False
        return True


def _get(params: dict[str, str], *names: str) -> str:
    # The real form mixes key case (U1_DEFENDANT__… and u1_case__…); accept either.
    lowered = {k.lower(): v for k, v in params.items()}
    for n in names:
        if n.lower() in lowered:
            return lowered[n.lower()]
    return ""


def search_from(params: dict[str, str]) -> Search:
    return Search(
        articles=_get(params, "U1_DEFENDANT__LAW_ARTICLESS").strip(),
        case_number=_get(params, "u1_case__CASE_NUMBERSS").strip(),
        received_from=_date(_get(params, "u1_case__ENTRY_DATE1D")),
        received_to=_date(_get(params, "u1_case__ENTRY_DATE2D")),
        decided_from=_date(_get(params, "u1_case__RESULT_DATE1D")),
        decided_to=_date(_get(params, "u1_case__RESULT_DATE2D")),
    )


def pager_tail(raw: str) -> str:
    """The request's own query minus name, page and vnkod, in order and still encoded."""
    keep = []
    for part in raw.split("&"):
        key = part.split("=", 1)[0]
        if key and key not in ("name", "page", "vnkod"):
            keep.append(part)
    return "&".join(keep)


def search_from_vnkod(params: dict[str, str]) -> Search:
    """The VNKOD interface names the same filters differently (FORMAT.md §2)."""
    return Search(
        articles=_get(params, "parts__law_articless").strip(),
        case_number=_get(params, "case__case_numberss").strip(),
        received_from=_date(_get(params, "case__entry_date1d")),
        received_to=_date(_get(params, "case__entry_date2d")),
        decided_from=_date(_get(params, "case__result_date1d")),
        decided_to=_date(_get(params, "case__result_date2d")),
    )


def vnkod_tail(raw: str) -> str:
    return "&".join(p for p in raw.split("&") if p and p.split("=", 1)[0] != "_page")

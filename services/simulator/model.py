"""Cases as generated (the full history) and as the site shows them on a given date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docketwatch.categories import REFUSAL_ARTICLES, case_category

from .articles import ArticleRef

# The result strings of the sudrf catalogue, keyed by docketwatch's DecisionClass values.
DECISION_TEXT: dict[str, str] = {
    "verdict": "Вынесен ПРИГОВОР",
    "terminated": "Уголовное дело ПРЕКРАЩЕНО",
    "returned_to_prosecutor": "Дело ВОЗВРАЩЕНО прокурору",
    "transferred": "Направлено ПО ПОДСУДНОСТИ (подведомственности)",
    "other_ruling": "Вынесено другое ПОСТАНОВЛЕНИЕ",
    "medical_measures": "Применены ПРИНУДИТЕЛЬНЫЕ МЕРЫ МЕДИЦИНСКОГО ХАРАКТЕРА",
}
# Grounds appended after "<br>" to a termination, as on the Ufa card.
TERMINATION_GROUNDS: tuple[str, ...] = (
    "назначена мера уголовно-правового характера - СУДЕБНЫЙ ШТРАФ (ст. 25.1 УПК РФ)",
    "в связи с деятельным раскаянием (ст. 28 УПК РФ)",
    "в связи со смертью подозреваемого или обвиняемого (п. 4 ч. 1 ст. 24 УПК РФ)",
    "в связи с примирением сторон (ст. 25 УПК РФ)",
)


@dataclass(frozen=True, slots=True)
class Defendant:
    name: str
    articles: tuple[ArticleRef, ...]


@dataclass(slots=True)
class Case:
    """One docket entry with its whole future; the clock decides how much of it shows."""

    court: str
    receipt_date: date
    published_at: date
    defendants: tuple[Defendant, ...]
    kind: str  # "refusal" or "background": which generator made it
    case_number: str = ""
    case_id: int = 0
    case_uid: str = ""
    judicial_uid: str = ""
    judge: str = ""
    decision_class: str | None = None
    decision_ground: str | None = None
    decision_date: date | None = None
    decision_published_at: date | None = None
    entry_into_force: date | None = None
    act_published_at: date | None = None
    # A case returned to the prosecutor comes back as a new docket entry; a transferred one
    # arrives at another court. Both point back at the entry they continue.
    origin_uid: str | None = None
    origin_kind: str | None = None  # "re_received" | "transferred_in"
    order: float = 0.0  # tie-break among cases received on the same day
    # Verdicts only (set by acts.assign_acts): one acts.SimPunishment per defendant, whether
    # the act will never be published, and the seed of its wording.
    punishments: tuple[Any, ...] = ()
    act_withheld: bool = False
    act_seed: int = 0
    # Taken off the site on this date (the court hid or deleted the entry): from then on
    # neither its row nor its card is served. None for almost every case.
    removed_at: date | None = None

    @property
    def article_numbers(self) -> tuple[str, ...]:
        """Distinct article numbers over all defendants; art. 30 is a mark, not an article."""
        seen: dict[str, None] = {}
        for d in self.defendants:
            for a in d.articles:
                seen.setdefault(a.article, None)
        return tuple(seen)

    @property
    def refusal_articles(self) -> frozenset[str]:
        return frozenset(a for a in self.article_numbers if a in REFUSAL_ARTICLES)

    @property
    def category(self) -> str:
        """The case's one category (docketwatch.categories), as the store counts it."""
        return case_category(self.article_numbers)

    def view(self, as_of: date) -> CaseView | None:
        if self.published_at > as_of or (self.removed_at is not None
                                         and self.removed_at <= as_of):
            return None
        decided = (
            self.decision_published_at is not None
            and self.decision_date is not None
            and self.decision_published_at <= as_of
        )
        entry = self.entry_into_force if decided else None
        return CaseView(
            case=self,
            decision_class=self.decision_class if decided else None,
            decision_date=self.decision_date if decided else None,
            entry_into_force=entry if entry is not None and entry <= as_of else None,
            has_act=decided
            and self.act_published_at is not None
            and self.act_published_at <= as_of,
        )


@dataclass(slots=True)
class CaseView:
    """What the site shows of one case on one date."""

    case: Case
    decision_class: str | None
    decision_date: date | None
    entry_into_force: date | None
    has_act: bool
    # Rendered list row, filled lazily: rows are re-served many times between clock ticks.
    row_html: str | None = field(default=None, repr=False)

    @property
    def decision_html(self) -> str | None:
        """The decision cell as the site prints it, already HTML (the ground is escaped)."""
        from html import escape

        if self.decision_class is None:
            return None
        text = escape(DECISION_TEXT[self.decision_class], quote=False)
        if self.decision_class == "terminated" and self.case.decision_ground:
            text += "<br>" + escape(self.case.decision_ground, quote=False)
        return text

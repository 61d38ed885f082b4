"""Criminal Code article references as sudrf prints them.

Which articles are refusal to serve, military or other, and a case's category, are decided
by :mod:`docketwatch.categories`, the rule the store's views count by too.
"""

from __future__ import annotations

from dataclasses import dataclass

# Parts created by Federal Law 365-FZ of 24.09.2022 (mobilisation, martial law, wartime).
MOBILISATION_PARTS: dict[str, frozenset[str]] = {
    "332": frozenset({"2.1", "3"}),
    "337": frozenset({"2.1", "3.1", "5"}),
    "338": frozenset({"2"}),
}
INCHOATE_BY_PART: dict[str, str] = {"1": "preparation", "3": "attempt"}


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """One entry of a defendant's article list, e.g. ``ст. 30 ч.3, ст.338 ч.1``."""

    article: str
    part: str | None = None
    points: str | None = None  # "а" or "а,в"
    inchoate_part: str | None = None  # part of art. 30: "1" preparation, "3" attempt

    @property
    def text(self) -> str:
        main = f"ст.{self.article}"
        if self.part:
            main += f" ч.{self.part}"
        if self.points:
            main += f" п.п.{self.points}" if "," in self.points else f" п.{self.points}"
        if self.inchoate_part:
            # The real pages put a space in "ст. 30" and join with a comma.
            return f"ст. 30 ч.{self.inchoate_part}, {main}"
        return main

    @property
    def inchoate(self) -> str | None:
        return INCHOATE_BY_PART.get(self.inchoate_part or "")


def articles_text(refs: tuple[ArticleRef, ...]) -> str:
    """A defendant's list as in the «Лица» cell: ``ст.337 ч.5; ст.338 ч.1`` (no «УК РФ»)."""
    return "; ".join(r.text for r in refs)

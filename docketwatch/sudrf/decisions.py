"""Classify the «Решение» / «Результат рассмотрения» text into a DecisionClass.

The site shows a catalogue value, sometimes followed by ``<br>`` and a ground, e.g.
``Уголовное дело ПРЕКРАЩЕНО<br>назначена мера … СУДЕБНЫЙ ШТРАФ (ст. 25.1 УПК РФ)``.
Matching is on the case-folded first line so that capitalisation variants
(``Дело ВОЗВРАЩЕНО прокурору`` / ``ВОЗВРАЩЕНО ПРОКУРОРУ``) agree. A text no rule knows is
class OTHER; :func:`is_unknown_decision` tells the caller to count it in a metric.
"""

from __future__ import annotations

import re

from docketwatch.contract import DecisionClass

_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")

# (needle in the case-folded first line, class), first match wins. Order matters only where
# needles could overlap; they do not today. Terminations are anchored on "дело прекращено"
# so that an appellate "Апелляционное ПРОИЗВОДСТВО ПРЕКРАЩЕНО" (the appeal, not the case,
# ended) stays OTHER and shows up in the metric instead of being miscounted.
_RULES: tuple[tuple[str, DecisionClass], ...] = (
    ("вынесен приговор", DecisionClass.VERDICT),
    ("дело прекращено", DecisionClass.TERMINATED),
    ("возвращено прокурору", DecisionClass.RETURNED_TO_PROSECUTOR),
    ("по подсудности", DecisionClass.TRANSFERRED),
    ("другое постановление", DecisionClass.OTHER_RULING),
    ("принудительные меры медицинского характера", DecisionClass.MEDICAL_MEASURES),
)


def normalize_decision_text(text: str | None) -> str | None:
    """Verbatim text with each line's whitespace/&nbsp; collapsed and empty lines dropped;
    ``<br>`` must already be a newline. ``None`` when nothing is left."""
    if text is None:
        return None
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\xa0", " ").split("\n")]
    joined = "\n".join(line for line in lines if line)
    return joined or None


def classify_decision(text: str | None) -> tuple[DecisionClass | None, str | None]:
    """Return ``(class, ground)``; ``(None, None)`` for an empty cell.

    The ground is whatever follows the catalogue value on later lines (joined by a space),
    e.g. ``назначена мера уголовно-правового характера - СУДЕБНЫЙ ШТРАФ (ст. 25.1 УПК РФ)``.
    """
    normalized = normalize_decision_text(text)
    if normalized is None:
        return None, None
    first, _, rest = normalized.partition("\n")
    ground = " ".join(rest.split("\n")) or None
    key = first.casefold()
    for needle, cls in _RULES:
        if needle in key:
            return cls, ground
    return DecisionClass.OTHER, ground


def is_unknown_decision(text: str | None) -> bool:
    """True when ``text`` is non-empty and no rule recognised it (class OTHER)."""
    return classify_decision(text)[0] is DecisionClass.OTHER

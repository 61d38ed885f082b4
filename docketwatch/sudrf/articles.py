"""Criminal-code article references and the «Лица» cell.

Real forms (FORMAT.md §3): ``ст.337 ч.5 УК РФ``, ``ст.280.4 ч.2 п.п.а,в``,
``ст. 30 ч.1, ст.205 ч.2 п.а`` (preparation of 205/2/а), ``ст.205.5 ч.2; ст.205.1 ч.1.1``,
``ст.222.1 ч.4``, ``ст.337 ч.2.1``. Several articles of one defendant are joined by ``; ``,
several defendants by ``;<br>``.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Literal

from docketwatch.contract import Article, Defendant

Inchoate = Literal["preparation", "attempt"]

_ARTICLE = re.compile(
    r"ст\.\s*(?P<article>\d+(?:\.\d+)*)"
    r"(?:\s*,?\s*ч\.\s*(?P<part>\d+(?:\.\d+)*))?"
    # A point letter must not be followed by another letter, so that the "с" of a following
    # ", ст." is never read as a point.
    r"(?:\s*,?\s*п\.\s*(?:п\.\s*)?(?P<points>[а-яё](?![а-яё.])(?:\s*,\s*[а-яё](?![а-яё.]))*))?"
)
_CODE_SUFFIX = re.compile(r"\bУК\s*РФ\b")
_SPACES = re.compile(r"\s+")

# Art. 30 УК РФ: part 1 defines preparation, part 2 limits its punishability (still
# preparation), part 3 defines attempt.
_ART30_PART: dict[str | None, Inchoate] = {
    "1": "preparation",
    "2": "preparation",
    "3": "attempt",
}

HIDDEN_MARKER = "Информация скрыта"


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\xa0", " ")).strip()


@lru_cache(maxsize=16384)
def parse_articles(text: str) -> tuple[Article, ...]:
    """Parse an article list into :class:`Article` values, in order, duplicates kept.

    Art. 30 is never returned itself: it marks the next article as preparation (ч.1/ч.2)
    or attempt (ч.3). Text that holds no ``ст.`` reference yields ``()``.
    Cached: the same cell texts recur on every page, and Articles are immutable.
    """
    cleaned = _clean(_CODE_SUFFIX.sub(" ", text))
    result: list[Article] = []
    for segment in cleaned.split(";"):
        result.extend(_parse_segment(segment.strip()))
    return tuple(result)


@lru_cache(maxsize=16384)
def _parse_segment(segment: str) -> tuple[Article, ...]:
    """One ``; ``-separated item. Cached separately: the same item recurs across
    defendants and cells even when whole cells differ."""
    result: list[Article] = []
    pending_start: int | None = None
    pending: Inchoate | None = None
    for m in _ARTICLE.finditer(segment):
        article = m.group("article")
        part = m.group("part")
        if article == "30":
            pending_start = m.start()
            pending = _ART30_PART.get(part)
            continue
        points_text = m.group("points")
        points = (
            tuple(p.strip() for p in points_text.split(",")) if points_text else ()
        )
        start = m.start() if pending_start is None else pending_start
        result.append(
            Article(
                article=article,
                part=part,
                points=points,
                inchoate=pending,
                raw=segment[start : m.end()].strip(" ,"),
            )
        )
        pending_start = None
        pending = None
    return tuple(result)


# "<name> - <articles>". The separator is " - " (spaces around a hyphen); names with an
# inner hyphen ("Петров-Водкин") have no spaces around it.
_PERSON = re.compile(r"^(?P<name>.*?)\s+[-–—]\s+(?P<articles>ст\..*)$", re.DOTALL)
_TAG = re.compile(r"<(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
# «Информация по делу» cells (VNKOD, new portal) may carry the case's category line
# (real/samara_oblsud_uid_listing_newlayout: «КАТЕГОРИЯ: 3.025 - …»): not a defendant.
_NOT_A_PERSON = ("КАТЕГОРИЯ:",)


def _html_to_text(fragment: str) -> str:
    """Cell HTML → text with ``<br>`` as newline. ``<Информация скрыта>`` is not a tag
    (it starts with a Cyrillic letter) and survives; entities are unescaped last."""

    def repl(m: re.Match[str]) -> str:
        return "\n" if m.group("tag").lower() == "br" else ""

    # A tag ends at a ">": past the last one no tag can match, and an opening there would
    # make ``[^>]*>`` scan to the end once per opening (quadratic on many unclosed ones).
    tagged = fragment.rfind(">") + 1
    if not _TAG.search(fragment, 0, tagged) and "&" not in fragment:
        return fragment  # plain text: its newlines already separate defendants
    # In HTML, source line breaks are just whitespace; only <br> separates defendants.
    text = _SPACES.sub(" ", fragment)
    tagged = text.rfind(">") + 1
    return html.unescape(_TAG.sub(repl, text[:tagged]) + text[tagged:])


@lru_cache(maxsize=16384)
def persons_from_text(text: str, keep_names: bool = False) -> tuple[Defendant, ...]:
    """Parse the text of a «Лица» cell (``<br>`` already turned into newlines)."""
    defendants: list[Defendant] = []
    for line in text.split("\n"):
        entry = _clean(line).rstrip(";").strip()
        if not entry or entry.upper().startswith(_NOT_A_PERSON):
            continue
        m = _PERSON.match(entry)
        if m:
            name, articles_text = m.group("name").strip(), m.group("articles")
        elif entry.startswith("ст."):
            name, articles_text = "", entry
        else:
            name, articles_text = entry, ""
        defendants.append(make_defendant(name, parse_articles(articles_text), keep_names))
    return tuple(defendants)


def make_defendant(
    name: str, articles: tuple[Article, ...], keep_names: bool = False
) -> Defendant:
    """A :class:`Defendant`, dropping the name unless ``keep_names`` (personal data)."""
    name = _clean(name)
    hidden = HIDDEN_MARKER in name
    kept = name if keep_names and name and not hidden else None
    return Defendant(name=kept, hidden=hidden, articles=articles)


def parse_persons_cell(cell: str, keep_names: bool = False) -> tuple[Defendant, ...]:
    """Parse a «Лица» cell given as HTML (``…;<br>&lt;Информация скрыта&gt; - ст.…``) or
    as plain text. Defendants are split on line breaks (``;<br>``)."""
    return persons_from_text(_html_to_text(cell), keep_names)

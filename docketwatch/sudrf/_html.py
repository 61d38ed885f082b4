"""Small DOM and value helpers shared by the page parsers (selectolax/lexbor)."""

from __future__ import annotations

import re
from datetime import date, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .errors import FieldFormatError

_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_TIME = re.compile(r"\d{1,2}:\d{2}")


def parse_html(text: str) -> LexborHTMLParser:
    return LexborHTMLParser(text)


def clean(text: str | None) -> str:
    """Collapse all whitespace including &nbsp; (cells are padded with tabs and &nbsp;).

    ``str.split()`` treats U+00A0 as whitespace and is several times faster than a regex.
    """
    return " ".join(text.split()) if text else ""


def text_of(node: LexborNode | None) -> str:
    """The node's text on one line, whitespace collapsed."""
    if node is None:
        return ""
    return clean(node.text(deep=True))


def lines_of(node: LexborNode) -> str:
    """The node's text with ``<br>`` as newline and source whitespace collapsed per line.

    Needed where the site uses ``<br>`` as a separator (defendants, decision + ground).
    """
    # Fast path: a cell made of one text node cannot contain a <br>. The separator shows
    # whether lexbor joined several nodes; a C-level call is ~6x cheaper than traversing.
    joined = node.text(deep=True, separator="\x1f")
    if "\x1f" not in joined:
        return clean(joined)
    parts: list[str] = []
    for n in node.traverse(include_text=True):
        tag = n.tag
        if tag == "-text":
            parts.append(n.text_content or "")
        elif tag == "br":
            parts.append("\n")
    lines = (clean(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def child_elements(node: LexborNode, tag: str) -> list[LexborNode]:
    """Direct children with ``tag`` (``css('td')`` would also match nested tables)."""
    return [c for c in node.iter() if c.tag == tag]


def norm_label(text: str) -> str:
    """Normalise a header/label for lookup: case-folded, single spaces, no trailing colon."""
    return clean(text).rstrip(":").strip().casefold()


def optional_text(text: str) -> str | None:
    return text or None


def parse_date(text: str, field: str) -> date | None:
    """``DD.MM.YYYY`` → date; empty → None; anything else is a FieldFormatError."""
    value = clean(text)
    if not value:
        return None
    if len(value) == 10 and value[2] == value[5] == "." and value.isascii():
        # Fast path for the only format the site uses; falls through to the strict check.
        try:
            return date(int(value[6:]), int(value[3:5]), int(value[:2]))
        except ValueError:
            pass
    m = _DATE.fullmatch(value)
    if not m:
        raise FieldFormatError(f"{field}: expected DD.MM.YYYY, got {value[:40]!r}")
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError as exc:
        raise FieldFormatError(f"{field}: invalid date {value!r}") from exc


def parse_time(text: str, field: str) -> str | None:
    """``HH:MM`` kept as shown (the contract carries it as text); empty → None."""
    value = clean(text)
    if not value:
        return None
    if not _TIME.fullmatch(value):
        raise FieldFormatError(f"{field}: expected HH:MM, got {value[:40]!r}")
    return value


def parse_datetime(day: str, hhmm: str, field: str) -> datetime:
    d = parse_date(day, field)
    t = parse_time(hhmm, field)
    if d is None or t is None:
        raise FieldFormatError(f"{field}: missing date or time")
    hour, minute = (int(x) for x in t.split(":"))
    try:
        return datetime(d.year, d.month, d.day, hour, minute)
    except ValueError as exc:
        raise FieldFormatError(f"{field}: invalid time {t!r}") from exc

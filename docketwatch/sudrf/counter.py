"""The result counter of a list page, the one number that says a window is complete.

Standard: «Всего по запросу найдено — 567. На странице записи с 1 по 25.», written with an
em dash, an en dash or a hyphen (the new portal: «найдено - <b>1</b>»); VNKOD may print
«Найдено дел: N» instead. One regex per fact, read by the fetcher and the parser alike.
"""

from __future__ import annotations

import re

# The standard counter's words: a plain substring test is the classifier's fast check.
COUNTER_PHRASE = "Всего по запросу найдено"
# Markup between the words and the number («найдено - <b>1</b>»): a few short tags. The
# count is bounded so that a page of many phrases each followed by many tags stays linear.
_TAGS = r"(?:\s*<[^>]{0,40}>){0,8}\s*"
_COUNTER = re.compile(rf"(?:{COUNTER_PHRASE}\s*[—–-]|Найдено дел:){_TAGS}(\d+)")
_RANGE = re.compile(r"На странице записи с\s*(\d+)\s*по\s*(\d+)")


def read_counter(text: str) -> int | None:
    """The number of hits the page says its query has, in either interface's form."""
    m = _COUNTER.search(text)
    return int(m.group(1)) if m else None


def read_range(text: str) -> tuple[int, int] | None:
    """(first, last) row number shown on this page, when the page says."""
    m = _RANGE.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None

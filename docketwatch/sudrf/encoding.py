"""Decide how a page body is encoded, from its bytes alone.

sudrf.ru serves windows-1251, but browser-saved copies are UTF-8 while still carrying the
``charset=windows-1251`` meta tag, and proxies/fetchers may re-encode. Neither the meta tag
nor the HTTP header can be trusted, so we look at the bytes: a body that is (almost
entirely) valid UTF-8 with Cyrillic letters is UTF-8, anything else is cp1251.
"""

from __future__ import annotations

import re

UTF8 = "utf-8"
CP1251 = "windows-1251"

# A UTF-8 encoded Cyrillic letter: lead byte D0/D1 followed by a continuation byte.
_UTF8_CYRILLIC = re.compile(rb"[\xd0\xd1][\x80-\xbf]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_WINDOW = 4096


def detect_encoding(body: bytes, declared_charset: str | None = None) -> str:
    """Return ``"utf-8"`` or ``"windows-1251"`` for ``body``.

    ``declared_charset`` (from the HTTP header) is only a tie-breaker for bodies that are
    pure ASCII, where both decodings give the same text anyway.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return UTF8
    if not _NON_ASCII.search(body):
        declared = (declared_charset or "").strip().lower()
        return UTF8 if declared in ("utf-8", "utf8") else CP1251
    try:
        body.decode(UTF8)
    except UnicodeDecodeError as exc:
        # A page cut in the middle of a multi-byte character is still UTF-8: only the
        # last up-to-3 bytes may be incomplete.
        if exc.start >= len(body) - 3 and exc.reason == "unexpected end of data":
            return UTF8
        # Otherwise weigh the evidence in a window from the first error: cp1251 Cyrillic
        # there is dense with errors and almost never forms D0/D1+continuation pairs, while
        # a UTF-8 page damaged in a few places has one error among many pairs. The window
        # keeps this O(4 KB) whatever the page size.
        window = body[exc.start : exc.start + _WINDOW]
        errors = window.decode(UTF8, errors="replace").count("\ufffd")
        cyrillic = len(_UTF8_CYRILLIC.findall(window)) + len(
            _UTF8_CYRILLIC.findall(body, 0, exc.start)
        )
        return UTF8 if cyrillic >= 4 * errors else CP1251
    return UTF8


def decode_page(body: bytes, declared_charset: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` of a page body, the encoding chosen from the bytes (see module
    doc), never by the meta tag: saved pages are UTF-8 under a cp1251 tag.

    Never raises on bad bytes: undecodable bytes become U+FFFD so that a damaged page is
    still classified (and, if unreadable, reported as a ParseError downstream).
    """
    encoding = detect_encoding(body, declared_charset)
    return decode_as(body, encoding), encoding


def decode_as(body: bytes, encoding: str) -> str:
    """Decode with an encoding from :func:`detect_encoding`, never raising."""
    if encoding == UTF8:
        text = body.decode(UTF8, errors="replace")
        return text[1:] if text.startswith("\ufeff") else text
    return body.decode(CP1251, errors="replace")

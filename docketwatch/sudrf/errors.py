"""Exceptions raised by the sudrf parsers.

Everything the parser cannot read surfaces as a :class:`ParseError` subclass so that the
service has exactly one thing to catch and dead-letter; any other exception escaping the
package is a bug (the property tests assert this).
"""

from __future__ import annotations

from docketwatch.contract import PageState


class ParseError(Exception):
    """A page the parser cannot turn into data. ``state`` is what the classifier saw."""

    def __init__(self, message: str, *, state: PageState | None = None) -> None:
        super().__init__(message)
        self.state = state


class UnrecognizedPageError(ParseError):
    """No known marker (results, card, captcha, outage…) was found on the page."""


class WrongPageKindError(ParseError):
    """The page is readable but is not the kind the caller said it fetched."""


class LayoutError(ParseError):
    """The page has the right markers but its structure is not the one we know."""


class CounterMismatchError(LayoutError):
    """The rows found disagree with the page's own counter (``записи с X по Y``)."""


class FieldFormatError(ParseError):
    """A value (date, time, number) does not have the format the site always uses."""

"""Russian and English: one gettext domain for the dashboard, the API, the CLI's report and
the alert texts, and the locale's number and month formats (Babel, CLDR).

Source strings are English; ``locale/<lang>/LC_MESSAGES/docketwatch.po`` holds the
translations. The .po files are read with Babel and compiled in memory once per process,
so no binary .mo file is kept in the repository.

The language of the code running now is a context variable: the dashboard sets it per
request, the CLI per command, and everything else (the alerts service) falls back to
``DW_LANG``. Court and region names are never passed through here: they stay as the
registry spells them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final, Literal, get_args

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

Lang = Literal["ru", "en"]
LANGS: Final[tuple[str, ...]] = get_args(Lang)
DEFAULT_LANG: Final[Lang] = "ru"
DOMAIN: Final = "docketwatch"
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"

_current: ContextVar[Lang | None] = ContextVar("docketwatch_lang", default=None)


def parse_lang(value: str | None) -> Lang | None:
    """``"ru"``, ``"EN"``, ``"en-GB"`` → the language; anything else → None."""
    text = (value or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return text if text in LANGS else None  # type: ignore[return-value]


def default_lang() -> Lang:
    """``DW_LANG`` (the setting docketwatch.settings.CommonSettings.lang, which services
    validate at start), Russian when unset; read here without building every setting."""
    return parse_lang(os.environ.get("DW_LANG")) or DEFAULT_LANG


def current() -> Lang:
    return _current.get() or default_lang()


def set_lang(lang: Lang) -> None:
    """The language of this context from now on (a request's task, a CLI command)."""
    _current.set(lang)


@contextmanager
def using(lang: Lang) -> Iterator[None]:
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


@cache
def translations(lang: Lang) -> Translations:
    """The catalogue of ``lang``, compiled in memory from its .po file (once)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n``: Russian has three (1 дело, 2 дела, 5 дел, 21 дело)."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A word that means different things in different places (``column``, ``workbook``)."""
    return str(translations(current()).pgettext(context, message))


def column(name: str) -> str:
    """A table column's header as people read it (CSV, XLSX, the report): the store's
    column name in English, a Russian header in Russian (msgctxt "column")."""
    return pgettext("column", name)


_ = gettext


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; it is translated where used
    (``_(FIGURES[key])``), because the language is only known then."""
    return message


def format_number(value: int | float | Decimal | None, decimals: int | None = None, *,
                  signed: bool = False) -> str:
    """11308 → ``11 308`` (ru: a no-break space, as CLDR has it) or ``11,308`` (en);
    ``decimals`` fixes the places after the point (3.5 → ``3,5`` / ``3.5``); ``signed``
    writes a plus too. None → "—"."""
    if value is None:
        return "—"
    fmt = None
    if decimals is not None or signed:
        body = "#,##0" + ("." + "0" * decimals if decimals else "")
        fmt = f"+{body};-{body}" if signed else body
    return format_decimal(value, format=fmt, locale=current())


def format_percent(share: float, decimals: int = 1) -> str:
    """0.0512 → ``5.1%`` / ``5,1%``."""
    return format_decimal(share * 100, format="#,##0." + "0" * decimals,
                          locale=current()) + "%"


def format_month(value: date | str) -> str:
    """A month on its own, in the standalone nominative: ``июль 2024`` / ``July 2024``."""
    day = date.fromisoformat(value[:7] + "-01") if isinstance(value, str) else value
    return format_date(day, "LLLL y", locale=current())


def month_abbr(month: int) -> str:
    """January… as a chart's axis shows them: ``янв.`` / ``Jan``."""
    return format_date(date(2000, month, 1), "LLL", locale=current())


def format_day(value: date | str) -> str:
    """A date in the locale's medium form: ``27 дек. 2024 г.`` / ``Dec 27, 2024``."""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, "medium", locale=current())


class Translated(Mapping[str, str]):
    """A mapping of marked strings (N_), read in the current language."""

    def __init__(self, source: Mapping[str, str]) -> None:
        self._source = source

    def __getitem__(self, key: str) -> str:
        return gettext(self._source[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)


# The store's keys (categories, decision classes, court states, alert states) as shown;
# the keys themselves stay as they are wherever a machine reads them.
TERMS: Final[dict[str, str]] = {
    "refusal": N_("refusal"), "military": N_("military"), "other": N_("other"),
    "unknown": N_("unknown"), "all": N_("all"),
    "verdict": N_("verdict"), "terminated": N_("terminated"),
    "returned_to_prosecutor": N_("returned to prosecutor"), "transferred": N_("transferred"),
    "other_ruling": N_("other ruling"), "medical_measures": N_("medical measures"),
    "unclassified": N_("unclassified"),
    "ok": N_("ok"), "incomplete": N_("incomplete"), "failing": N_("failing"),
    "captcha": N_("captcha"), "blocked": N_("blocked"), "circuit_open": N_("circuit open"),
    "no_report": N_("no report"),
    "firing": N_("firing"), "escalated": N_("escalated"), "resolved": N_("resolved"),
    "silenced": N_("silenced"),
    "info": N_("info"), "warning": N_("warning"), "critical": N_("critical"),
}


def term(key: str | None) -> str:
    """A key as shown: ``returned_to_prosecutor`` → "returned to prosecutor" / "возвращено
    прокурору"; an unknown key is shown as it is (underscores as spaces)."""
    if not key:
        return "—"
    known = TERMS.get(key)
    return gettext(known) if known else key.replace("_", " ")

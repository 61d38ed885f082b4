"""The message catalogue: every translatable string of the code, extracted with Babel, and
the .po files kept in step with it.

``python -m launcher.catalog`` adds new strings to ``docketwatch/locale/*/LC_MESSAGES/
docketwatch.po`` (with an empty translation to fill in) and marks the ones no longer used
obsolete; tests/docketwatch/test_i18n.py fails while a Russian translation is missing.
Table column headers (msgctxt "column") come from the API's row schemas, not the code.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from docketwatch.i18n import DOMAIN, LANGS, LOCALE_DIR
from docketwatch.settings import REPO_ROOT

SOURCES = ("docketwatch", "services", "launcher")
METHODS = [("**/locale/**", "ignore"), ("**.py", "python"),
           ("**/templates/**.html", "jinja2.ext:babel_extract")]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true",
                                    "trim_blocks": "true", "lstrip_blocks": "true"}}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _messages() -> Iterator[tuple[str, int, str | tuple[str, ...], str | None]]:
    for source in SOURCES:
        for filename, lineno, message, _comments, context in extract_from_dir(
                REPO_ROOT / source, METHODS, options_map=OPTIONS, keywords=KEYWORDS):
            yield f"{source}/{filename}", lineno, message, context


def column_names() -> list[str]:
    """Every column a download or the report can carry (their headers are translated)."""
    from services.dashboard import api, downloads

    names: dict[str, None] = {}
    for endpoint in api.ENDPOINTS:
        names.update(dict.fromkeys(endpoint.row))
    for row in (api.COURT_ROW, api.CASE_ROW, api.SOURCE_ROW, api.HEALTH_ROW,
                api.PAGE_HEALTH_ROW, downloads.HEALTH_COLUMNS):
        names.update(dict.fromkeys(row))
    names.update(dict.fromkeys(("at", "first_at", "last_at", "line", "record_month",
                                "record_month_received", "received_since",
                                "sentenced_since", "other_decisions_since", "received",
                                "sentenced", "other_decisions")))
    return list(names)


def template() -> Catalog:
    """What the code asks to translate (the .pot, in memory)."""
    catalog = Catalog(domain=DOMAIN, project="docketwatch", charset="utf-8")
    for location, lineno, message, context in _messages():
        catalog.add(message, locations=[(location, lineno)], context=context)
    for name in column_names():
        catalog.add(name, context="column")
    return catalog


def update() -> list[Path]:
    """Merge the code's strings into every language's .po; returns the files written."""
    pot = template()
    written = []
    for lang in LANGS:
        path = po_path(lang)
        if path.is_file():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="docketwatch")
        catalog.update(pot, no_fuzzy_matching=True, update_creation_date=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, no_location=True, ignore_obsolete=True,
                     include_previous=False, sort_output=False)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in update():
        print(p.relative_to(REPO_ROOT), file=sys.stderr)

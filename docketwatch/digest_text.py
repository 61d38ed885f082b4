"""Every human-readable word of the weekly digest, in one place, in the current language
(docketwatch.i18n: DW_LANG, or ``docketwatch digest --lang``).

:func:`sections` turns a :class:`~docketwatch.store.digest.Digest` into plain-text pieces;
each renderer only lays them out and escapes them for its medium: plain text and Markdown
(``docketwatch digest``), an e-mail's subject, text and HTML parts, and a Telegram message
in the Bot API's HTML parse mode. Court names, alert summaries and everything else from
the pages are hostile text: every piece is escaped, none is markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from babel.dates import format_date

from docketwatch.i18n import N_, current, format_number, gettext, term
from docketwatch.store.definitions import digest_definition
from docketwatch.store.digest import CourtWeek, Digest

TELEGRAM_MAX = 4096  # Bot API limit on a message's text (after entity parsing: we count more)
# Control characters (terminal escapes, line breaks) in text from the pages become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Inline Markdown and the HTML a Markdown renderer passes through.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


@dataclass(frozen=True)
class Section:
    title: str
    items: list[str]
    empty: str  # what stands in for no items


# The footnotes' names of the definitions (docketwatch.store.definitions.DIGEST).
_NAMES = {"week": N_("week"), "received": N_("received"), "verdicts": N_("verdicts"),
          "usual_week": N_("usual week"), "stood_out": N_("stood out"),
          "silent": N_("silent"), "unreachable": N_("unreachable"), "alerts": N_("alerts")}


def number(v: float) -> str:
    """A count or a median as quoted, in the language's digits: 7 rather than 7.0, 6.5 as it
    is (6,5 in Russian)."""
    return format_number(int(v)) if float(v).is_integer() else format_number(v, 1)


def title(d: Digest) -> str:
    return gettext("docketwatch weekly digest, {week} ({start} – {end})").format(
        week=d.week, start=format_date(d.start, "d MMM", locale=current()),
        end=format_date(d.end, "d MMM y", locale=current()))


def subject(d: Digest) -> str:
    return gettext("docketwatch {week}: {received} refusal cases received (usual week "
                   "{received_usual}), {verdicts} verdicts (usual week {verdicts_usual})").format(
        week=d.week, received=number(d.received), received_usual=number(d.received_usual),
        verdicts=number(d.verdicts), verdicts_usual=number(d.verdicts_usual))


def headline(d: Digest) -> list[str]:
    return [gettext("Refusal cases received: {n} (usual week: {usual})").format(
                n=number(d.received), usual=number(d.received_usual)),
            gettext("Verdicts: {n} (usual week: {usual})").format(
                n=number(d.verdicts), usual=number(d.verdicts_usual))]


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def _court(c: CourtWeek) -> str:
    where = ", ".join(_clean(x) for x in (c.court_code, c.region) if x)
    return f"{_clean(c.court_name or c.court_code)} ({where})"


def sections(d: Digest) -> list[Section]:
    none = gettext("none")
    return [
        Section(gettext("Courts that stood out"),
                [gettext("{court}: {n} received, usual week {usual}").format(
                    court=_court(c), n=number(c.received), usual=number(c.usual))
                 for c in d.stood_out], none),
        Section(gettext("Courts that went silent"),
                [gettext("{court}: none received, usual week {usual}").format(
                    court=_court(c), usual=number(c.usual)) for c in d.silent], none),
        Section(gettext("No cases, but the site was not fetched fine (no data, not silence)"),
                [gettext("{court}: none received, usual week {usual}; site: {health}").format(
                    court=_court(c), usual=number(c.usual),
                    health=_clean(term(c.health)) if c.health else gettext("never checked"))
                 for c in d.unreachable], none),
        Section(gettext("Alerts of the week"),
                [gettext("{day} {severity}, now {status}: {summary}").format(
                    day=f"{a.at:%Y-%m-%d}", severity=_clean(term(a.severity)),
                    status=_clean(term(a.status)), summary=_clean(a.summary))
                 for a in d.alerts], none),
    ]


def footnotes(d: Digest) -> list[str]:
    asof = (gettext("As the dockets stood on {day}. ").format(day=f"{d.docket_date:%Y-%m-%d}")
            if d.docket_date else "")
    return [asof + digest_definition("provisional"),
            *(f"{gettext(label)}: {digest_definition(name)}" for name, label in _NAMES.items())]


def _limited(s: Section, limit: int | None) -> list[str]:
    if limit is None or len(s.items) <= limit:
        return s.items
    return [*s.items[:limit], gettext("… and {n} more").format(n=len(s.items) - limit)]


def render_text(d: Digest) -> str:
    out = [title(d), "", *headline(d)]
    for s in sections(d):
        out += ["", f"{s.title} ({len(s.items)})" if s.items else f"{s.title}: {s.empty}"]
        out += [f"  - {item}" for item in s.items]
    out += ["", *footnotes(d)]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(d: Digest) -> str:
    out = [f"# {_md(title(d))}", "", *(f"- **{_md(h)}**" for h in headline(d))]
    for s in sections(d):
        out += ["", f"## {_md(s.title)}", ""]
        out += [f"- {_md(i)}" for i in s.items] or [_md(s.empty)]
    out += ["", "---", "", *(f"- {_md(n)}" for n in footnotes(d))]
    return "\n".join(out) + "\n"


def render_email_html(d: Digest) -> str:
    e = html.escape
    out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
           f"<title>{e(subject(d))}</title></head><body>", f"<h2>{e(title(d))}</h2>",
           "<p>" + "<br>".join(f"<b>{e(h)}</b>" for h in headline(d)) + "</p>"]
    for s in sections(d):
        out.append(f"<h3>{e(s.title)}</h3>")
        if s.items:
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in s.items) + "</ul>")
        else:
            out.append(f"<p>{e(s.empty)}</p>")
    out += ["<hr>", "<p><small>" + "<br>".join(e(n) for n in footnotes(d)) + "</small></p>",
            "</body></html>"]
    return "\n".join(out) + "\n"


def _telegram(d: Digest, limit: int | None, notes: bool) -> str:
    # Bot API HTML mode: <, > and & are escaped, quotes need not be.
    def e(text: str) -> str:
        return html.escape(text, quote=False)

    out = [f"<b>{e(title(d))}</b>", *(e(h) for h in headline(d))]
    for s in sections(d):
        items = _limited(s, limit)
        out += ["", f"<b>{e(s.title)}</b>" + ("" if items else f": {e(s.empty)}")]
        out += [f"• {e(i)}" for i in items]
    out += ["", f"<i>{e(footnotes(d)[0])}</i>"] if notes else []
    return "\n".join(out)


def render_telegram(d: Digest) -> str:
    """One message within the Bot API's limit: long lists are cut, with how many more."""
    for limit, notes in ((None, True), (20, True), (10, True), (5, False), (0, False)):
        text = _telegram(d, limit, notes)
        if len(text) <= TELEGRAM_MAX:
            return text
    # Only pathological summaries get here; cut at a line so no tag is left open.
    return text[:TELEGRAM_MAX].rsplit("\n", 1)[0]

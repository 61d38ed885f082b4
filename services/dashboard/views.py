"""The HTML pages. Each renders the same payloads the JSON API serves (data.Store).

Jinja2 autoescapes every value (court pages are untrusted input: judges' names, decision
texts and case numbers are whatever a court site showed), chart series reach the browser
through ``|tojson`` inside a non-executed ``<script type="application/json">`` block, and
links to source pages are only emitted for http(s) URLs.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from aiohttp import web

from docketwatch import i18n
from docketwatch.store.definitions import FIGURES
from services.dashboard import appeals, figures, params, queries
from services.dashboard.data import STORE, Store

TEMPLATES = Path(__file__).resolve().parent / "templates"
JINJA = web.AppKey("jinja", jinja2.Environment)


def _number(value: Any) -> str:
    """In the visitor's locale: 11 308 (ru, a no-break space) or 11,308 (en)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return i18n.format_number(value, decimals=1)
    return i18n.format_number(int(value))


def _signed_pct(value: float) -> str:
    """A change in percent, signed: +3.5 % (en), +3,5 % (ru)."""
    return i18n.format_number(value, decimals=1, signed=True) + " %"


def _stamp(value: Any) -> str:
    """``2024-12-27 10:00:00.123456`` → ``2024-12-27 10:00:00`` (the API keeps microseconds)."""
    return str(value)[:19] if value else "—"


def _safe_url(value: Any) -> str | None:
    """Only http(s) URLs become links: a javascript: or data: URL stays plain text."""
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else None


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: all values are escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Newstyle gettext: _("… %(name)s", name=value) escapes the value, then formats.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True)
    env.filters["number"] = _number
    env.filters["month"] = i18n.format_month
    env.filters["day"] = i18n.format_day
    env.filters["term"] = i18n.term
    env.globals["signed_pct"] = _signed_pct
    env.globals["current_lang"] = i18n.current  # in macros too, which get no context
    # What each number means, shown next to it (docketwatch.store.definitions).
    env.globals["define"] = i18n.Translated(FIGURES)
    env.filters["safe_url"] = _safe_url
    env.filters["stamp"] = _stamp
    env.filters["path"] = lambda v: quote(str(v), safe="")
    env.filters["query"] = lambda d: urlencode({k: v for k, v in d.items() if v})
    return env


def render(request: web.Request, template: str, status: int = 200, **context: Any,
           ) -> web.Response:
    env = request.app[JINJA]
    lang = i18n.current()
    switch = [(code, str(request.rel_url.update_query(lang=code))) for code in i18n.LANGS]
    body = env.get_template(template).render(request_path=request.path, lang=lang,
                                             lang_switch=switch, **context)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def _store(request: web.Request) -> Store:
    return request.app[STORE]


async def overview(request: web.Request) -> web.Response:
    store = _store(request)
    category = params.category(request.query, "refusal") or "refusal"
    national = queries.Filters()
    summary, yoy, courts, regions, alerts, health = await asyncio.gather(
        store.listing(queries.summary()),
        store.listing(queries.year_over_year("received", category)),
        store.listing(queries.courts()),
        store.listing(queries.regions()),
        store.alerts("active"),
        store.source_health(),
    )
    received, decided, per_day, yoy_chart, suspended = await asyncio.gather(
        figures.build(store, "received", None, national),
        figures.build(store, "decisions", category, national),
        figures.build(store, "per-day", category, national),
        figures.build(store, "yoy", category, national),
        figures.build(store, "suspended", category, national),
    )
    latest_yoy = latest_complete_change(yoy["data"])
    return render(
        request, "overview.html", category=category, categories=queries.CATEGORIES,
        summary=summary["data"][0] if summary["data"] else None,
        charts={"received": received, "decisions": decided, "per_day": per_day,
                "yoy": yoy_chart, "suspended": suspended},
        latest_yoy=latest_yoy, courts=courts["data"][:10], n_courts=len(courts["data"]),
        regions=regions["data"], alerts=alerts, health=_health_rows(health),
        directory=(await store.listing(queries.court_directory()))["data"])


def latest_complete_change(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The headline "vs a year earlier": the latest month that is complete, and whose month a
    year earlier is complete too, with a change to show. A provisional month may still grow
    (sudrf publishes late), so its change against a complete year-ago month is not news."""
    status = {r["month"]: r["status"] for r in rows}
    for r in reversed(rows):
        year_ago = f"{int(r['month'][:4]) - 1:04d}{r['month'][4:]}"
        if (r["yoy_change"] is not None and r["status"] == "complete"
                and status.get(year_ago) == "complete"):
            return r
    return None


def _health_rows(health: dict[str, Any]) -> dict[str, Any]:
    """Page statistics and the fetcher's health records side by side, per court."""
    fetcher = {r["court_code"]: r for r in health["fetcher"]["data"]}
    rows = [{**r, "fetcher": fetcher.pop(r["court_code"], None)}
            for r in health["pages"]["data"]]
    rows += [{"court_code": code, "court_name": "", "pages": None, "last_fetch": None,
              "last_new_case": None, "fetcher": f}
             for code, f in sorted(fetcher.items())]
    states: dict[str, int] = {}
    for r in rows:
        state = r["fetcher"]["state"] if r["fetcher"] else "no_report"
        states[state] = states.get(state, 0) + 1
    return {"rows": rows, "available": health["fetcher"]["available"], "states": states}


async def courts_page(request: web.Request) -> web.Response:
    region = params.region(request.query)
    courts = await _store(request).listing(queries.courts(region=region))
    return render(request, "courts.html", courts=courts["data"], region=region)


async def court_page(request: web.Request) -> web.Response:
    store = _store(request)
    code = params.check_court(request.match_info["code"])
    court = await store.court(code)
    if court is None:
        raise web.HTTPNotFound(text=f"no court {code}")
    filters = queries.Filters(court=code)
    received, decided, cases, health = await asyncio.gather(
        figures.build(store, "received", None, filters),
        figures.build(store, "decisions", "refusal", filters),
        store.cases(queries.CaseSearch(court=code, limit=25)),
        store.source_health(),
    )
    health_rows = [r for r in _health_rows(health)["rows"] if r["court_code"] == code]
    return render(
        request, "court.html", code=code, info=court["court"], stats=court["stats"],
        charts={"received": received, "decisions": decided},
        cases=cases, health=health_rows[0] if health_rows else None)


async def regions_page(request: web.Request) -> web.Response:
    regions = await _store(request).listing(queries.regions())
    return render(request, "regions.html", regions=regions["data"])


async def region_page(request: web.Request) -> web.Response:
    store = _store(request)
    region = request.match_info["region"]
    received, courts = await asyncio.gather(
        figures.build(store, "received", None, queries.Filters(region=region)),
        store.listing(queries.courts(region=region)))
    if not courts["data"]:
        raise web.HTTPNotFound(text="no cases in this region")
    return render(request, "region.html", region=region, courts=courts["data"],
                  charts={"received": received})


async def cases_page(request: web.Request) -> web.Response:
    store = _store(request)
    search = params.case_search(request.query)
    result, directory = await asyncio.gather(
        store.cases(search), store.listing(queries.court_directory()))
    form = {"court": search.court or "", "article": search.article or "",
            "number": search.number or ""}
    return render(request, "cases.html", result=result, form=form,
                  directory=directory["data"], search=search)


async def case_page(request: web.Request) -> web.Response:
    case = await _store(request).case(request.match_info["case_key"])
    if case is None:
        raise web.HTTPNotFound(text="no such case")
    steps = await appeals.case_steps(_store(request), request.match_info["case_key"])
    return render(request, "case.html", case=case["case"], sources=case["sources"],
                  steps=steps)


async def alerts_page(request: web.Request) -> web.Response:
    store = _store(request)
    active, log = await asyncio.gather(store.alerts("active"), store.alerts("log", 200))
    return render(request, "alerts.html", active=active, log=log)


async def sources_page(request: web.Request) -> web.Response:
    health = await _store(request).source_health()
    return render(request, "sources.html", health=_health_rows(health))


ROUTES = (
    ("/", overview),
    ("/courts", courts_page),
    ("/courts/{code}", court_page),
    ("/regions", regions_page),
    ("/regions/{region}", region_page),
    ("/cases", cases_page),
    ("/cases/{case_key:.+}", case_page),  # case numbers contain "/"
    ("/alerts", alerts_page),
    ("/sources", sources_page),
)

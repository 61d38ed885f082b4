"""The visitor's language: ``?lang=ru|en`` (remembered in a cookie), else the cookie, else
``DW_LANG``. Set once per request, in the request's context, so templates, charts,
downloads and the API's definitions all read the same language (docketwatch.i18n)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from docketwatch import i18n
from services.dashboard.params import BadInput

COOKIE = "dw_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
LANG = web.RequestKey("lang", str)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def choose(request: web.Request) -> tuple[i18n.Lang, bool]:
    """The language, and whether the request asked for it (then the cookie remembers it)."""
    asked = request.query.get("lang")
    if asked is not None:
        lang = i18n.parse_lang(asked)
        if lang is None:
            raise BadInput(f"lang must be one of {', '.join(i18n.LANGS)}")
        return lang, True
    return i18n.parse_lang(request.cookies.get(COOKIE)) or i18n.default_lang(), False


@web.middleware
async def language(request: web.Request, handler: Handler) -> web.StreamResponse:
    lang, asked = choose(request)
    i18n.set_lang(lang)  # this request's task only
    request[LANG] = lang
    response = await handler(request)
    if asked and not response.prepared:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax",
                            httponly=True)
    return response

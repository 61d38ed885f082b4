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


def remembered(request: web.Request) -> i18n.Lang:
    """The cookie's language, else DW_LANG."""
    return i18n.parse_lang(request.cookies.get(COOKIE)) or i18n.default_lang()


def asked(request: web.Request) -> i18n.Lang | None:
    """``?lang=``: None when absent, BadInput when it is no language of ours."""
    value = request.query.get("lang")
    if value is None:
        return None
    lang = i18n.parse_lang(value)
    if lang is None:
        raise BadInput(f"lang must be one of {', '.join(i18n.LANGS)}")
    return lang


@web.middleware
async def language(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Set before anything can fail: the error page of a bad ?lang= is in the cookie's
    # language (or DW_LANG's), like every other page of this visitor.
    fallback = remembered(request)
    i18n.set_lang(fallback)
    chosen = asked(request)
    lang = chosen or fallback
    i18n.set_lang(lang)  # this request's task only
    request[LANG] = lang
    response = await handler(request)
    if chosen is not None and not response.prepared:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax",
                            httponly=True)
    return response

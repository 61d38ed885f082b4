"""The aiohttp application: every court under a path prefix on one host.

``http://127.0.0.1:PORT/<vnkod>/modules.php?…`` is a court's site. The pages keep the real
absolute links (``/modules.php?…name_op=case&case_uid=…``); those resolve to the host root,
where ``/modules.php`` finds the court by ``vnkod`` (pager links carry it) or by the
globally unique ``case_uid`` (card links), so a client that follows links still lands right.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import OrderedDict, deque
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from aiohttp import web

from docketwatch import http_guard
from docketwatch.sudrf.query import REVIEW_MODULES, review_modules

from . import render, render_appeals, render_vnkod
from .clock import SimClock
from .corpus import Corpus
from .courts import Court
from .faults import FaultConfig, FaultPlan
from .model import CaseView
from .query import (
    BadQuery,
    Search,
    pager_tail,
    parse_query,
    search_from,
    search_from_vnkod,
    vnkod_tail,
)
from .truth import truth

CAPTCHA_TTL_SECONDS = 6 * 3600  # a solved pair is said to work for about six hours
COURT_KEY: web.RequestKey[str] = web.RequestKey("court", str)
FAULT_KEY: web.RequestKey[str] = web.RequestKey("fault", str)


@dataclass(frozen=True, slots=True)
class AccessRecord:
    time: float  # time.time() when the response was ready
    monotonic: float
    court: str
    path_qs: str
    status: int
    user_agent: str
    fault: str | None


class AccessLog:
    """In memory (bounded) and optionally appended to a JSON-lines file."""

    def __init__(self, path: str | Path | None = None, maxlen: int = 200_000) -> None:
        self.records: deque[AccessRecord] = deque(maxlen=maxlen)
        self._fh: TextIO | None = Path(path).open("a", encoding="utf-8") if path else None

    def add(self, rec: AccessRecord) -> None:
        self.records.append(rec)
        if self._fh is not None:
            self._fh.write(json.dumps(asdict(rec), ensure_ascii=False) + "\n")
            self._fh.flush()

    def for_court(self, vnkod: str) -> list[AccessRecord]:
        return [r for r in self.records if r.court == vnkod]

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class Simulator:
    """State behind the routes: corpus, clock, faults, caches and the access log."""

    def __init__(
        self,
        corpus: Corpus,
        clock: SimClock,
        faults: FaultConfig | None = None,
        access_log: AccessLog | None = None,
    ) -> None:
        self.corpus = corpus
        self.clock = clock
        self.faults = FaultPlan(faults or FaultConfig(seed=corpus.seed))
        self.log = access_log or AccessLog()
        self._lists: OrderedDict[tuple[object, ...], list[CaseView]] = OrderedDict()
        self._captcha_issued: dict[str, float] = {}
        self._captcha_counter = 0

    # -- data ------------------------------------------------------------------------

    def filtered(self, vnkod: str, as_of: date, search: Search) -> list[CaseView]:
        key = (vnkod, as_of, search.key)
        hit = self._lists.get(key)
        if hit is not None:
            self._lists.move_to_end(key)
            return hit
        views = self.corpus.visible(as_of).get(vnkod, [])
        result = [v for v in views if search.matches(v)]
        self._lists[key] = result
        if len(self._lists) > 2048:
            self._lists.popitem(last=False)
        return result

    def find_view(self, vnkod: str, as_of: date, case_uid: str) -> CaseView | None:
        case = self.corpus.by_uid.get(case_uid)
        if case is None or case.court != vnkod:
            return None
        return case.view(as_of)

    # -- captcha ---------------------------------------------------------------------

    def issue_captcha(self) -> str:
        self._captcha_counter += 1
        cid = hashlib.blake2b(
            f"{self.corpus.seed}:captcha:{self._captcha_counter}".encode(), digest_size=13
        ).hexdigest()
        self._captcha_issued[cid] = time.monotonic()
        return cid

    def captcha_answer(self, captcha_id: str) -> str:
        digest = hashlib.blake2b(f"{self.corpus.seed}:answer:{captcha_id}".encode(), digest_size=8)
        return f"{int.from_bytes(digest.digest(), 'big') % 100_000:05d}"

    def captcha_ok(self, captcha_id: str, answer: str) -> bool:
        issued = self._captcha_issued.get(captcha_id)
        if issued is None or time.monotonic() - issued > CAPTCHA_TTL_SECONDS:
            return False
        return answer.strip() == self.captcha_answer(captcha_id)


def _html(body: bytes, status: int = 200, charset: str = "windows-1251") -> web.Response:
    return web.Response(
        body=body, status=status, headers={"Content-Type": f"text/html; charset={charset}"}
    )


async def _modules(request: web.Request, sim: Simulator, vnkod: str | None) -> web.Response:
    raw_qs = request.query_string
    params = dict(parse_query(raw_qs))
    court: Court | None = None
    if vnkod is not None:
        court = sim.corpus.court(vnkod)
    elif params.get("vnkod"):
        court = sim.corpus.court(params["vnkod"])
    elif params.get("case_uid") or params.get("_uid"):
        case = sim.corpus.by_uid.get(params.get("case_uid") or params["_uid"])
        court = sim.corpus.court(case.court) if case is not None else None
    if court is None:
        raise web.HTTPNotFound(text="unknown court")
    request[COURT_KEY] = court.vnkod
    ua = request.headers.get("User-Agent", "")
    cfg = sim.faults.config
    if cfg.waf_non_browser and "Mozilla/" not in ua:
        return _html(render.render_waf_block(), status=403)

    as_of = sim.clock.today()
    op = params.get("name_op", "")
    is_list = op == "r"
    fault_key = f"{court.vnkod}?{raw_qs}"
    fault = sim.faults.draw(fault_key, is_list)
    if fault is not None:
        request[FAULT_KEY] = fault
    if fault == "site_down":
        status, body = render.render_site_down(int(sim.faults.fraction(fault_key, "down") * 2))
        return _html(body, status=status)
    if fault == "http_5xx":
        status = (500, 502, 503, 504)[int(sim.faults.fraction(fault_key, "5xx") * 4)]
        return _html(render.render_server_error(status), status=status)
    if fault in ("timeout", "slow"):
        await asyncio.sleep(cfg.timeout_seconds if fault == "timeout" else cfg.slow_seconds)

    status = 200
    if court.interface == "vnkod" and cfg.vnkod_interface and op in ("r", "case"):
        body = _vnkod_page(sim, court, params, raw_qs, as_of, op)
    elif op == "r":
        status, body = _list_page(sim, court, params, raw_qs, as_of, fault)
    elif op == "sf":
        captcha = sim.issue_captcha() if court.captcha and cfg.captcha_gate else None
        body = render.render_search_form(court, as_of, captcha)
    elif op == "case" and (instance := _review_module(court, params)) is not None:
        appeal = sim.corpus.appeal_by_uid.get(params.get("case_uid", ""))
        if appeal is None or appeal.court != court.vnkod or appeal.instance != instance \
                or not appeal.visible(as_of):
            body = render.render_empty(court, as_of)
        else:
            body = render_appeals.render_review_card(court, appeal, as_of)
    elif op in ("case", "doc"):
        view = _card_view(sim, court, params, as_of)
        if view is None:
            body = render.render_empty(court, as_of)
        elif op == "case":
            body = render.render_card(court, view, as_of)
        elif view.has_act:
            body = render.render_doc(court, view, as_of)
        else:
            body = render.render_empty(court, as_of)
    else:
        body = render.render_search_form(court, as_of, None)

    charset = "windows-1251"
    if fault == "truncated":
        cut = 0.2 + 0.6 * sim.faults.fraction(fault_key, "cut")
        body = body[: int(len(body) * cut)]
    elif fault == "wrong_charset":
        charset = "utf-8"
    return _html(body, status=status, charset=charset)


def _vnkod_page(
    sim: Simulator, court: Court, params: dict[str, str], raw_qs: str, as_of: date, op: str
) -> bytes:
    if op == "case":
        view = sim.find_view(court.vnkod, as_of, params.get("_uid", ""))
        if view is None:
            return render_vnkod.render_empty(court, as_of)
        return render_vnkod.render_card(court, view, as_of)
    # Standard-interface parameters (delo_id=…) find nothing here: the search needs _deloId.
    if params.get("_deloId") != "1540006" or params.get("_new", "0") not in ("0", ""):
        return render_vnkod.render_empty(court, as_of)
    try:
        search = search_from_vnkod(params)
    except BadQuery:
        return render.render_bad_query(court, as_of)
    views = sim.filtered(court.vnkod, as_of, search)
    if not views:
        return render_vnkod.render_empty(court, as_of)
    try:
        page = max(1, int(params.get("_page", "1") or "1"))
    except ValueError:
        page = 1
    return render_vnkod.render_results(court, views, page, vnkod_tail(raw_qs), as_of)


def _card_view(
    sim: Simulator, court: Court, params: dict[str, str], as_of: date
) -> CaseView | None:
    uid = params.get("case_uid", "")
    if op_number := params.get("number"):
        # Act links carry a number derived from case_id (see render.act_href).
        try:
            case_id = int(op_number) - 7_000_000
        except ValueError:
            return None
        for v in sim.corpus.visible(as_of).get(court.vnkod, []):
            if v.case.case_id == case_id:
                return v
        return None
    return sim.find_view(court.vnkod, as_of, uid)


def _list_page(
    sim: Simulator,
    court: Court,
    params: dict[str, str],
    raw_qs: str,
    as_of: date,
    fault: str | None,
) -> tuple[int, bytes]:
    cfg = sim.faults.config
    if "vnkod" in params and not params["vnkod"]:
        # An empty vnkod= makes the real site fall back to the search form.
        return 200, render.render_search_form(court, as_of, None)
    if court.captcha and cfg.captcha_gate:
        cid, answer = params.get("captchaid", ""), params.get("captcha", "")
        if not cid or not answer:
            return 200, render.render_search_form(court, as_of, sim.issue_captcha())
        if not sim.captcha_ok(cid, answer):
            return 200, render.render_wrong_captcha(court, as_of)
    if fault == "captcha":
        return 200, render.render_search_form(court, as_of, sim.issue_captcha())
    if fault == "wrong_captcha":
        return 200, render.render_wrong_captcha(court, as_of)
    if (instance := _review_module(court, params)) is not None:
        return 200, _review_list(sim, court, instance, params, raw_qs, as_of)
    # A wrong cartoteka is a silent failure on the real site: an empty result.
    if params.get("delo_id", "1540006") != "1540006" or params.get("new", "0") not in ("0", ""):
        return 200, render.render_empty(court, as_of)
    try:
        search = search_from(params)
    except BadQuery:
        return 200, render.render_bad_query(court, as_of)
    views = sim.filtered(court.vnkod, as_of, search)
    if not views or fault == "false_empty":
        return 200, render.render_empty(court, as_of)
    try:
        page = max(1, int(params.get("page", "1") or "1"))
    except ValueError:
        page = 1
    if fault == "shifted_rows":
        # Between two page fetches a few cases were registered: everything moves down.
        k = 1 + int(sim.faults.fraction(f"{court.vnkod}?{raw_qs}", "shift") * 3)
        views = views[:k] + views
    return 200, render.render_results(court, views, page, pager_tail(raw_qs), as_of)


def _review_module(court: Court, params: dict[str, str]) -> str | None:
    """The review module (``appeal``/``cassation``) a query asks of a court that holds it."""
    for instance in review_modules(court.vnkod):
        delo_id, new = REVIEW_MODULES[instance]
        if params.get("delo_id") == delo_id and params.get("new", "0") == new:
            return instance
    return None


def _review_list(sim: Simulator, court: Court, instance: str, params: dict[str, str],
                 raw_qs: str, as_of: date) -> bytes:
    try:
        lo = _review_date(params.get("u2_case__ENTRY_DATE1D", ""))
        hi = _review_date(params.get("u2_case__ENTRY_DATE2D", ""))
    except ValueError:
        return render.render_bad_query(court, as_of)
    shown = [a for a in sim.corpus.appeals_by_court.get(court.vnkod, [])
             if a.instance == instance and a.visible(as_of)
             and (lo is None or a.receipt_date >= lo) and (hi is None or a.receipt_date <= hi)]
    if not shown:
        return render_appeals.render_review_empty(court, instance, as_of)
    try:
        page = max(1, int(params.get("page", "1") or "1"))
    except ValueError:
        page = 1
    return render_appeals.render_review_list(court, instance, shown, page, pager_tail(raw_qs),
                                             as_of)


def _review_date(text: str) -> date | None:
    if not text:
        return None
    day, month, year = text.split(".")
    return date(int(year), int(month), int(day))


# --------------------------------------------------------------------------- control API


async def _truth(request: web.Request, sim: Simulator) -> web.Response:
    raw = request.query.get("as_of")
    as_of = date.fromisoformat(raw) if raw else sim.clock.today()
    data = await asyncio.get_running_loop().run_in_executor(None, truth, sim.corpus, as_of)
    return web.json_response(data, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def _clock(request: web.Request, sim: Simulator) -> web.Response:
    if request.method == "POST":
        data: dict[str, Any] = {}
        if request.can_read_body:
            data = await request.json()
        raw = data.get("as_of") or request.query.get("as_of")
        speed = data.get("seconds_per_day", request.query.get("seconds_per_day"))
        if raw is None:
            raise web.HTTPBadRequest(text="as_of required")
        if "live" in data and not data["live"]:
            sim.clock.set(date.fromisoformat(raw), None, keep_speed=False)
        else:
            sim.clock.set(date.fromisoformat(raw), float(speed) if speed is not None else None)
    return web.json_response(
        {
            "as_of": sim.clock.today().isoformat(),
            "live": sim.clock.live,
            "seconds_per_day": sim.clock.seconds_per_day,
        }
    )


SIM_KEY: web.AppKey[Simulator] = web.AppKey("sim", Simulator)


def make_app(
    corpus: Corpus,
    clock: SimClock,
    faults: FaultConfig | None = None,
    access_log: AccessLog | None = None,
    bind_host: str = "127.0.0.1",
) -> web.Application:
    sim = Simulator(corpus, clock, faults, access_log)
    # The court pages answer any client, as the real sites do; the simulator's own control
    # endpoints (/_sim/: the clock, the truth, the captcha answers) are closed to web pages,
    # so a page in the user's browser cannot move the clock of a running demo.
    guard = http_guard.BrowserGuard.build(bind_host, (),
                                          hostnames_setting="the simulator's --host")
    control = http_guard.middleware("simulator", guard, prefix="/_sim/")

    @web.middleware
    async def log_requests(request: web.Request, handler: Any) -> web.StreamResponse:
        status = 500
        try:
            response: web.StreamResponse = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            if not request.path.startswith("/_sim/"):
                sim.log.add(
                    AccessRecord(
                        time=time.time(),
                        monotonic=time.monotonic(),
                        court=request.get(COURT_KEY, ""),
                        path_qs=request.path_qs,
                        status=status,
                        user_agent=request.headers.get("User-Agent", ""),
                        fault=request.get(FAULT_KEY),
                    )
                )

    app = web.Application(middlewares=[control, log_requests])
    app[SIM_KEY] = sim

    async def court_modules(request: web.Request) -> web.Response:
        return await _modules(request, sim, request.match_info["vnkod"])

    async def root_modules(request: web.Request) -> web.Response:
        return await _modules(request, sim, None)

    async def health(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "ok": True,
                "seed": corpus.seed,
                "cases": len(corpus.cases),
                "courts": len(corpus.courts),
                "as_of": sim.clock.today().isoformat(),
                "faults": sim.faults.config.as_dict(),
            }
        )

    async def truth_route(request: web.Request) -> web.Response:
        return await _truth(request, sim)

    async def clock_route(request: web.Request) -> web.Response:
        return await _clock(request, sim)

    async def captcha_route(request: web.Request) -> web.Response:
        # A test/demo hook: the answer a human would read off the image.
        cid = request.query.get("captchaid", "")
        return web.json_response({"captchaid": cid, "answer": sim.captcha_answer(cid)})

    async def log_route(request: web.Request) -> web.Response:
        court = request.query.get("court")
        recs = sim.log.for_court(court) if court else list(sim.log.records)
        return web.json_response([asdict(r) for r in recs])

    app.router.add_get("/_sim/health", health)
    app.router.add_get("/_sim/truth", truth_route)
    app.router.add_route("*", "/_sim/clock", clock_route)
    app.router.add_get("/_sim/captcha", captcha_route)
    app.router.add_get("/_sim/access_log", log_route)
    app.router.add_get("/modules.php", root_modules)
    app.router.add_get("/{vnkod}/modules.php", court_modules)

    async def close_log(_: web.Application) -> None:
        sim.log.close()

    app.on_cleanup.append(close_log)
    return app

"""Page parsing in child processes, with a limit on the CPU time each page may take.

Parsing is CPU work in C (lexbor's tree building, the regex engine) that holds the GIL. On a
service's event loop, a page that takes long stops everything else there, Kafka heartbeats
and the stall watch included, and no thread can interrupt it; the HTML5 tree building itself
is quadratic on deeply nested markup (lexbor takes 3 s for 40,000 unclosed ``<div>``, and
minutes for an 8 MiB page of them), so no rewrite of our own patterns can bound it. Hence:

* each page is parsed by a child process (``python -m docketwatch.parse_pool``) that arms a
  CPU-time timer (``ITIMER_PROF``) for the page; its signal's default action ends the child
  once the page has used ``cpu_limit_s`` of CPU, even inside C code;
* the parent sees the child end, answers that page with a ``ParseTimeout`` outcome, starts a
  new child and hands it the pages that were queued behind. A child that ends otherwise
  (killed, crashed) has its page tried once more in a new child, then answered
  ``ParserCrashed``. A page that takes ``wall_limit_s`` of wall time (a child starved of
  CPU on a crowded machine still gets its CPU seconds; one stopped altogether does not) is
  answered ``ParseTimeout`` too;
* the limit counts CPU seconds, so a page is not refused because the machine was busy.

Pages are handed over ahead of need (:meth:`ParsePool.stream`), so a child parses the next
pages while the parent handles the last one: the parent's cost per page is the hand-over
(about a fifth of a parse), not the parse.

A child that cannot start (a broken installation) is retried for ever, with a pause: an
outage of our own must stall the stream (consumer lag, the stall watch), never answer a
page as unreadable. Children die with their parent (``PR_SET_PDEATHSIG`` on Linux, and
end of input everywhere).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from docketwatch.contract import PageKind
from docketwatch.sudrf.models import ParsedPage

log = logging.getLogger(__name__)

PARSE_TIMEOUT = "ParseTimeout"
PARSER_CRASHED = "ParserCrashed"
# Attempts of a page whose child ended without a timeout before it is answered crashed.
CRASH_ATTEMPTS = 2
START_TIMEOUT_S = 120.0  # from spawn to "ready" (imports), on a crowded machine
RESTART_PAUSE_S = 1.0  # between failed starts
_HEAD = struct.Struct("!I")
_LIBRARY_ROOT = str(Path(__file__).resolve().parent.parent)


@dataclass(frozen=True, slots=True)
class ParseRequest:
    """The arguments of :func:`docketwatch.sudrf.parse.parse_page` for one page."""

    body: bytes
    kind: PageKind | None
    court_code: str
    charset: str | None = None
    keep_names: bool = False
    case_uid: str | None = None
    case_id: str | None = None

    def __reduce__(self) -> tuple[type[ParseRequest], tuple[object, ...]]:
        # Not dataclasses' slots pickling, which costs more than the hand-over itself.
        return ParseRequest, (self.body, self.kind, self.court_code, self.charset,
                              self.keep_names, self.case_uid, self.case_id)


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """What parsing one page gave: the parsed page, or why there is none (``error_type`` is
    the ParseError's class name, ``ParseTimeout`` or ``ParserCrashed``)."""

    parsed: ParsedPage | None = None
    error_type: str | None = None
    error: str | None = None
    seconds: float = 0.0  # time the child spent on the page (the CPU limit, for a timeout)


class ParsePoolClosed(Exception):
    """The pool was closed while pages were waiting: not the pages' fault."""


# --------------------------------------------------------------------------- the child


def _write_frame(out: BinaryIO, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEAD.pack(len(data)) + data)
    out.flush()


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):  # best effort: stdin's end also ends us
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)


def _child(cpu_limit_s: float, parent: int) -> None:
    from docketwatch.sudrf.parse import parse_page

    source = sys.stdin.buffer
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not break frames
    _die_with_parent(parent)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)  # default action: end the process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a ^C is for the parent to handle
    _write_frame(out, ("ready", os.getpid()))
    while len(head := source.read(_HEAD.size)) == _HEAD.size:
        (size,) = _HEAD.unpack(head)
        req: ParseRequest = pickle.loads(source.read(size))  # noqa: S301 - from our parent
        # Wall time for the record: the process's CPU clock is kept in ticks of several ms
        # on some kernels, too coarse for a page (the kernel's own timer enforces the limit).
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_PROF, cpu_limit_s)
        try:
            answer: tuple[Any, ...] = ("ok", parse_page(
                req.body, req.kind, req.court_code, charset=req.charset,
                keep_names=req.keep_names, case_uid=req.case_uid, case_id=req.case_id))
        except Exception as exc:  # parse_page raises ParseErrors only; anything else too
            answer = ("error", type(exc).__name__, str(exc)[:4000])
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        _write_frame(out, (*answer, time.perf_counter() - t0))


# --------------------------------------------------------------------------- the parent


class _Job:
    __slots__ = ("frame", "future", "tries")

    def __init__(self, frame: bytes, future: asyncio.Future[ParseOutcome]) -> None:
        self.frame = frame
        self.future = future
        self.tries = 0


class _Slot:
    """One child process at a time, and the pages handed to it, oldest (in work) first."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.proc: asyncio.subprocess.Process | None = None
        self.jobs: deque[_Job] = deque()
        self.head_since = 0.0  # when the child began the oldest job
        self.overran = False  # the child was ended for the wall-time limit
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    def send(self, job: _Job) -> None:
        if self.proc is not None and self.ready.is_set():
            assert self.proc.stdin is not None
            self.proc.stdin.write(job.frame)


class ParsePool:
    """``processes`` children, each parsing the pages handed to it in turn (see module doc).

    ``on_restart(reason)`` is called whenever a child is replaced (``timeout``, ``crash``,
    ``start_failed``): for a metric.
    """

    def __init__(self, processes: int = 1, cpu_limit_s: float = 5.0, *,
                 wall_limit_s: float | None = None,
                 on_restart: Callable[[str], None] | None = None) -> None:
        if processes < 1 or cpu_limit_s <= 0:
            raise ValueError("a parse pool needs at least one process and a positive limit")
        self.cpu_limit_s = cpu_limit_s
        self.wall_limit_s = wall_limit_s or max(10 * cpu_limit_s, cpu_limit_s + 30)
        self._on_restart = on_restart
        self._slots = [_Slot(i) for i in range(processes)]
        self._turn = 0
        self._closed = False
        self.restarts = 0

    # ------------------------------------------------------------------ use

    async def start(self) -> None:
        """Start the children (idempotent) and wait until each can take pages."""
        for slot in self._slots:
            if slot.task is None:
                slot.task = asyncio.get_running_loop().create_task(self._serve(slot))
        for slot in self._slots:
            await slot.ready.wait()

    def submit(self, request: ParseRequest) -> asyncio.Future[ParseOutcome]:
        """Hand a page to the next child (it queues behind that child's pages)."""
        if self._closed:
            raise ParsePoolClosed("the parse pool is closed")
        loop = asyncio.get_running_loop()
        slot = self._slots[self._turn]
        self._turn = (self._turn + 1) % len(self._slots)
        if slot.task is None:
            slot.task = loop.create_task(self._serve(slot))
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        job = _Job(_HEAD.pack(len(data)) + data, loop.create_future())
        if not slot.jobs:
            slot.head_since = loop.time()
        slot.jobs.append(job)
        slot.send(job)
        return job.future

    async def parse(self, request: ParseRequest) -> ParseOutcome:
        return await self.submit(request)

    def stream(self, requests: Sequence[ParseRequest], *, ahead_pages: int = 64,
               ahead_bytes: int = 32 * 1024 * 1024) -> ParseStream:
        """The outcomes of ``requests``, each handed over ahead of when it is asked for."""
        return ParseStream(self, requests, ahead_pages, ahead_bytes)

    def pids(self) -> list[int | None]:
        return [s.proc.pid if s.proc is not None else None for s in self._slots]

    async def close(self) -> None:
        self._closed = True
        for slot in self._slots:
            if slot.task is not None:
                slot.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await slot.task
            await self._stop(slot)
            for job in slot.jobs:
                if not job.future.done():
                    job.future.set_exception(ParsePoolClosed("the parse pool was closed"))
            slot.jobs.clear()

    # ------------------------------------------------------------------ children

    async def _spawn(self, slot: _Slot) -> None:
        """A new child in ``slot``, ready, with the slot's waiting pages handed to it."""
        loop = asyncio.get_running_loop()
        while True:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                p for p in (_LIBRARY_ROOT, os.environ.get("PYTHONPATH")) if p)}
            proc: asyncio.subprocess.Process | None = None
            try:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "docketwatch.parse_pool", repr(self.cpu_limit_s),
                    str(os.getpid()), stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE, env=env)
                assert proc.stdout is not None
                hello = await asyncio.wait_for(_read_frame(proc.stdout), START_TIMEOUT_S)
                if hello[0] != "ready":
                    raise RuntimeError(f"unexpected greeting {hello!r}")
            except (OSError, RuntimeError, EOFError, TimeoutError,
                    asyncio.IncompleteReadError) as exc:
                log.error("parse process %d could not start (%s); trying again", slot.index,
                          exc)
                self._restarted("start_failed")
                if proc is not None:
                    await self._kill(proc)
                await asyncio.sleep(RESTART_PAUSE_S)
                continue
            slot.proc = proc
            slot.ready.set()
            slot.head_since = loop.time()
            for job in slot.jobs:
                slot.send(job)
            return

    async def _serve(self, slot: _Slot) -> None:
        """Read the slot's answers in order, replacing its child when it ends or overruns."""
        loop = asyncio.get_running_loop()
        while not self._closed:
            await self._spawn(slot)
            proc = slot.proc
            assert proc is not None and proc.stdout is not None
            watch = loop.create_task(self._watch(slot, proc))
            try:
                while True:
                    answer = await _read_frame(proc.stdout)
                    job = slot.jobs.popleft()
                    slot.head_since = loop.time()
                    if not job.future.done():
                        job.future.set_result(_outcome(answer))
            except (asyncio.IncompleteReadError, ConnectionError):
                pass  # the child ended (or was ended by the watch)
            finally:
                watch.cancel()
            await self._replace(slot, slot.overran)

    async def _watch(self, slot: _Slot, proc: asyncio.subprocess.Process) -> None:
        """End the child when its oldest page outruns the wall-time limit."""
        loop = asyncio.get_running_loop()
        slot.overran = False
        while True:
            left = self.wall_limit_s
            if slot.jobs:
                left = slot.head_since + self.wall_limit_s - loop.time()
                if left <= 0:
                    slot.overran = True
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(proc.pid, signal.SIGKILL)
                    return
            await asyncio.sleep(min(left, 1.0))

    async def _replace(self, slot: _Slot, overran: bool) -> None:
        """The child ended (or overran): answer its page, then let _serve start another."""
        proc = slot.proc
        assert proc is not None
        slot.ready.clear()
        # A child whose output ended is ending: let it say how (SIGPROF is a timeout).
        returncode = await self._kill(proc, grace_s=0.0 if overran else 5.0)
        slot.proc = None
        if not slot.jobs:
            self._restarted("exit")
            log.warning("parse process %d (pid %d) ended with %s with no page in hand",
                        slot.index, proc.pid, returncode)
            return
        job = slot.jobs[0]
        timed_out = overran or returncode in (-signal.SIGPROF, -signal.SIGXCPU)
        if timed_out:
            why = (f"over the wall-time limit of {self.wall_limit_s:g} s" if overran else
                   f"over the CPU-time limit of {self.cpu_limit_s:g} s")
            outcome = ParseOutcome(error_type=PARSE_TIMEOUT, error=f"parsing took {why} "
                                   "(DW_PARSER_PAGE_TIMEOUT_S)", seconds=self.cpu_limit_s)
            self._restarted("timeout")
        else:
            job.tries += 1
            self._restarted("crash")
            if job.tries < CRASH_ATTEMPTS:
                log.error("parse process %d (pid %d) ended with %s; its page is tried again",
                          slot.index, proc.pid, returncode)
                return
            outcome = ParseOutcome(error_type=PARSER_CRASHED, error=f"the parse process "
                                   f"ended with {returncode} on this page, {job.tries} times")
        log.warning("parse process %d (pid %d) replaced: %s", slot.index, proc.pid,
                    outcome.error)
        slot.jobs.popleft()
        if not job.future.done():
            job.future.set_result(outcome)

    def _restarted(self, reason: str) -> None:
        self.restarts += 1
        if self._on_restart is not None:
            self._on_restart(reason)

    @staticmethod
    async def _kill(proc: asyncio.subprocess.Process, *, grace_s: float = 0.0) -> int | None:
        """End ``proc`` (after ``grace_s`` for it to end by itself) and return its code.

        By os.kill: Popen.kill() polls first, and a poll that reaps the child leaves
        asyncio's watcher without its exit status (reported as 255), which would tell a
        timeout (SIGPROF) from a crash no more.
        """
        if proc.stdin is not None:
            proc.stdin.close()
        if grace_s > 0 and proc.returncode is None:
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(proc.wait(), grace_s)
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
        return await proc.wait()

    async def _stop(self, slot: _Slot) -> None:
        if slot.proc is not None:
            await self._kill(slot.proc)
            slot.proc = None
        slot.ready.clear()


def _outcome(answer: tuple[Any, ...]) -> ParseOutcome:
    if answer[0] == "ok":
        return ParseOutcome(parsed=answer[1], seconds=answer[2])
    return ParseOutcome(error_type=answer[1], error=answer[2], seconds=answer[3])


async def _read_frame(stream: asyncio.StreamReader) -> tuple[Any, ...]:
    (size,) = _HEAD.unpack(await stream.readexactly(_HEAD.size))
    frame: tuple[Any, ...] = pickle.loads(await stream.readexactly(size))  # noqa: S301
    return frame


class ParseStream:
    """Outcomes of a sequence of requests, by index; each request is handed to the pool a
    little ahead of when its outcome is asked for (at most ``ahead_pages`` pages and about
    ``ahead_bytes`` of bodies ahead), so children parse while the caller works."""

    def __init__(self, pool: ParsePool, requests: Sequence[ParseRequest], ahead_pages: int,
                 ahead_bytes: int) -> None:
        self._pool = pool
        self._requests = requests
        self._futures: list[asyncio.Future[ParseOutcome] | None] = []
        self._ahead_pages = max(1, ahead_pages)
        self._ahead_bytes = ahead_bytes

    def _fill(self, wanted: int) -> None:
        while len(self._futures) <= wanted:
            self._futures.append(self._pool.submit(self._requests[len(self._futures)]))
        ahead = sum(len(self._requests[i].body) for i in range(wanted + 1, len(self._futures)))
        while (len(self._futures) < len(self._requests)
               and len(self._futures) - wanted <= self._ahead_pages
               and ahead < self._ahead_bytes):
            request = self._requests[len(self._futures)]
            self._futures.append(self._pool.submit(request))
            ahead += len(request.body)

    async def outcome(self, index: int) -> ParseOutcome:
        """The outcome of ``requests[index]``, once (in any order; each page is parsed once).

        The stream lets go of it then: a batch's parsed pages are not all kept alive."""
        self._fill(index)
        future = self._futures[index]
        assert future is not None, f"the outcome of page {index} was already taken"
        self._futures[index] = None
        return await future


if __name__ == "__main__":
    _child(float(sys.argv[1]), int(sys.argv[2]))

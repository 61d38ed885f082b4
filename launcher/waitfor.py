"""Wait for what a service needs, then become the service: how ``docketwatch up`` orders
start-up under supervisord, which starts its programs in priority order but waits for none.

    python -m launcher.waitfor [--tcp HOST:PORT]... [--http URL]... [--file PATH]...
        [--timeout SECONDS] -- COMMAND [ARG]...

Waits until every TCP port accepts a connection, every URL answers 200 and every file
exists, then replaces itself with COMMAND (``exec``: supervisord sees, signals and restarts
the service's own pid). Nothing comes up within the timeout: exit 1, so supervisord's
restart backoff, and in the end its FATAL state, report it rather than a service started
against nothing. Standard library only: it runs before every service start.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence


def _tcp(address: str) -> Callable[[], bool]:
    host, _, port = address.rpartition(":")

    def check() -> bool:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=2):
            return True

    return check


def _http(url: str) -> Callable[[], bool]:
    def check() -> bool:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (our own URLs)
            return bool(resp.status == 200)

    return check


def _file(path: str) -> Callable[[], bool]:
    return lambda: os.path.exists(path)


def wait(checks: Sequence[tuple[str, Callable[[], bool]]], timeout: float,
         interval: float = 0.5) -> str | None:
    """None once every check passes, else the first one still failing at the deadline."""
    deadline = time.monotonic() + timeout
    pending = list(checks)
    while pending:
        what, check = pending[0]
        try:
            ok = check()
        except (OSError, ValueError):
            ok = False
        if ok:
            pending.pop(0)
            continue
        if time.monotonic() >= deadline:
            return what
        time.sleep(interval)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--" not in args:
        print("usage: python -m launcher.waitfor [--tcp H:P] [--http URL] [--file PATH] "
              "[--timeout S] -- COMMAND...", file=sys.stderr)
        return 2
    split = args.index("--")
    ap = argparse.ArgumentParser(prog="launcher.waitfor")
    ap.add_argument("--tcp", action="append", default=[])
    ap.add_argument("--http", action="append", default=[])
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=120.0)
    opts = ap.parse_args(args[:split])
    command = args[split + 1:]
    if not command:
        print("launcher.waitfor: no command after --", file=sys.stderr)
        return 2
    checks = ([(f"tcp {a}", _tcp(a)) for a in opts.tcp]
              + [(f"http {u}", _http(u)) for u in opts.http]
              + [(f"file {p}", _file(p)) for p in opts.file])
    failing = wait(checks, opts.timeout)
    if failing is not None:
        print(f"launcher.waitfor: {failing} not ready within {opts.timeout:.0f}s; "
              f"not starting {command[0]}", file=sys.stderr, flush=True)
        return 1
    sys.stdout.flush()
    os.execv(command[0], command)  # noqa: S606 (the service itself, a fixed command)
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())

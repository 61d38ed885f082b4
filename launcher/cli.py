"""``docketwatch``: one command for the demo, the services and the queries people run."""

from __future__ import annotations

import csv
import json
import logging
import os
import runpy
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from docketwatch.reader import Reader, StoreError, StoreUnreachable
from docketwatch.settings import COUNT_SINCE, PARSER_GROUP, REPO_ROOT

# The published table (docketwatch report); the same text any ClickHouse client can send.
REPORT_SQL = "SELECT * FROM year_summary(year = {year:UInt16}, since = {since:String})"

T = TypeVar("T")
app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    """One line on stderr (never wrapped, never read as markup) and the exit code."""
    err.print(Text.assemble(("error:", "red"), " ", message), soft_wrap=True)
    return typer.Exit(code)


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="where the demo keeps its data")] = REPO_ROOT
    / "var" / "demo",
    seed: int = 1,
    as_of: Annotated[str, typer.Option(help="the simulator's clock (YYYY-MM-DD)")] = "2024-12-27",
    scale: Annotated[float, typer.Option(help="corpus size factor (1.0 = calibrated)")] = 1.0,
    courts_limit: Annotated[int, typer.Option(help="first N courts only (0 = all 111)")] = 0,
    keep_running: bool = False,
) -> None:
    """Run the whole pipeline against the court simulator and show the monthly counts."""
    try:
        date.fromisoformat(as_of)
    except ValueError:
        raise _fail(f"--as-of {as_of!r} is not a date like 2024-12-27") from None
    from launcher import demo as demo_mod

    raise typer.Exit(demo_mod.main(workdir=workdir, seed=seed, as_of=as_of, scale=scale,
                                   courts_limit=courts_limit, keep_running=keep_running))


class _Unread(Exception):
    """A read of the store failed: one line for the user, and the exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def _try_read(read: Callable[[Reader], T]) -> T:
    """Read the store through its read client (DW_CLICKHOUSE_URL, by default the
    aggregator's ClickHouse HTTP interface on this machine). Raises _Unread: code 3 when
    nothing answers, 2 for a bad setting or a query the store refuses."""
    # The driver logs a warning (with a traceback) for a failed request; _Unread says it.
    logging.getLogger("clickhouse_connect").setLevel(logging.ERROR)
    try:
        reader = Reader()
    except ValidationError as exc:
        raise _Unread("bad setting: " + "; ".join(
            f"DW_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()),
            2) from None
    except ValueError as exc:
        raise _Unread(f"bad setting DW_CLICKHOUSE_URL: {exc}", 2) from None
    try:
        return read(reader)
    except StoreUnreachable as exc:
        raise _Unread(f"{exc}; is the aggregator running?", 3) from None
    except StoreError as exc:
        raise _Unread(str(exc), 2) from None
    finally:
        reader.close()


def _read(read: Callable[[Reader], T]) -> T:
    """_try_read, its failure the command's end: one line on stderr and the exit code."""
    try:
        return _try_read(read)
    except _Unread as failed:
        raise _fail(failed.message, failed.code) from None


def _query(sql: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One read-only query (``{name:Type}`` placeholders, bound by the server)."""
    return _read(lambda reader: reader.query(sql, params))


def _print(columns: list[str], rows: list[list[Any]], fmt: str,
           headers: list[str] | None = None) -> None:
    """``headers``: what people read over the columns (csv, table); json keeps the names."""
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(headers or columns)
        w.writerows(rows)
    elif fmt == "json":
        for r in rows:
            print(json.dumps(dict(zip(columns, r, strict=True)), ensure_ascii=False, default=str))
    else:
        t = Table(*(headers or columns))
        for r in rows:
            t.add_row(*(str(v) for v in r))
        Console().print(t)


@app.command()
def sql(
    query: str,
    param: Annotated[list[str] | None, typer.Option(help="name=value, repeatable")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """Run one read-only SQL statement (parameters as {name:Type} placeholders)."""
    if fmt not in ("table", "csv", "json"):
        raise _fail("--format must be table, csv or json")
    params = dict(p.split("=", 1) for p in (param or []) if "=" in p)
    columns, rows = _query(query, params)
    _print(columns, rows, fmt)


@app.command()
def report(
    year: Annotated[int, typer.Option(help="calendar year, e.g. 2024")],
    since: Annotated[str, typer.Option(
        help="start of the cumulative columns")] = COUNT_SINCE.isoformat(),
    fmt: Annotated[str, typer.Option(
        "--format", help="table, csv, json, md or xlsx")] = "table",
    output: Annotated[Path | None, typer.Option(
        help="write to this file (needed for xlsx)")] = None,
    lang: Annotated[str | None, typer.Option(
        help="ru or en: labels, column headers and number formats (default: DW_LANG)")] = None,
) -> None:
    """The year summary in the shape of the published table."""
    from docketwatch import i18n
    from docketwatch.store.report import table_markdown, table_xlsx

    _use_lang(lang)
    if not 2022 <= year <= 2100:
        raise _fail("--year must be 2022 or later")
    if fmt not in ("table", "csv", "json", "md", "xlsx"):
        raise _fail("--format must be table, csv, json, md or xlsx")
    if fmt == "xlsx" and output is None:
        raise _fail("--format xlsx needs --output FILE.xlsx")
    columns, rows = _query(REPORT_SQL, {"year": year, "since": since})
    if fmt == "xlsx":
        assert output is not None
        output.write_bytes(table_xlsx(columns, rows, year=year, since=since))
        Console(stderr=True).print(f"wrote {output}")
    elif fmt == "md":
        text = table_markdown(columns, rows, year=year, since=since)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    else:
        _print(columns, rows, fmt, [i18n.column(c) for c in columns])


@app.command()
def parse(
    files: list[Path],
    court: Annotated[str, typer.Option(help="court code to attribute the pages to")] = "UNKNOWN",
    kind: Annotated[str | None, typer.Option(
        help="list or card; by default what the page is (a window manifest is recognised "
             "too)")] = None,
) -> None:
    """Print the case snapshots (or, from a review docket, the appeals) read from saved
    pages, one JSON object per line."""
    from pydantic import ValidationError

    from docketwatch.contract import PageKind, WindowManifest
    from docketwatch.sudrf.parse import ParseError, parse_page

    if kind is not None and kind not in (PageKind.LIST, PageKind.CARD):
        raise _fail("--kind must be list or card")
    failed = 0
    for f in files:
        if not f.is_file():
            raise _fail(f"{f}: no such file")
        body = f.read_bytes()
        if kind is None and body.lstrip().startswith(b"{"):
            try:
                manifest = WindowManifest.model_validate_json(body)
            except ValidationError as exc:
                err.print(f"{f}: not a window manifest: {exc.error_count()} errors")
                failed += 1
                continue
            for row in manifest.rows:
                print(json.dumps({"file": str(f), "kind": PageKind.WINDOW.value,
                                  "court_code": manifest.court_code,
                                  "date_from": manifest.date_from.isoformat(),
                                  "date_to": manifest.date_to.isoformat(),
                                  **row.model_dump(mode="json")}, ensure_ascii=False))
            continue
        try:
            parsed = parse_page(body, None if kind is None else PageKind(kind), court)
        except ParseError as exc:
            err.print(f"{f}: {exc}")
            failed += 1
            continue
        for snap in parsed.snapshots:
            print(json.dumps({"file": str(f), "state": parsed.state.value,
                              "kind": parsed.kind.value, "case_key": snap.case_key,
                              **snap.model_dump(mode="json")}, ensure_ascii=False))
        for appeal in parsed.appeals:  # a review docket's rows or card (issue 16)
            print(json.dumps({"file": str(f), "state": parsed.state.value,
                              "kind": parsed.kind.value, "appeal_key": appeal.appeal_key,
                              **appeal.model_dump(mode="json")}, ensure_ascii=False))
        if not parsed.snapshots and not parsed.appeals:
            print(json.dumps({"file": str(f), "state": parsed.state.value}))
    raise typer.Exit(1 if failed else 0)


@app.command()
def alerts(
    active: Annotated[bool, typer.Option(help="only alerts that are firing now")] = False,
    limit: int = 200,
) -> None:
    """List active and past alerts (newest first)."""
    from services.alerts.listing import format_alerts, list_alerts
    from services.alerts.source import reader_query

    rows = _read(lambda reader: list_alerts(query=reader_query(reader), active_only=active,
                                            limit=limit))
    print(format_alerts(rows))


def _use_lang(lang: str | None) -> None:
    """--lang, else DW_LANG, as the language of what the command prints."""
    from docketwatch import i18n

    chosen = i18n.parse_lang(lang) if lang is not None else i18n.default_lang()
    if chosen is None:
        raise _fail(f"--lang must be one of {', '.join(i18n.LANGS)}")
    i18n.set_lang(chosen)


@app.command()
def digest(
    week: Annotated[str | None, typer.Option(
        help="ISO week, e.g. 2024-W30 (default: last week)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, md or json")] = "text",
    lang: Annotated[str | None, typer.Option(
        help="ru or en: the words and number formats (default: DW_LANG)")] = None,
) -> None:
    """The weekly digest: refusal cases received and verdicts against the usual week, the
    courts that stood out or went silent, the alerts of the week (docs/counting.md)."""
    from datetime import timedelta

    from docketwatch.digest_text import render_markdown, render_text
    from docketwatch.store.digest import read_digest, week_of, week_start

    _use_lang(lang)
    if fmt not in ("text", "md", "json"):
        raise _fail("--format must be text, md or json")
    week = week or week_of(date.today() - timedelta(weeks=1))
    try:
        week_start(week)
    except ValueError as exc:
        raise _fail(f"--week: {exc}") from None
    d = _read(lambda reader: read_digest(reader.rows, week))
    if fmt == "json":
        print(d.model_dump_json(indent=1))
    else:
        sys.stdout.write(render_markdown(d) if fmt == "md" else render_text(d))


def _run_module(module: str, args: list[str] | None = None) -> None:
    """Run a service in this process; a broker that does not answer is one line, exit 3."""
    from aiokafka.errors import KafkaConnectionError

    from docketwatch.settings import CommonSettings

    sys.argv = [module, *(sys.argv[2:] if args is None else args)]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except KafkaConnectionError:
        raise _fail(f"Kafka at {CommonSettings().kafka_bootstrap} is unreachable "
                    "(DW_KAFKA_BOOTSTRAP); is the broker running?", 3) from None


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def fetcher() -> None:
    """Run the fetcher service (configured by DW_* variables)."""
    _run_module("services.fetcher")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def parser() -> None:
    """Run the parser service."""
    _run_module("services.parser")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def aggregator() -> None:
    """Run the aggregator service (owns the embedded ClickHouse store)."""
    _run_module("services.aggregator")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def alerter() -> None:
    """Run the alerting service."""
    _run_module("services.alerts")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def dashboard() -> None:
    """Run the dashboard and JSON API (127.0.0.1:9110 by default)."""
    _run_module("services.dashboard")


def _date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise _fail(f"{name} {value!r} is not a date like 2024-12-27") from None


@app.command()
def backfill(
    start: Annotated[str | None, typer.Option(help="first receipt date (YYYY-MM-DD)")] = None,
    end: Annotated[str | None, typer.Option(help="last receipt date (default: today)")] = None,
    court: Annotated[list[str] | None, typer.Option(help="only these court codes")] = None,
    force: Annotated[bool, typer.Option(help="refetch windows already done")] = False,
) -> None:
    """One resumable pass over every court's docket (the fetcher in 'once' mode)."""
    env = {"DW_FETCH_MODE": "once"}
    if (s := _date(start, "--start")) is not None:
        env["DW_FETCH_START"] = s
    if (e := _date(end, "--end")) is not None:
        env["DW_FETCH_END"] = e
    if court:
        env["DW_COURTS_FILE"] = str(_courts_subset(court))
    os.environ.update(env)
    _run_module("services.fetcher", ["--force"] if force else [])


def _courts_subset(codes: list[str]) -> Path:
    """A temporary registry with only the named courts; unknown codes are an error."""
    import tempfile

    from services.fetcher.settings import FetcherSettings

    src = FetcherSettings().courts_file
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    known = {r["vnkod"] for r in rows}
    unknown = sorted(set(codes) - known)
    if unknown:
        raise _fail(f"unknown court code(s): {', '.join(unknown)} (see: docketwatch courts)")
    out = Path(tempfile.mkdtemp(prefix="docketwatch-courts-")) / "courts.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(r for r in rows if r["vnkod"] in codes)
    return out


@app.command()
def replay(
    group: Annotated[str, typer.Option(help="the new parser consumer group")],
) -> None:
    """Re-parse the raw topic from its start under a new consumer group (docs/operations.md)."""
    if group in (PARSER_GROUP, ""):
        raise _fail("--group must name a NEW consumer group, e.g. docketwatch-parser-v2")
    os.environ["DW_PARSER_GROUP"] = group
    _run_module("services.parser")


@app.command()
def courts(
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """The court registry the fetcher uses, with each court's health when known."""
    from services.fetcher.courts import load_courts
    from services.fetcher.settings import FetcherSettings

    registry = load_courts(FetcherSettings().courts_file)
    health: dict[str, list[Any]] = {}
    try:
        rows = _try_read(lambda reader: reader.rows(
            "SELECT court_code, state, checked_at, last_new_case, last_error "
            "FROM court_health FINAL"))
        health = {str(r[0]): r[1:] for r in rows}
    except _Unread as failed:  # the registry itself needs no store: listed without health
        err.print(Text(f"court health unavailable: {failed.message}"), soft_wrap=True)
    # note: why a court is not ok (incomplete windows, the error, the captcha)
    columns = ["vnkod", "name", "base_url", "state", "checked_at", "last_new_case", "note"]
    out = [[c.vnkod, c.name, c.base_url, *health.get(c.vnkod, ["", "", "", ""])]
           for c in registry]
    _print(columns, out, fmt)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def simulator() -> None:
    """The court simulator (see `docketwatch simulator --help`)."""
    _run_module("services.simulator")


# ----------------------------------------------------------------------------- up


def _up_dir() -> Path:
    from launcher.supervise import UpSettings

    try:
        return UpSettings().up_dir.resolve()
    except ValidationError as exc:
        raise _fail("bad setting: " + "; ".join(
            f"DW_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
            ) from None


@app.command()
def up(
    simulator: Annotated[bool, typer.Option(
        "--simulator", help="against the court simulator with a live clock, offline, instead "
        "of the courts' sites")] = False,
    foreground: Annotated[bool, typer.Option(
        "--foreground", help="run supervisord in the foreground (for systemd) instead of as "
        "a daemon")] = False,
    seed: Annotated[int, typer.Option(help="--simulator: the docket's seed")] = 1,
    as_of: Annotated[str, typer.Option(
        help="--simulator: the sites' date when the clock starts")] = "2024-12-01",
    days: Annotated[int, typer.Option(
        help="--simulator: days of new cases after --as-of")] = 90,
    live_speed: Annotated[float, typer.Option(
        help="--simulator: real seconds per simulated day")] = 20.0,
    scale: Annotated[float, typer.Option(
        help="--simulator: docket size (1.0 = calibrated)")] = 1.0,
    courts_limit: Annotated[int, typer.Option(
        help="--simulator: first N courts only (0 = all 111)")] = 0,
    wait: Annotated[float, typer.Option(
        help="seconds to wait until every service is RUNNING")] = 300.0,
) -> None:
    """Run the whole monitor under supervisord: broker, fetcher (live), parser, aggregator,
    alerts and dashboard (docs/operations.md)."""
    from datetime import timedelta

    from launcher import supervise as sv

    out = Console(highlight=False, soft_wrap=True)
    state_dir = _up_dir()
    sim = None
    if simulator:
        start = date.fromisoformat(_date(as_of, "--as-of") or as_of)
        if days < 1 or live_speed <= 0 or scale <= 0 or courts_limit < 0:
            raise _fail("--days, --live-speed and --scale must be positive")
        sim = sv.SimOptions(seed=seed, as_of=start, end=start + timedelta(days=days),
                            live_speed=live_speed, scale=scale, courts_limit=courts_limit)
    sup = sv.Supervisord(state_dir)
    if (pid := sup.pid()) is not None:
        mode = sup.plan().mode
        out.print(f"already up ({mode}): supervisord pid {pid}, state {state_dir}; "
                  "see docketwatch status")
        raise typer.Exit(0 if mode == ("simulator" if simulator else "live") else 1)
    try:
        plan = sv.make_plan(sv.UpSettings(), sim)
        sv.check_startable(plan)
        if plan.local_broker:
            sv.fetch_broker()
        mode = "against the court simulator" if simulator else "against the courts' sites"
        out.print(f"docketwatch up {mode}; state {state_dir}")
        if foreground:
            out.print(f"supervisord in the foreground; dashboard {plan.dashboard_url}")
            sv.run_foreground(plan)
        pid = sv.start_daemon(plan)
    except sv.UpError as exc:
        raise _fail(str(exc)) from None
    out.print(f"supervisord pid {pid}, config {sup.paths.conf}, logs {sup.paths.logs}/")
    ok = sv.wait_started(sup, plan, wait, lambda line: out.print(line))
    if not ok:
        sv.print_status(sv.collect_status(state_dir), out)
        err.print(Text("error: not every service is running (docketwatch logs SERVICE; "
                       "docketwatch down)"), soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"every service is running; dashboard: {plan.dashboard_url}")
    out.print("docketwatch status | docketwatch logs SERVICE [-f] | docketwatch down")


@app.command()
def status(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Each service's state, uptime and restarts, consumer lag, each court's last fetch and
    last new case, freshness. Exit 1 when a service is not running (FATAL, a crash loop),
    3 when nothing is up."""
    from launcher import supervise as sv

    if fmt not in ("table", "json"):
        raise _fail("--format must be table or json")
    try:
        st = sv.collect_status(_up_dir())
    except sv.UpError as exc:
        raise _fail(str(exc), 3) from None
    if fmt == "json":
        print(json.dumps(st, ensure_ascii=False, default=str))
    else:
        sv.print_status(st, Console(highlight=False))
    raise typer.Exit(3 if not st["up"] else 1 if st["problems"] else 0)


@app.command()
def logs(
    service: Annotated[str, typer.Argument(
        help="kafka, simulator, aggregator, parser, alerts, dashboard, fetcher or "
        "supervisord")],
    lines: Annotated[int, typer.Option("--lines", "-n", help="lines to show")] = 50,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="keep printing")] = False,
) -> None:
    """A service's log under docketwatch up (rotated files beside it: <name>.log.1, ...)."""
    from launcher import supervise as sv

    names = (*sv.PROGRAMS, "supervisord")
    if service not in names:
        raise _fail(f"no service {service!r}: one of {', '.join(names)}")
    path = sv.Paths(_up_dir()).service_log(service)
    if not path.exists():
        raise _fail(f"{path}: no such log (is docketwatch up, and with --simulator for the "
                    "simulator?)", 3)
    end = path.stat().st_size
    sys.stdout.buffer.write(sv.tail(path, lines, end))
    sys.stdout.buffer.flush()
    if follow:
        try:
            sv.follow(path, sys.stdout.buffer, since=end)
        except KeyboardInterrupt:
            raise typer.Exit(130) from None


@app.command()
def down(
    timeout: Annotated[float, typer.Option(
        help="seconds to wait for supervisord to exit once every service has stopped")] = 60.0,
) -> None:
    """Stop everything gracefully, in order (fetcher, readers, parser, aggregator, broker),
    and wait for supervisord to exit."""
    from launcher import supervise as sv

    out = Console(highlight=False, soft_wrap=True)
    try:
        code = sv.down(_up_dir(), lambda line: out.print(line), timeout)
    except sv.UpError as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(code)


def main() -> None:
    app()


if __name__ == "__main__":  # python -m launcher.cli: this checkout's CLI
    main()

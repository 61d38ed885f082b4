"""``python -m services.simulator serve|truth``: the court simulator from the command line."""

from __future__ import annotations

import asyncio
import signal
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from aiohttp import web

from .app import AccessLog, make_app
from .clock import SimClock
from .corpus import DEFAULT_END, DEFAULT_START, build_corpus
from .courts import Court, load_courts, write_courts_csv
from .faults import FAULT_KINDS, FaultConfig
from .truth import write_truth_csv, write_truth_json

cli = typer.Typer(add_completion=False, help="sudrf court simulator for docketwatch")


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _courts(limit: int, courts_csv: Path | None) -> list[Court]:
    roster = load_courts(courts_csv)
    return roster[:limit] if limit > 0 else roster


@cli.command()
def serve(
    port: Annotated[int, typer.Option(help="0 picks a free port")] = 8090,
    host: str = "127.0.0.1",
    seed: int = 1,
    as_of: Annotated[str, typer.Option(help="YYYY-MM-DD the sites show")] = "2024-12-27",
    start: str = DEFAULT_START.isoformat(),
    end: str = DEFAULT_END.isoformat(),
    scale: float = 1.0,
    courts_limit: Annotated[int, typer.Option(help="first N courts of the CSV, 0 = all")] = 0,
    courts_csv: Annotated[Path | None, typer.Option(help="roster; default: bundled")] = None,
    write_courts: Annotated[Path | None, typer.Option(help="roster CSV with base_url")] = None,
    write_truth: Annotated[Path | None, typer.Option(help="truth JSON as of --as-of")] = None,
    live_speed: Annotated[
        float | None, typer.Option(help="real seconds per simulated day (live clock)")
    ] = None,
    fault_rate: Annotated[float, typer.Option(help="rate of every fault kind")] = 0.0,
    fault: Annotated[
        list[str] | None,
        typer.Option(help="KIND=RATE for one fault kind (repeatable; overrides --fault-rate)"),
    ] = None,
    waf: Annotated[bool, typer.Option(help="403 for non-browser User-Agents")] = False,
    captcha_gate: Annotated[bool, typer.Option(help="captcha courts demand a captcha")] = False,
    vnkod_interface: Annotated[
        bool, typer.Option(help="VNKOD courts use the older interface")
    ] = False,
    access_log: Annotated[Path | None, typer.Option(help="JSON-lines access log")] = None,
    removal_rate: Annotated[
        float, typer.Option(help="share of cases taken off the site after publication")
    ] = 0.0,
) -> None:
    """Serve every court under http://HOST:PORT/<vnkod>/modules.php."""
    roster = _courts(courts_limit, courts_csv)
    corpus = build_corpus(seed, _date(start), _date(end), roster, scale, removal_rate)
    clock = SimClock(_date(as_of), live_speed)
    faults = FaultConfig.uniform(
        fault_rate,
        seed,
        waf_non_browser=waf,
        captcha_gate=captcha_gate,
        vnkod_interface=vnkod_interface,
    )
    for item in fault or []:
        kind, _, rate = item.partition("=")
        if kind not in FAULT_KINDS:
            raise typer.BadParameter(f"{kind!r}: one of {', '.join(FAULT_KINDS)}",
                                     param_hint="--fault")
        setattr(faults, kind, float(rate))
    if write_truth is not None:
        from .truth import truth

        t = truth(corpus, clock.today())
        if write_truth.suffix == ".json":
            write_truth_json(t, write_truth)
        else:
            write_truth_csv(t, write_truth)
    app = make_app(corpus, clock, faults, AccessLog(access_log) if access_log else None,
                   bind_host=host)
    asyncio.run(_run(app, host, port, roster, write_courts))


async def _run(
    app: web.Application, host: str, port: int, roster: list[Court], write_courts: Path | None
) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    base = f"http://{host}:{bound}"
    if write_courts is not None:
        write_courts_csv(roster, write_courts, base)
    print(f"simulator listening on {base}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


@cli.command("truth")
def truth_cmd(
    seed: int = 1,
    as_of: str = "2024-12-27",
    start: str = DEFAULT_START.isoformat(),
    end: str = DEFAULT_END.isoformat(),
    scale: float = 1.0,
    courts_limit: int = 0,
    courts_csv: Path | None = None,
    out: Annotated[Path, typer.Option(help="file.json, or a directory for CSVs")] = Path(
        "truth.json"
    ),
) -> None:
    """Write the truth (every visible case and monthly counts) as of a date."""
    from .truth import truth

    corpus = build_corpus(seed, _date(start), _date(end), _courts(courts_limit, courts_csv), scale)
    t = truth(corpus, _date(as_of))
    if out.suffix == ".json":
        write_truth_json(t, out)
    else:
        write_truth_csv(t, out)
    typer.echo(f"wrote truth as of {as_of}: {len(t['cases'])} visible cases -> {out}")


if __name__ == "__main__":
    cli()

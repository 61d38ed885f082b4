"""Source health: court states from the fetcher, silent courts, parser dead letters."""

from __future__ import annotations

import math
from datetime import date, timedelta

from docketwatch.i18n import _, format_number, format_percent, ngettext, term
from services.alerts.config import RulesConfig
from services.alerts.model import Finding, Snapshot
from services.alerts.nowcast import DelayModel, is_working_day, month_days
from services.alerts.rules.monthly import month_statuses
from services.alerts.rules.series import add_months

COURT_STATE, NOT_CHECKED, QUIET, DEAD_LETTERS = (
    "court_state", "court_not_checked", "court_quiet", "dead_letter_rate")


def court_state_rules(snapshot: Snapshot, cfg: RulesConfig) -> tuple[list[Finding], set[str]]:
    sh = cfg.source_health
    if not sh.enabled or snapshot.court_health is None:
        return [], set()
    out: list[Finding] = []
    for h in snapshot.court_health:
        severity = sh.states.get(h.state)
        if severity is not None:
            detail = f": {h.last_error}" if h.last_error else ""
            since = _(", last success {time} UTC").format(
                time=f"{h.last_success:%Y-%m-%d %H:%M}") if h.last_success else ""
            out.append(Finding(
                rule=COURT_STATE, labels={"court_code": h.court_code, "condition": h.state},
                severity=severity,
                summary=_("Court {court} is {state}").format(
                    court=h.court_code, state=term(h.state)) + detail + since))
        if snapshot.now is not None:
            age_h = (snapshot.now - h.checked_at).total_seconds() / 3600
            if age_h > sh.stale_check_hours:
                out.append(Finding(
                    rule=NOT_CHECKED, labels={"court_code": h.court_code}, severity="warning",
                    summary=_("Court {court} not checked for {hours} h").format(
                        court=h.court_code, hours=format_number(age_h, decimals=0)),
                    value=round(age_h, 1)))
    return out, {COURT_STATE, NOT_CHECKED}


def quiet_court_rules(snapshot: Snapshot, cfg: RulesConfig) -> tuple[list[Finding], set[str]]:
    """No new case for an unusual time, in docket days (see rules.toml [source_health])."""
    sh = cfg.source_health
    if not (sh.enabled and sh.quiet_enabled) or snapshot.as_of is None or not snapshot.counts:
        return [], set()
    as_of = snapshot.as_of
    delays = DelayModel.from_samples(snapshot.delay_samples, cfg.nowcast)
    first = min(r.month for r in snapshot.counts)
    ref = as_of.replace(day=1)
    months: list[date] = []
    m = add_months(ref, -1)
    while m >= first and len(months) < 24:
        months.append(m)
        m = add_months(m, -1)
    statuses = month_statuses(snapshot, cfg, months)
    trailing = [m for m in months if statuses[m].complete][:12]
    if len(trailing) < cfg.spike.min_baseline_months:
        return [], {QUIET}
    # Cases per working day per court over the trailing complete months (all categories;
    # a case under two categories counts twice: a slight overestimate errs towards alerting).
    per_court: dict[str, int] = {}
    wanted = set(trailing)
    for r in snapshot.counts:
        if r.dimension == "category" and r.month in wanted:
            per_court[r.court_code] = per_court.get(r.court_code, 0) + r.cases
    n_working = sum(1 for m in trailing for d in month_days(m)
                    if is_working_day(d, snapshot.working_days))
    out: list[Finding] = []
    for court, total in sorted(per_court.items()):
        last = snapshot.last_receipt.get(court)
        if last is None or n_working == 0:
            continue
        gap = (as_of - last).days
        if gap < sh.quiet_min_days:
            continue
        rate = total / n_working
        expected = sum(
            rate * delays.cdf((as_of - d).days)
            for d in (last + timedelta(days=i) for i in range(1, gap + 1))
            if is_working_day(d, snapshot.working_days))
        p_zero = math.exp(-expected)
        if p_zero <= sh.quiet_p_value:
            out.append(Finding(
                rule=QUIET, labels={"court_code": court}, severity="warning",
                summary=ngettext(
                    "Court {court}: no new case for {days} day (last receipt {last}); "
                    "{expected} expected at its usual rate (P = {p})",
                    "Court {court}: no new case for {days} days (last receipt {last}); "
                    "{expected} expected at its usual rate (P = {p})", gap).format(
                    court=court, days=gap, last=last,
                    expected=format_number(expected, decimals=1), p=f"{p_zero:.1e}"),
                value=float(gap), baseline=round(expected, 2)))
    return out, {QUIET}


def dead_letter_rules(snapshot: Snapshot, cfg: RulesConfig) -> tuple[list[Finding], set[str]]:
    dl = cfg.dead_letters
    stats = snapshot.dead_letters
    if not dl.enabled or stats is None:
        return [], set()
    rate = stats.dead_letters / max(stats.pages, 1)
    if stats.dead_letters >= dl.min_count and rate > dl.max_rate:
        return [Finding(
            rule=DEAD_LETTERS, labels={"stage": "parser"}, severity="warning",
            summary=_("Parser dead letters: {dead} for {pages} pages in the last {minutes} min "
                      "({rate} > {max_rate})").format(
                dead=format_number(stats.dead_letters), pages=format_number(stats.pages),
                minutes=format_number(stats.window_s / 60, decimals=0),
                rate=format_percent(rate), max_rate=format_percent(dl.max_rate)),
            value=round(rate, 4), baseline=dl.max_rate)], {DEAD_LETTERS}
    return [], {DEAD_LETTERS}

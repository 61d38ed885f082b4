"""Monthly spike, drop and all-time record of each series.

Provisional months (the reference month, and recent months whose cases are not all
published yet) are judged on a nowcast: observed / expected visible share (nowcast.py).
They are marked provisional and judged again on every evaluation, so the alert is
confirmed (escalated) or resolved once the month is complete. Drops are judged on complete
months only: an unpublished month looks exactly like a drop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from docketwatch.i18n import _, format_number
from services.alerts.config import RulesConfig
from services.alerts.model import Finding, Snapshot
from services.alerts.nowcast import DelayModel, expected_fraction, working_days_elapsed
from services.alerts.rules.series import Series, SeriesKey, add_months, build_series
from services.alerts.stats import MAD_TO_SD, mad, median, poisson_cdf, poisson_sf

SPIKE, DROP, RECORD = "monthly_spike", "monthly_drop", "monthly_record"


@dataclass(frozen=True)
class MonthStatus:
    month: date
    fraction: float  # expected visible share of the month's cases on the reference date
    complete: bool
    working_elapsed: int
    working_total: int


@dataclass(frozen=True)
class Baseline:
    median: float
    sigma: float  # robust SD, floored at the Poisson SD
    n_months: int
    seasonal: float | None


def month_statuses(snapshot: Snapshot, cfg: RulesConfig, months: list[date],
                   ) -> dict[date, MonthStatus]:
    assert snapshot.as_of is not None
    delays = DelayModel.from_samples(snapshot.delay_samples, cfg.nowcast)
    out = {}
    for m in months:
        f = expected_fraction(m, snapshot.as_of, delays, snapshot.working_days, cfg.nowcast)
        elapsed, total = working_days_elapsed(m, snapshot.as_of, snapshot.working_days)
        out[m] = MonthStatus(m, f, f >= cfg.nowcast.complete_fraction, elapsed, total)
    return out


def baseline(series: Series, month: date, statuses: dict[date, MonthStatus],
             first_month: date, cfg: RulesConfig) -> Baseline | None:
    """Trailing complete months before ``month`` (dense: a month without cases counts 0)."""
    values: list[float] = []
    m = add_months(month, -1)
    while m >= first_month and len(values) < cfg.spike.baseline_months:
        st = statuses.get(m)
        if st is not None and st.complete:
            values.append(series.get(m, 0))
        m = add_months(m, -1)
    if len(values) < cfg.spike.min_baseline_months:
        return None
    med = median(values)
    sigma = max(MAD_TO_SD * mad(values), math.sqrt(max(med, 1.0)))
    same_month = []
    for years in range(1, cfg.spike.seasonal_years + 1):
        prev = add_months(month, -12 * years)
        st = statuses.get(prev)
        if prev >= first_month and st is not None and st.complete:
            same_month.append(series.get(prev, 0))
    seasonal = median(same_month) if same_month else None
    return Baseline(med, sigma, len(values), seasonal)


def _fmt_status(st: MonthStatus, observed: int) -> str:
    if st.complete:
        return _("complete")
    return _("provisional: {seen} seen, {share}% expected published, {elapsed} of {total} "
             "working days").format(
        seen=format_number(observed), share=format_number(st.fraction * 100, decimals=0),
        elapsed=st.working_elapsed, total=st.working_total)


def judge_spike_drop(key: SeriesKey, series: Series, st: MonthStatus, first_month: date,
                     statuses: dict[date, MonthStatus], cfg: RulesConfig) -> list[Finding]:
    if st.fraction < cfg.nowcast.min_expected_fraction:
        return []
    base = baseline(series, st.month, statuses, first_month, cfg)
    if base is None:
        return []
    observed = series.get(st.month, 0)
    f = 1.0 if st.complete else st.fraction
    nowcast = observed / f
    # A nowcast is noisier than a count: add the Poisson variance of scaling up by 1/f.
    sigma = math.sqrt(base.sigma**2 + max(base.median, 1.0) * (1.0 / f - 1.0))
    z = (nowcast - base.median) / sigma
    labels = {**key.labels(), "month": st.month.strftime("%Y-%m")}
    out: list[Finding] = []
    sp = cfg.spike
    expected = max(base.median, base.seasonal or 0.0)
    if (sp.enabled and nowcast >= sp.min_count and z >= sp.z_threshold
            and nowcast >= sp.min_ratio * expected
            and poisson_sf(observed, expected * f) <= sp.p_value):
        seasonal = _(", same month earlier years {value}").format(
            value=format_number(base.seasonal, decimals=0)) if base.seasonal else ""
        out.append(Finding(
            rule=SPIKE, labels=labels,
            severity="critical" if z >= sp.z_critical else "warning",
            summary=_("Spike: {what} received in {month}: {value} vs baseline {baseline} "
                      "(median of {n} complete months {median}{seasonal}; ×{ratio}, robust z "
                      "{z}) [{status}]").format(
                what=key.describe(), month=labels["month"],
                value=format_number(nowcast, decimals=0),
                baseline=format_number(expected, decimals=0), n=base.n_months,
                median=format_number(base.median, decimals=0), seasonal=seasonal,
                ratio=format_number(nowcast / max(expected, 1), decimals=2),
                z=format_number(z, decimals=1), status=_fmt_status(st, observed)),
            value=round(nowcast, 1), baseline=expected, provisional=not st.complete))
    dr = cfg.drop
    low = min(base.median, base.seasonal) if base.seasonal is not None else base.median
    if (dr.enabled and st.complete and low >= dr.min_baseline and z <= -dr.z_threshold
            and observed <= dr.max_ratio * low and poisson_cdf(observed, low) <= dr.p_value):
        out.append(Finding(
            rule=DROP, labels=labels, severity="warning",
            summary=_("Drop: {what} received in {month}: {value} vs baseline {baseline} "
                      "(robust z {z}) [complete month]").format(
                what=key.describe(), month=labels["month"], value=format_number(observed),
                baseline=format_number(low, decimals=0), z=format_number(z, decimals=1)),
            value=float(observed), baseline=low, provisional=False))
    return out


def judge_record(key: SeriesKey, series: Series, st: MonthStatus, first_month: date,
                 cfg: RulesConfig) -> Finding | None:
    rc = cfg.record
    history = [v for m, v in series.items() if first_month <= m < st.month]
    n_months = (st.month.year - first_month.year) * 12 + st.month.month - first_month.month
    if not history or n_months < rc.min_history_months:
        return None
    if st.fraction < cfg.nowcast.min_expected_fraction:
        return None
    prior = max(history)
    observed = series.get(st.month, 0)
    certain = observed > prior  # visible counts only grow: the record already stands
    f = 1.0 if st.complete else st.fraction
    # Projected: even a pessimistic nowcast (observed − 2√observed) beats the record.
    projected = (observed - 2 * math.sqrt(observed)) / f > prior
    if not (certain or projected) or max(observed, observed / f) < rc.min_count:
        return None
    month = st.month.strftime("%Y-%m")
    shown = format_number(observed) if certain else _("{value} projected").format(
        value=format_number(observed / f, decimals=0))
    return Finding(
        rule=RECORD, labels={**key.labels(), "month": month}, severity="warning",
        summary=_("All-time monthly record: {what} received in {month}: {shown} (previous "
                  "record {prior}) [{status}]").format(
            what=key.describe(), month=month, shown=shown, prior=format_number(prior),
            status=_fmt_status(st, observed)),
        value=float(observed if certain else round(observed / f, 1)), baseline=float(prior),
        provisional=not certain)


def monthly_rules(snapshot: Snapshot, cfg: RulesConfig) -> tuple[list[Finding], set[str]]:
    if snapshot.as_of is None or not snapshot.counts:
        return [], set()
    as_of = snapshot.as_of
    ref = as_of.replace(day=1)
    first_month = min(r.month for r in snapshot.counts)
    months = []
    m = first_month
    while m <= ref:
        months.append(m)
        m = add_months(m, 1)
    statuses = month_statuses(snapshot, cfg, months)
    window = [add_months(ref, -i) for i in range(cfg.evaluation.window_months)]
    window = [w for w in window if w >= first_month]
    series_cfg = cfg.series
    all_series = build_series(snapshot.counts, snapshot.courts,
                              categories=series_cfg.categories, articles=series_cfg.articles,
                              scopes=list(series_cfg.scopes))
    findings: list[Finding] = []
    for key, series in sorted(all_series.items(), key=lambda kv: repr(kv[0])):
        for month in window:
            st = statuses[month]
            findings.extend(judge_spike_drop(key, series, st, first_month, statuses, cfg))
            if cfg.record.enabled and key.scope in cfg.record.scopes:
                rec = judge_record(key, series, st, first_month, cfg)
                if rec is not None:
                    findings.append(rec)
    rules = {r for r, on in ((SPIKE, cfg.spike.enabled), (DROP, cfg.drop.enabled),
                             (RECORD, cfg.record.enabled)) if on}
    return findings, rules

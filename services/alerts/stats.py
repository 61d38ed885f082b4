"""Robust statistics and exact Poisson tails (scipy is not a dependency).

Tails are summed term by term in log space (``math.lgamma``): exact to floating-point
precision for the counts we see (0 .. a few thousand a month) and fast, since only the
terms that matter (a few tens of standard deviations) are added.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

# 1.4826 × MAD estimates the standard deviation of normally distributed data.
MAD_TO_SD = 1.4826


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def mad(values: Sequence[float]) -> float:
    """Median absolute deviation from the median (unscaled)."""
    m = median(values)
    return median([abs(v - m) for v in values])


def _log_pmf(k: int, lam: float) -> float:
    return k * math.log(lam) - lam - math.lgamma(k + 1)


def _sum_from(start: int, step: int, lam: float, stop: int) -> float:
    """Σ pmf(i) for i = start, start+step, … (towards the tail) until terms are negligible."""
    total = 0.0
    i = start
    while i != stop:
        term = math.exp(_log_pmf(i, lam))
        total += term
        # Past the mode terms shrink monotonically, so once one is negligible all are.
        if term < 1e-18 * max(total, 1e-300) and (i - lam) * step > 0:
            break
        i += step
    return total


def poisson_sf(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if k > lam:
        return min(1.0, _sum_from(k, 1, lam, k + 100_000))
    return max(0.0, 1.0 - poisson_cdf(k - 1, lam))


def poisson_cdf(k: int, lam: float) -> float:
    """P(X ≤ k) for X ~ Poisson(lam)."""
    if k < 0:
        return 0.0
    if lam <= 0:
        return 1.0
    if k < lam:
        return min(1.0, _sum_from(k, -1, lam, -1))
    return max(0.0, 1.0 - poisson_sf(k + 1, lam))

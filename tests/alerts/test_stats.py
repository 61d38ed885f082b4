from __future__ import annotations

import math

import pytest

from services.alerts.stats import mad, median, poisson_cdf, poisson_sf


def _pmf(k: int, lam: float) -> float:
    return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))


@pytest.mark.parametrize("lam", [0.5, 3.0, 20.0, 785.0])
@pytest.mark.parametrize("k", [0, 1, 5, 25, 700, 900])
def test_poisson_tails_equal_brute_force_sums(k: int, lam: float) -> None:
    brute_cdf = math.fsum(_pmf(i, lam) for i in range(k + 1))
    assert poisson_cdf(k, lam) == pytest.approx(brute_cdf, rel=1e-9, abs=1e-300)
    brute_sf = math.fsum(_pmf(i, lam) for i in range(k, k + 5000))
    assert poisson_sf(k, lam) == pytest.approx(min(1.0, brute_sf), rel=1e-9, abs=1e-15)


def test_known_values() -> None:
    assert poisson_sf(0, 5.0) == 1.0
    assert poisson_cdf(0, 2.0) == pytest.approx(math.exp(-2.0))
    assert poisson_sf(1076, 785.0) < 1e-20  # far in the tail, still finite and positive
    assert poisson_sf(1076, 785.0) > 0.0


def test_median_and_mad() -> None:
    values = [690, 780, 907, 640, 700, 790, 860, 929, 980, 1076, 905, 880]
    assert median(values) == 870
    assert mad(values) == 85

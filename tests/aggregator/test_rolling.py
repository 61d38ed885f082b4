"""Rolling sums and year-over-year change on a dense month grid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from clickhouse_connect.driver.client import Client

from docketwatch.store.sink import write_events

from .factories import make_event


def _month(i: int) -> date:  # i = 0 → Jan 2023
    return date(2023 + i // 12, i % 12 + 1, 1)


# cases received per month, Jan 2023 .. Apr 2024; May 2023 has none (must count as 0)
RECEIVED = {i: (0 if i == 4 else i + 1) for i in range(16)}


def test_rolling_and_yoy(store: Client) -> None:
    events = []
    for i, n in RECEIVED.items():
        m = _month(i)
        events += [
            make_event(f"1-{i}-{k}/x", observed="2024-12-01T00:00:00", receipt=m.replace(day=5))
            for k in range(n)
        ]
    write_events(store, events)
    rows = store.query(
        "SELECT month, value, sum_3m, sum_12m, value_year_ago, yoy_change, yoy_change_pct "
        "FROM monthly_rolling WHERE measure = 'received' AND category = 'all' ORDER BY month"
    ).result_rows
    assert [r[0] for r in rows] == [_month(i) for i in range(16)]  # dense, incl. May 2023
    for i, (_, value, s3, s12, ago, change, pct) in enumerate(rows):
        assert value == RECEIVED[i]
        assert s3 == (sum(RECEIVED[j] for j in range(i - 2, i + 1)) if i >= 2 else None)
        assert s12 == (sum(RECEIVED[j] for j in range(i - 11, i + 1)) if i >= 11 else None)
        if i >= 12:
            prev = RECEIVED[i - 12]
            assert ago == prev
            assert change == RECEIVED[i] - prev
            expected = (Decimal(100 * (RECEIVED[i] - prev)) / prev).quantize(Decimal("0.1"))
            assert pct == expected
        else:
            assert (ago, change, pct) == (None, None, None)
    # spot check by hand: Apr 2024 (16) vs Apr 2023 (4): +12, +300.0 %
    assert rows[15][4:] == (4, 12, Decimal("300.0"))

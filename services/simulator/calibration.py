"""Published figures the default corpus reproduces (see CALIBRATION.md for which and why).

Every figure here is a count *as visible on the calibration date* (27 Dec 2024), because
that is what Mediazona counted: cases received late in 2024 and not yet on the sites are
generated too, but published after that date.
"""

from __future__ import annotations

from datetime import date

CALIBRATION_DATE = date(2024, 12, 27)

# Refusal-to-serve cases (332/337/338), distinct docket entries by month of receipt,
# visible on CALIBRATION_DATE. 2023 sums to 5,517 and 2024 to 10,308; July 2024 is the
# 1,076 record, May 2024 the reported 929, Aug-Sep dip, Oct over 1,000, and 2022 is
# sized so that the whole since Feb 2022 is "almost 16,000" (15,995).
REFUSAL_RECEIVED: dict[str, int] = {
    "2022-02": 0, "2022-03": 4, "2022-04": 6, "2022-05": 7, "2022-06": 8, "2022-07": 8,
    "2022-08": 9, "2022-09": 10, "2022-10": 18, "2022-11": 38, "2022-12": 62,
    "2023-01": 110, "2023-02": 140, "2023-03": 190, "2023-04": 300, "2023-05": 360,
    "2023-06": 420, "2023-07": 480, "2023-08": 540, "2023-09": 600, "2023-10": 690,
    "2023-11": 780, "2023-12": 907,
    "2024-01": 640, "2024-02": 700, "2024-03": 790, "2024-04": 860, "2024-05": 929,
    "2024-06": 980, "2024-07": 1076, "2024-08": 905, "2024-09": 880, "2024-10": 1032,
    "2024-11": 930, "2024-12": 586,
}  # fmt: skip
# After the calibration month there is nothing published per month; the end-May-2025 point
# (20,538 in total) implies roughly this many a month, counted as received (not visible).
REFUSAL_RECEIVED_AFTER = 950

# May 2024, reported by article: every one of the 929 cases carries exactly one of them.
MAY_2024 = "2024-05"
MAY_2024_BY_ARTICLE: dict[str, int] = {"337": 844, "332": 43, "338": 42}

# Decisions visible on CALIBRATION_DATE among refusal cases.
SENTENCED_TOTAL = 13_897
SENTENCED_BY_ARTICLE: dict[str, int] = {"337": 12_460, "332": 975, "338": 563}
# 12,460 + 975 + 563 - 13,897 = 101 sentenced cases carry two refusal articles.
SENTENCED_PAIRS: dict[frozenset[str], int] = {
    frozenset({"337", "338"}): 60,
    frozenset({"332", "337"}): 41,
}
OTHER_DECISIONS: dict[str, int] = {
    "terminated": 70,
    "returned_to_prosecutor": 45,
    "transferred": 35,
    "other_ruling": 25,
}  # 175 in all
SENTENCED_BY_MONTH: dict[str, int] = {"2024-03": 684, "2024-07": 900}

# Received totals since Feb 2022 that can be matched beside the year totals (337 cannot:
# 14,182 + 1,037 + 683 is fewer than the distinct cases plus the two-article ones).
RECEIVED_BY_ARTICLE: dict[str, int] = {"332": 1_037, "338": 683}

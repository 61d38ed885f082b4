"""Every SQL statement the dashboard runs, parameterised (``{name:Type}`` placeholders).

Rules that keep the API honest:
* user input only ever travels as a bound parameter; the only text that varies is the
  choice among fixed WHERE fragments written here;
* dates and timestamps are converted with toString() and decimals with toFloat64() in SQL,
  so the endpoint (JSON) and a ClickHouse server (Python objects) give identical values,
  and ``docketwatch sql`` prints exactly what the API serves for the same statement;
* counts read the views of VIEWS.md and reuse their rules (categories, FINAL, statuses)
  rather than restating them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# CATEGORIES: a case's one category, in order of precedence (re-exported for the pages)
from docketwatch.categories import CATEGORIES as CATEGORIES

MEASURES = ("received", "decisions", "verdicts", "other_decisions")
DECISION_CLASSES = ("verdict", "terminated", "returned_to_prosecutor", "transferred",
                    "other_ruling", "medical_measures", "other", "unclassified")
# Tables written by the fetcher/alerting side; the dashboard shows an empty state when a
# store predates them.
OPTIONAL_TABLES = ("alert_history", "court_health")


@dataclass(frozen=True)
class Query:
    sql: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    """Optional filters shared by the monthly series; None means "all"."""

    court: str | None = None
    region: str | None = None
    since: str | None = None  # YYYY-MM-DD, first day of a month
    until: str | None = None

    def where(self, *, month_col: str = "v.month") -> tuple[str, dict[str, Any]]:
        parts: list[str] = []
        params: dict[str, Any] = {}
        if self.court is not None:
            parts.append("v.court_code = {court:String}")
            params["court"] = self.court
        if self.region is not None:
            parts.append("v.region = {region:String}")
            params["region"] = self.region
        if self.since is not None:
            parts.append(f"{month_col} >= toDate32({{since:String}})")
            params["since"] = self.since
        if self.until is not None:
            parts.append(f"{month_col} <= toDate32({{until:String}})")
            params["until"] = self.until
        return " AND ".join(parts), params


def _and(*conditions: str) -> str:
    kept = [c for c in conditions if c]
    return ("WHERE " + " AND ".join(kept)) if kept else ""


def summary() -> Query:
    return Query("""
SELECT
    (SELECT count() FROM cases) AS cases,
    (SELECT countIf(category = 'refusal') FROM cases) AS refusal_cases,
    (SELECT countIf(category = 'refusal' AND decision_class = 'verdict') FROM cases)
        AS refusal_verdicts,
    (SELECT uniqExact(court_code) FROM cases) AS courts_with_cases,
    (SELECT toString(latest_observed_at) FROM publication_status) AS latest_observed_at,
    (SELECT toString(complete_through) FROM publication_status) AS complete_through
""".strip())


def as_of() -> Query:
    """The date of the newest observation: downloads say "as of" it."""
    return Query("SELECT toString(toDate(latest_observed_at)) AS as_of FROM publication_status")


def received(filters: Filters, category: str | None = None) -> Query:
    where, params = filters.where()
    if category is not None:
        params["category"] = category
    # status depends on the month only, so any() is exact.
    return Query(f"""
SELECT toString(month) AS month, category, toUInt64(sum(cases)) AS cases,
       any(status) AS status
FROM monthly_received_by_category AS v
{_and(where, "v.category = {category:String}" if category is not None else "")}
GROUP BY month, category
ORDER BY month, category
""".strip(), params)  # noqa: S608 (fixed fragments; values are bound)


def decisions(filters: Filters, category: str) -> Query:
    where, params = filters.where()
    params["category"] = category
    return Query(f"""
SELECT toString(month) AS month, decision_class, toUInt64(sum(cases)) AS cases,
       any(status) AS status
FROM monthly_decisions_by_category AS v
{_and("v.category = {category:String}", where)}
GROUP BY month, decision_class
ORDER BY month, decision_class
""".strip(), params)  # noqa: S608 (fixed fragments; values are bound)


def verdicts_per_working_day(category: str) -> Query:
    return Query("""
SELECT toString(month) AS month, verdicts, working_days, toFloat64(per_day) AS per_day, status
FROM verdicts_per_working_day
WHERE category = {category:String}
ORDER BY month
""".strip(), {"category": category})


def suspended_share(category: str) -> Query:
    """Share of suspended sentences among the punishments read from published verdicts."""
    return Query("""
SELECT toString(month) AS month, punished, suspended, unreadable,
       toFloat64(ifNull(share, 0) * 100) AS suspended_pct, status
FROM suspended_share
WHERE category = {category:String}
ORDER BY month
""".strip(), {"category": category})


def year_over_year(measure: str, category: str) -> Query:
    return Query("""
SELECT toString(r.month) AS month, toUInt16(toYear(r.month)) AS year,
       toUInt8(toMonth(r.month)) AS month_of_year, value, sum_3m, sum_12m, value_year_ago,
       yoy_change, toFloat64(yoy_change_pct) AS yoy_change_pct, status
FROM monthly_rolling AS r
WHERE measure = {measure:String} AND category = {category:String}
ORDER BY month
""".strip(), {"measure": measure, "category": category})


# Per-court and per-region figures count the rows of `cases` (one per case) by its
# `category` column, the views' own rule (docketwatch.categories).
_COURT_STATS = """
    SELECT court_code,
           count() AS cases,
           countIf(category = 'refusal') AS refusal_cases,
           countIf(category = 'refusal' AND decision_class = 'verdict') AS refusal_verdicts,
           countIf(category = 'refusal' AND decision_date IS NULL) AS refusal_pending,
           toString(max(receipt_date)) AS last_receipt_date
    FROM cases
    GROUP BY court_code
"""


def courts(region: str | None = None, court: str | None = None) -> Query:
    params: dict[str, Any] = {}
    conditions = []
    if region is not None:
        conditions.append("r.region = {region:String}")
        params["region"] = region
    if court is not None:
        conditions.append("s.court_code = {court:String}")
        params["court"] = court
    return Query(f"""
SELECT s.court_code AS court_code, r.court_name AS court_name, r.court_type AS court_type,
       r.region AS region, s.cases AS cases, s.refusal_cases AS refusal_cases,
       s.refusal_verdicts AS refusal_verdicts, s.refusal_pending AS refusal_pending,
       s.last_receipt_date AS last_receipt_date
FROM ({_COURT_STATS}) AS s
LEFT JOIN court_regions AS r ON r.court_code = s.court_code
{_and(*conditions)}
ORDER BY refusal_cases DESC, cases DESC, court_code
""".strip(), params)  # noqa: S608 (fixed fragments; values are bound)


def court_info(court: str) -> Query:
    """The directory entry, which exists even for a court without any case."""
    return Query("""
SELECT court_code, court_name, court_type, region, district_code
FROM court_regions
WHERE court_code = {court:String}
""".strip(), {"court": court})


def court_directory() -> Query:
    return Query("""
SELECT court_code, court_name, region FROM court_regions ORDER BY court_code
""".strip())


def regions() -> Query:
    return Query("""
SELECT r.region AS region,
       uniqExact(c.court_code) AS courts,
       count() AS cases,
       countIf(c.category = 'refusal') AS refusal_cases,
       countIf(c.category = 'refusal' AND c.decision_class = 'verdict') AS refusal_verdicts
FROM cases AS c
LEFT JOIN court_regions AS r ON r.court_code = c.court_code
GROUP BY region
ORDER BY refusal_cases DESC, cases DESC, region
""".strip())


@dataclass(frozen=True)
class CaseSearch:
    court: str | None = None
    article: str | None = None
    number: str | None = None  # substring of the case number, case-insensitive
    limit: int = 50
    offset: int = 0

    def where(self) -> tuple[str, dict[str, Any]]:
        parts: list[str] = []
        params: dict[str, Any] = {}
        if self.court is not None:
            parts.append("court_code = {court:String}")
            params["court"] = self.court
        if self.article is not None:
            parts.append("has(articles, {article:String})")
            params["article"] = self.article
        if self.number is not None:
            # position(), not LIKE: '%' and '_' typed by a user must not act as wildcards.
            parts.append("positionCaseInsensitiveUTF8(case_number, {number:String}) > 0")
            params["number"] = self.number
        return _and(*parts), params


def case_search(search: CaseSearch) -> Query:
    where, params = search.where()
    params.update(limit=search.limit, offset=search.offset)
    return Query(f"""
SELECT case_key, court_code, case_number, toString(receipt_date) AS receipt_date,
       toString(decision_date) AS decision_date, decision_class, articles, judge,
       n_defendants, toString(last_observed_at) AS last_observed_at, source_url
FROM cases
{where}
ORDER BY receipt_date DESC NULLS LAST, case_key
LIMIT {{limit:UInt32}} OFFSET {{offset:UInt32}}
""".strip(), params)  # noqa: S608 (fixed fragments; values are bound)


def case_count(search: CaseSearch) -> Query:
    where, params = search.where()
    return Query(f"SELECT count() AS total FROM cases {where}".strip(), params)  # noqa: S608


def case_detail(case_key: str) -> Query:
    return Query("""
SELECT case_key, court_code, case_number, case_uid, toString(receipt_date) AS receipt_date,
       toString(decision_date) AS decision_date, decision_class, decision_text,
       decision_ground, toString(entry_into_force_date) AS entry_into_force_date, judge,
       n_defendants, articles, defendant_articles, last_event_type,
       toString(last_observed_at) AS last_observed_at, parser_version, source_page_id,
       source_url
FROM cases
WHERE case_key = {case_key:String}
""".strip(), {"case_key": case_key})


def case_provenance(case_key: str) -> Query:
    """Every event behind the case with the page it was read from."""
    return Query("""
SELECT event_id, event_type, toString(observed_at) AS observed_at, parser_version, page_id,
       url, sha256, toString(fetched_at) AS fetched_at
FROM case_sources
WHERE case_key = {case_key:String}
ORDER BY observed_at, event_id
""".strip(), {"case_key": case_key})


def existing_tables() -> Query:
    return Query("""
SELECT name FROM system.tables
WHERE database = currentDatabase() AND name IN {names:Array(String)}
ORDER BY name
""".strip(), {"names": list(OPTIONAL_TABLES)})


# The latest record per alert. argMax over a tuple keeps NULL fields of the latest row
# (argMax on a Nullable column alone would skip NULLs and mix rows).
def alerts_current(active_only: bool) -> Query:
    where = "WHERE s.3 IN ('firing', 'escalated')" if active_only else ""
    return Query(f"""
SELECT alert_id, s.1 AS rule, s.2 AS labels, s.3 AS status, s.4 AS severity,
       s.5 AS summary, s.6 AS value, s.7 AS baseline, s.8 AS provisional,
       toString(first_at) AS first_at, toString(last_at) AS last_at
FROM
(
    SELECT alert_id,
           argMax((rule, labels, status, severity, summary, value, baseline, provisional), at)
               AS s,
           min(at) AS first_at, max(at) AS last_at
    FROM alert_history FINAL
    GROUP BY alert_id
)
{where}
ORDER BY multiIf(severity = 'critical', 0, severity = 'warning', 1, 2), last_at DESC, alert_id
""".strip())  # noqa: S608 (fixed fragments; values are bound)


def alert_log(limit: int) -> Query:
    return Query("""
SELECT alert_id, rule, labels, status, severity, summary, value, baseline, provisional,
       toString(at) AS at
FROM alert_history FINAL
ORDER BY at DESC, alert_id, status
LIMIT {limit:UInt32}
""".strip(), {"limit": limit})


def court_health() -> Query:
    return Query("""
SELECT court_code, s.1 AS state, toString(s.2) AS checked_at, toString(s.3) AS last_success,
       toString(s.4) AS last_new_case, s.5 AS last_error, s.6 AS pages_ok,
       s.7 AS pages_failed
FROM
(
    SELECT court_code,
           argMax((state, checked_at, last_success, last_new_case, last_error, pages_ok,
                   pages_failed), checked_at) AS s
    FROM court_health FINAL
    GROUP BY court_code
)
ORDER BY court_code
""".strip())


def page_health() -> Query:
    """What the pages events came from say per court: how many, last fetch, last new case.
    (Pages that failed are the fetcher's to report: court_health.pages_failed.)"""
    return Query("""
SELECT p.court_code AS court_code, r.court_name AS court_name, p.pages AS pages,
       toString(p.last_fetch) AS last_fetch, toString(f.last_new_case) AS last_new_case
FROM
(
    SELECT court_code, count() AS pages, max(fetched_at) AS last_fetch
    FROM page_sources
    GROUP BY court_code
) AS p
LEFT JOIN court_regions AS r ON r.court_code = p.court_code
LEFT JOIN
(
    SELECT c.court_code AS court_code, max(f.first_seen_at) AS last_new_case
    FROM case_first_seen AS f
    INNER JOIN cases AS c ON c.case_key = f.case_key
    GROUP BY c.court_code
) AS f ON f.court_code = p.court_code
ORDER BY court_code
""".strip())

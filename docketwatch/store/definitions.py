"""What each published number means, in a sentence or two, written once.

Kept with the views: ``migrate()`` sets each view's comment to its definition, so any
ClickHouse client reads it (``SELECT name, comment FROM system.tables``), and a view that a
later migration re-creates gets its comment back. Shown next to the numbers: the
dashboard's headline figures and charts and the API's listings (``definitions``) read
:data:`FIGURES`. VIEWS.md explains the rules at length; these are the short forms.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from clickhouse_connect.driver.binding import format_str, quote_identifier
from clickhouse_connect.driver.client import Client

from docketwatch.i18n import N_, gettext

_STATUS = N_(" A month is provisional until it ends publication_delay_days (60) before the "
           "docket's newest date: sudrf publishes late.")

# Every view of the store (tests/aggregator/test_definitions.py: no view without one).
VIEWS: Final[dict[str, str]] = {
    "cases": "The current state of every case, one row per case: its latest observation "
             "on the court's site, with its articles and its one category.",
    "case_articles": "One row per case and article it is charged under, with the article's "
                     "group and the case's category.",
    "cases_as_of": "Each case as it was known from the pages fetched up to a given time.",
    "case_first_seen": "The first observation of each case and the receipt date it showed "
                       "then.",
    "case_sources": "Every page behind a case: URL, fetch time and sha256 of the page.",
    "page_sources": "Every fetched page that produced case events, with its URL, sha256, "
                    "fetch time and number of events.",
    "disappeared_cases": "Cases the court's site no longer lists after a complete fetch of "
                         "their receipt window; they still count where they were received.",
    "articles": "Every Criminal Code article known by name or seen in the data, with its "
                "group: refusal (332, 337, 338), military (other ch. 33) or other.",
    "court_regions": "Each court's name, type and region (the seat of the court).",
    "working_days_monthly": "Official working days per month on the Russian production "
                            "calendar (holidays RU, working Saturdays included).",
    "publication_status": "The docket's newest date (receipt or decision, of current "
                          "states), the publication delay, and the last complete day.",
    "monthly_received": "Cases received per month, court and article: a case counts once "
                        "under each of its articles, so do not add up the articles."
                        + _STATUS,
    "monthly_received_by_category": N_("Cases received per month and court, each case once, in "
                                       "its one category: a month's categories add up to its "
                                       "cases.") + _STATUS,
    "monthly_received_defendants": "Cases received per month, court and article, and the "
                                   "defendants charged under that article." + _STATUS,
    "monthly_decisions": "Cases decided per month of decision, by decision class, court and "
                         "article (once under each article)." + _STATUS,
    "monthly_decisions_by_category": N_("Cases decided per month of decision, by decision "
                                        "class and court, each case once in its category.")
                                     + _STATUS,
    "monthly_measures": "National totals per month: cases received, decided, sentenced "
                        "(verdicts) and other decisions, by category ('all' = every case "
                        "once)." + _STATUS,
    "verdicts_per_working_day": N_("Verdicts of the month divided by the month's official "
                                   "working days, kept to 6 decimal places (shown rounded: "
                                   "one decimal place, two significant digits below 1).")
                                + _STATUS,
    "monthly_rolling": N_("Monthly totals with 3- and 12-month sums and the change against the "
                          "same month a year earlier; a month without cases counts 0."),
    "year_summary": "The year in the shape of the published table: per refusal article "
                    "and for all refusal cases, received, sentenced and other decisions in "
                    "the year and since a date, and the record month.",
    "case_sentences": "One row per defendant sentence read from a verdict's published act.",
    "monthly_punishments": "Defendants per month of verdict, article, court and kind of "
                           "punishment, from published acts." + _STATUS,
    "suspended_share": N_("Of the defendants punished in verdicts whose acts are published, the "
                          "share whose sentence was suspended (art. 73).") + _STATUS,
    "act_publication_lag": "Verdicts per month and how long their acts took to appear on "
                           "the site.",
    "act_states": "Each verdict's act: published, pending (not out yet) or withheld (not "
                  "out past the re-poll horizon).",
    "monthly_act_states": "Verdicts per month by the state of their act: published, "
                          "pending or withheld.",
    "case_judicial_uids": "Each case's УИД (unique case identifier), as its latest card "
                          "showing one gave it.",
    "appeals": "The current state of every appeal and cassation: its latest observation "
               "on the higher court's site.",
    "appeal_links": N_("Each appeal's first-instance case and how the link was made: 'uid' "
                    "(the same УИД), 'court_number' (the first-instance court and number "
                    "the card shows), or none yet (the case is not known)."),
    "appeal_cases": "Every appeal with its link and the first-instance case's facts "
                    "(articles, category, verdict date).",
    "appeal_chain": "Each first-instance case's reviews, appeal then cassation, each with "
                    "the page it was read from.",
    "monthly_appeals": N_("Decided appeals per month of the appeal decision, by instance, "
                       "result and article of the first-instance case (once under each "
                       "article: do not add up the articles)."),
    "refusal_appeal_share": N_("Refusal verdicts per month of the verdict, how many were "
                            "appealed (an appeal linked to them, decided or not) and the "
                            "share, to 6 decimal places."),
    "appeal_changes": N_("Sentences changed on review per month of the decision, by instance, "
                      "category and kind of change: softened, harsher, suspended_to_real, "
                      "real_to_suspended, or other (the card does not say how)."),
    "appeal_delays": N_("Days from the first-instance decision to the review's decision, per "
                     "month of the review's decision: count, total, minimum, maximum and "
                     "lower median."),
}

# Numbers shown on their own (headlines, summary rows, report columns), by column name.
FIGURES: Final[dict[str, str]] = {
    "cases": N_("Every case on the military courts' dockets since the crawl's start, each once, "
                "whatever its articles."),
    "refusal_cases": N_("Cases with at least one refusal-to-serve article: 332 (disobeying an "
                        "order), 337 (leaving the unit), 338 (desertion); each case once."),
    "refusal_verdicts": N_("Refusal cases whose decision is a verdict (ПРИГОВОР); terminations, "
                           "returns and other rulings are not counted."),
    "courts_with_cases": N_("Military courts with at least one case in the store."),
    "complete_through": N_("The last day of the last complete month: later months are "
                           "provisional, because sudrf publishes records weeks to months late."),
    "received": N_("Cases registered by the court (receipt date) in the period."),
    "sentenced": N_("Cases decided by a verdict in the period (month of the decision)."),
    "other_decisions": N_("Cases decided in the period by anything but a verdict: terminated, "
                          "returned to the prosecutor, transferred, other rulings."),
    "per_day": N_("Verdicts of the month ÷ the month's official working days (shown to one "
                  "decimal place, or two significant digits below 1: 1 in 22 days is 0.045)."),
    "yoy_change": N_("This month's value minus the same month's a year earlier."),
    "suspended_pct": N_("Suspended sentences (art. 73) as a share of the defendants punished, "
                        "from published acts only."),
}


def apply_comments(client: Client) -> None:
    """Set each view's comment to its definition (idempotent)."""
    existing = {str(name): str(comment) for name, comment in client.query(
        "SELECT name, comment FROM system.tables WHERE database = currentDatabase() "
        "AND engine = 'View'").result_rows}
    for view, text in VIEWS.items():
        if view in existing and existing[view] != text:
            # DDL takes no query parameters; these are our own constants, quoted anyway.
            client.command(f"ALTER TABLE {quote_identifier(view)} "
                           f"MODIFY COMMENT {format_str(text)}")


def figures_of(columns: list[str]) -> dict[str, str]:
    """The definitions of the numbers among ``columns``, in the current language."""
    return {c: gettext(FIGURES[c]) for c in columns if c in FIGURES}


def view_text(name: str) -> str:
    """A view's definition in the current language (the store's comments stay English)."""
    text = VIEWS[name]
    if text.endswith(_STATUS):  # translated in two parts, as it is written
        return gettext(text[: -len(_STATUS)]) + gettext(_STATUS)
    return gettext(text)


def display_rate(value: float | Decimal | str | None) -> str:
    """A rate as it is shown and quoted (the store keeps it to 6 places): one decimal place
    (900 / 23 → 39.1), but two significant digits below 1 so that a small rate never
    reads 0.0 (1 / 22 → 0.045, 2 / 21 → 0.095, 0.95 stays 0.95); half away from zero, on
    the decimal digits (``str`` of the API's float is the store's decimal). None → "—"."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number.is_zero():
        return "0.0"
    places = max(1, 1 - number.adjusted())
    return str(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# The weekly digest (docketwatch.store.digest): its parameters and what each figure means.
DIGEST_USUAL_WEEKS: Final = 12  # the usual week is the median of this many weeks before
DIGEST_STOOD_OUT_MIN: Final = 5  # a court stands out from this many cases received ...
DIGEST_STOOD_OUT_RATIO: Final = 2  # ... and at least this many times its usual week
DIGEST_SILENT_MIN_USUAL: Final = 1  # a court goes silent when its usual week is at least this

# Marked for translation (N_) with the parameters as {placeholders}: read them through
# digest_definition, in the current language.
DIGEST: Final[dict[str, str]] = {
    "week": N_("An ISO week, Monday to Sunday, in the dates the docket gives (2024-W30 is 22 "
               "to 28 July 2024)."),
    "received": N_("Refusal cases (arts. 332, 337, 338; each case once) whose receipt date is "
                   "in the week."),
    "verdicts": N_("Refusal cases decided by a verdict (ПРИГОВОР) with a decision date in the "
                   "week."),
    "usual_week": N_("The median of the {weeks} ISO weeks before the week, a week without "
                     "cases counting 0."),
    "stood_out": N_("A court that received at least {min} refusal cases in the week and at "
                    "least {ratio} times its own usual week."),
    "silent": N_("A court whose usual week is at least {silent_min} refusal case but that "
                 "received none in the week, although its site was last fetched fine (court "
                 "health ok)."),
    "unreachable": N_("A court that would be silent, but whose site was not last fetched fine "
                      "(captcha, failing, blocked, incomplete, or never checked): no cases may "
                      "mean no data."),
    "alerts": N_("Alerts that fired or escalated during the week (their own UTC time), each "
                 "once, as it stood at the end of the week."),
    "provisional": N_("sudrf publishes late: the week's counts grow for weeks after it ends; "
                      "quote them as 'at least'."),
}
_DIGEST_PARAMS: Final = {"weeks": DIGEST_USUAL_WEEKS, "min": DIGEST_STOOD_OUT_MIN,
                         "ratio": DIGEST_STOOD_OUT_RATIO, "silent_min": DIGEST_SILENT_MIN_USUAL}


def digest_definition(name: str) -> str:
    """One of the digest's definitions, in the current language, its parameters filled in."""
    return gettext(DIGEST[name]).format(**_DIGEST_PARAMS)


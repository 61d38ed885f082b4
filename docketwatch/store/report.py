"""The year summary in the shape of the published table (``docketwatch report --year``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from clickhouse_connect.driver.client import Client

from docketwatch.i18n import N_, column, format_number, gettext
from docketwatch.settings import COUNT_SINCE
from docketwatch.store.definitions import FIGURES

# Mediazona counts "since the full-scale invasion".
DEFAULT_SINCE = COUNT_SINCE
LINES = ("332", "337", "338", "refusal")
LINE_LABELS = {  # English; line_label() reads them in the current language
    "332": N_("332 disobeying orders"),
    "337": N_("337 AWOL"),
    "338": N_("338 desertion"),
    "refusal": N_("refusal to serve (cases)"),
}


def line_label(line: str) -> str:
    """A line of the published table as it is labelled, in the current language."""
    return gettext(LINE_LABELS[line]) if line in LINE_LABELS else line


@dataclass(frozen=True)
class SummaryLine:
    line: str
    received: int
    sentenced: int
    other_decisions: int
    received_since: int
    sentenced_since: int
    other_decisions_since: int
    record_month: date | None
    record_month_received: int


@dataclass(frozen=True)
class YearSummary:
    year: int
    since: date
    lines: dict[str, SummaryLine] = field(default_factory=dict)
    # months of the year still inside the publication-delay window
    provisional_months: tuple[date, ...] = ()

    @property
    def total(self) -> SummaryLine:
        return self.lines["refusal"]


def _empty(line: str) -> SummaryLine:
    return SummaryLine(line, 0, 0, 0, 0, 0, 0, None, 0)


def year_summary(client: Client, year: int, since: date = DEFAULT_SINCE) -> YearSummary:
    """Reads the ``year_summary`` parameterised view; lines with no cases are zeros."""
    result = client.query(
        "SELECT line, received, sentenced, other_decisions, received_since, sentenced_since, "
        "other_decisions_since, record_month, record_month_received "
        "FROM year_summary(year = {year:UInt16}, since = {since:Date})",
        parameters={"year": year, "since": since},
    )
    lines = {line: _empty(line) for line in LINES}
    for row in result.result_rows:
        (line, received, sentenced, other, received_s, sentenced_s, other_s, rec_month,
         rec_cases) = row
        lines[line] = SummaryLine(
            line, int(received), int(sentenced), int(other), int(received_s),
            int(sentenced_s), int(other_s), rec_month if rec_cases else None, int(rec_cases),
        )
    provisional = client.query(
        "SELECT DISTINCT month FROM monthly_measures "
        "WHERE toYear(month) = {year:UInt16} AND status = 'provisional' ORDER BY month",
        parameters={"year": year},
    ).result_rows
    return YearSummary(year, since, lines, tuple(r[0] for r in provisional))


def format_year_summary(summary: YearSummary) -> str:
    """A plain-text table: the year's figures, then the same since ``summary.since``."""
    y, s = summary.year, summary.since.isoformat()
    header = (
        f"{'':28}{'received':>10}{'sentenced':>11}{'other':>8}"
        f"{'received':>11}{'sentenced':>11}{'other':>8}  record month ({y})"
    )
    sub = f"{'':28}{'in ' + str(y):>29}{'':2}{'since ' + s + ' to end ' + str(y):>30}"
    rows = [sub, header]
    for key in LINES:
        ln = summary.lines[key]
        record = (
            f"{ln.record_month:%Y-%m}: {ln.record_month_received:,}" if ln.record_month else "-"
        )
        rows.append(
            f"{LINE_LABELS[key]:28}{ln.received:>10,}{ln.sentenced:>11,}{ln.other_decisions:>8,}"
            f"{ln.received_since:>11,}{ln.sentenced_since:>11,}{ln.other_decisions_since:>8,}"
            f"  {record}"
        )
    if summary.provisional_months:
        months = ", ".join(f"{m:%Y-%m}" for m in summary.provisional_months)
        rows.append(f"provisional (inside the publication-delay window): {months}")
    rows.append("")
    rows += [f"{name}: {FIGURES[key]}" for name, key in
             (("received", "received"), ("sentenced", "sentenced"), ("other", "other_decisions"))]
    return "\n".join(rows)


# Column → definition key (docketwatch.store.definitions.FIGURES) of the published table.
_COLUMN_FIGURES = {"received": "received", "sentenced": "sentenced",
                   "other_decisions": "other_decisions", "received_since": "received",
                   "sentenced_since": "sentenced", "other_decisions_since": "other_decisions"}


def _notes(columns: Sequence[str], year: int, since: str) -> list[str]:
    notes = [f"{column(c)}: {gettext(FIGURES[_COLUMN_FIGURES[c]])}" for c in columns
             if c in _COLUMN_FIGURES]
    return [gettext("Year {year}; the *_since columns count from {since} to the end of "
                    "{year}.").format(year=year, since=since),
            *notes, gettext("Source: docketwatch, sudrf.ru dockets (the year_summary view).")]


def table_markdown(columns: Sequence[str], rows: Sequence[Sequence[object]], *, year: int,
                   since: str) -> str:
    """The year table as Markdown, lines labelled as published, with what columns mean;
    numbers in the locale's format (11 308 / 11,308): Markdown is read, not computed on."""
    def cell(v: object) -> str:
        if isinstance(v, int) and not isinstance(v, bool):
            return format_number(v)
        return str(v).replace("|", "\\|") if v is not None else ""

    out = ["| " + " | ".join(column(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        first = line_label(str(r[0]))
        out.append("| " + " | ".join([cell(first), *map(cell, r[1:])]) + " |")
    return "\n".join([*out, "", *(f"- {n}" for n in _notes(columns, year, since))]) + "\n"


def table_xlsx(columns: Sequence[str], rows: Sequence[Sequence[object]], *, year: int,
               since: str) -> bytes:
    """The year table as an XLSX workbook: numbers as numbers, dates as dates, a sheet
    'about' with what the columns mean and where the numbers come from."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext("year {year}").format(year=year)
    sheet.append([column(c) for c in columns])
    for r in rows:
        sheet.append([line_label(str(r[0])), *r[1:]])
    about = book.create_sheet("about")
    for note in _notes(columns, year, since):
        about.append([note])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()

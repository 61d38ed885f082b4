"""Russian and English: the locale's numbers, months and plurals (Babel, CLDR), and a
catalogue that covers every string the code asks to translate."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from docketwatch import i18n
from docketwatch.store.definitions import FIGURES
from docketwatch.store.report import table_markdown, table_xlsx
from launcher import catalog

PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)s")


def _po(lang: str):  # type: ignore[no-untyped-def]
    with catalog.po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=i18n.DOMAIN)


def test_thousands_are_grouped_as_the_locale_does() -> None:
    with i18n.using("ru"):
        assert i18n.format_number(11308) == "11\u00a0308" == format_decimal(11308, locale="ru")
        assert i18n.format_number(3.5, decimals=1) == "3,5"
        assert i18n.format_number(1234567) == "1\u00a0234\u00a0567"
        assert i18n.format_number(3.456, decimals=1, signed=True) == "+3,5"
        assert i18n.format_percent(0.0512) == "5,1%"
    with i18n.using("en"):
        assert i18n.format_number(11308) == "11,308"
        assert i18n.format_number(3.5, decimals=1) == "3.5"
        assert i18n.format_number(-2.04, decimals=1, signed=True) == "-2.0"
        assert i18n.format_percent(0.0512) == "5.1%"
    assert i18n.format_number(None) == "—"


def test_months_stand_alone_in_the_nominative() -> None:
    with i18n.using("ru"):
        assert i18n.format_month(date(2024, 7, 1)) == "июль 2024"
        assert i18n.format_month("2024-03-01") == "март 2024"  # not "марта" (genitive)
        assert [i18n.month_abbr(m) for m in (1, 5, 12)] == ["янв.", "май", "дек."]
    with i18n.using("en"):
        assert i18n.format_month(date(2024, 7, 1)) == "July 2024"
        assert i18n.format_month("2024-03") == "March 2024"
        assert [i18n.month_abbr(m) for m in (1, 5, 12)] == ["Jan", "May", "Dec"]


@pytest.mark.parametrize(("n", "ru", "en"), [
    (1, "1 дело", "1 case"), (2, "2 дела", "2 cases"), (5, "5 дел", "5 cases"),
    (21, "21 дело", "21 cases"), (11, "11 дел", "11 cases"), (104, "104 дела", "104 cases")])
def test_russian_has_three_plural_forms(n: int, ru: str, en: str) -> None:
    for lang, want in (("ru", ru), ("en", en)):
        with i18n.using(lang):  # type: ignore[arg-type]
            text = i18n.ngettext("%(count)s case", "%(count)s cases", n) % {"count": n}
            assert text == want


def test_keys_are_shown_as_words_in_each_language() -> None:
    with i18n.using("ru"):
        assert i18n.term("returned_to_prosecutor") == "возвращено прокурору"
        assert i18n.term("refusal") == "отказ от службы"
        assert i18n.column("court_code") == "код суда"
        assert i18n.term("some_new_key") == "some new key"  # unknown: shown as it is
    with i18n.using("en"):
        assert i18n.term("returned_to_prosecutor") == "returned to prosecutor"
        assert i18n.column("court_code") == "court_code"


def test_the_language_comes_from_dw_lang_russian_by_default(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DW_LANG", raising=False)
    assert i18n.default_lang() == "ru"
    monkeypatch.setenv("DW_LANG", "en")
    assert i18n.default_lang() == "en"
    with i18n.using("ru"):  # a request's or a command's choice wins
        assert i18n.current() == "ru"
    assert i18n.current() == "en"
    assert [i18n.parse_lang(v) for v in ("RU", "en-GB", "en_US", "de", "", None)] == [
        "ru", "en", "en", None, None, None]


def test_every_string_of_the_code_has_a_russian_translation() -> None:
    """Extracted with Babel from the Python sources and the Jinja templates (and the
    table columns): each msgid is in the Russian catalogue, translated, with the same
    placeholders; plural entries have Russian's three forms."""
    wanted = catalog.template()
    ru = _po("ru")
    assert ru.num_plurals == 3
    ids = [m for m in wanted if m.id]
    assert len(ids) > 250  # the extraction found the templates and the sources
    assert {"Overview", "Refusal to serve in Russian military courts",
            "docketwatch, sudrf.ru dockets, as of {date}"} <= {m.id for m in ids}
    problems = []
    for want in ids:
        got = ru.get(want.id, context=want.context)
        if got is None:
            problems.append(f"missing: {want.context or ''} {want.id!r}")
            continue
        if want.pluralizable:
            if not (isinstance(got.string, tuple) and len(got.string) == 3
                    and all(got.string)):
                problems.append(f"needs 3 forms: {want.id!r} → {got.string!r}")
                continue
            sources, translations = list(want.id), list(got.string)
        else:
            if not got.string:
                problems.append(f"untranslated: {want.id!r}")
                continue
            sources, translations = [want.id], [got.string]
        wanted_slots = set(PLACEHOLDER.findall(sources[-1]))
        for text in translations:
            if set(PLACEHOLDER.findall(text)) != wanted_slots:
                problems.append(f"placeholders differ: {want.id!r} → {text!r}")
    assert not problems, "\n".join(problems)


def test_the_english_catalogue_is_in_step() -> None:
    """English is the source language: its catalogue lists every msgid (so a translator
    starting from it misses none) and overrides none of them."""
    en = _po("en")
    wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0])
              for m in catalog.template() if m.id}
    have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in en if m.id}
    assert wanted == have


def test_court_and_region_names_pass_through_untouched() -> None:
    """Names stay as the registry spells them: they are never looked up in a catalogue,
    even one that happened to hold the same words."""
    from services.alerts.rules.series import SeriesKey, scope_text

    with i18n.using("ru"):
        assert scope_text("region", "Приморский край") == "регион Приморский край"
        key = SeriesKey("category", "refusal", "region", "Republic of Crimea")
        assert key.describe() == "дела: отказ от службы (регион Republic of Crimea)"
    with i18n.using("en"):
        assert key.describe() == "refusal cases (region Republic of Crimea)"


REPORT_COLUMNS = ["line", "received", "sentenced", "received_since"]
REPORT_ROWS = [["337", 11308, 7020, 25110], ["refusal", 12001, 7501, 27999]]


def test_the_report_in_russian_and_english() -> None:
    """docketwatch report --lang: headers, line labels, notes and numbers per language."""
    with i18n.using("ru"):
        md = table_markdown(REPORT_COLUMNS, REPORT_ROWS, year=2024, since="2022-02-24")
    lines = md.splitlines()
    assert lines[0] == "| строка | поступило | осуждено | поступило с даты |"
    assert lines[2] == ("| 337 самовольное оставление части | 11\u00a0308 | 7\u00a0020 | "
                        "25\u00a0110 |")
    assert lines[3].startswith("| отказ от службы (дела) | 12\u00a0001 |")
    assert "- 2024 год; столбцы *_since считают с 2022-02-24 до конца 2024 года." in lines
    with i18n.using("ru"):
        assert f"- осуждено: {i18n.gettext(FIGURES['sentenced'])}" in lines
    with i18n.using("en"):
        md = table_markdown(REPORT_COLUMNS, REPORT_ROWS, year=2024, since="2022-02-24")
    lines = md.splitlines()
    assert lines[0] == "| line | received | sentenced | received_since |"
    assert lines[2] == "| 337 AWOL | 11,308 | 7,020 | 25,110 |"
    assert f"- sentenced: {FIGURES['sentenced']}" in lines


def test_the_report_workbook_keeps_numbers_as_numbers() -> None:
    import io

    from openpyxl import load_workbook

    with i18n.using("ru"):
        body = table_xlsx(REPORT_COLUMNS, REPORT_ROWS, year=2024, since="2022-02-24")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["2024 год", "about"]
    rows = [list(r) for r in book["2024 год"].iter_rows(values_only=True)]
    assert rows == [["строка", "поступило", "осуждено", "поступило с даты"],
                    ["337 самовольное оставление части", 11308, 7020, 25110],
                    ["отказ от службы (дела)", 12001, 7501, 27999]]

from __future__ import annotations

import pytest

from docketwatch.contract import Article, Defendant
from docketwatch.sudrf.articles import parse_articles, parse_persons_cell


def art(article: str, part: str | None = None, points: tuple[str, ...] = (),
        inchoate: str | None = None, *, raw: str) -> Article:
    return Article(article=article, part=part, points=points, inchoate=inchoate, raw=raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ст.337 ч.5 УК РФ", (art("337", "5", raw="ст.337 ч.5"),)),
        ("ст.337 ч.2.1", (art("337", "2.1", raw="ст.337 ч.2.1"),)),
        ("ст.338 ч.1 УК РФ", (art("338", "1", raw="ст.338 ч.1"),)),
        ("ст.332 ч.2.1", (art("332", "2.1", raw="ст.332 ч.2.1"),)),
        ("ст.222.1 ч.4", (art("222.1", "4", raw="ст.222.1 ч.4"),)),
        ("ст.205.3", (art("205.3", raw="ст.205.3"),)),
        ("ст.282 ч.2 п.в", (art("282", "2", ("в",), raw="ст.282 ч.2 п.в"),)),
        (
            "ст.280.4 ч.2 п.п.а,в",
            (art("280.4", "2", ("а", "в"), raw="ст.280.4 ч.2 п.п.а,в"),),
        ),
        (
            "ст. 30 ч.1, ст.205 ч.2 п.а",
            (art("205", "2", ("а",), "preparation", raw="ст. 30 ч.1, ст.205 ч.2 п.а"),),
        ),
        (
            "ст. 30 ч.3, ст.337 ч.5 п.а",
            (art("337", "5", ("а",), "attempt", raw="ст. 30 ч.3, ст.337 ч.5 п.а"),),
        ),
        (
            "ст.205.5 ч.2; ст.205.1 ч.1.1",
            (art("205.5", "2", raw="ст.205.5 ч.2"), art("205.1", "1.1", raw="ст.205.1 ч.1.1")),
        ),
        (
            # duplicates are kept as listed
            "ст.205.1 ч.1.1; ст.205.1 ч.1.1 УК РФ",
            (art("205.1", "1.1", raw="ст.205.1 ч.1.1"), art("205.1", "1.1", raw="ст.205.1 ч.1.1")),
        ),
        (
            # a point must not swallow the "с" of a following ", ст."
            "ст.205 ч.2 п.а, ст.337 ч.1",
            (art("205", "2", ("а",), raw="ст.205 ч.2 п.а"), art("337", "1", raw="ст.337 ч.1")),
        ),
        ("", ()),
        ("&nbsp;", ()),
        ("не указано", ()),
        # art. 30 alone (nothing to qualify) is never returned
        ("ст. 30 ч.3", ()),
    ],
)
def test_parse_articles(text: str, expected: tuple[Article, ...]) -> None:
    assert parse_articles(text) == expected


def test_art30_never_returned_and_qualifies_only_the_next_article() -> None:
    result = parse_articles("ст.222 ч.4; ст. 30 ч.3, ст.222.1 ч.4; ст.222.1 ч.4")
    assert [a.article for a in result] == ["222", "222.1", "222.1"]
    assert [a.inchoate for a in result] == [None, "attempt", None]


HIDDEN_TWO = (
    "&lt;Информация скрыта&gt; - ст.205.2 ч.2; ст.280.4 ч.2 п.п.а,в; ст.205.1 ч.4 УК РФ;<br>"
    "&lt;Информация скрыта&gt; - ст.205.2 ч.2; ст.280.4 ч.2 п.п.а,в; ст.205.1 ч.4 УК РФ"
)


def test_persons_cell_two_hidden_defendants() -> None:
    d = parse_persons_cell(HIDDEN_TWO)
    arts = (
        art("205.2", "2", raw="ст.205.2 ч.2"),
        art("280.4", "2", ("а", "в"), raw="ст.280.4 ч.2 п.п.а,в"),
        art("205.1", "4", raw="ст.205.1 ч.4"),
    )
    assert d == (
        Defendant(name=None, hidden=True, articles=arts),
        Defendant(name=None, hidden=True, articles=arts),
    )


def test_persons_cell_source_newlines_do_not_split_a_defendant() -> None:
    html = "\n\t&lt;Информация скрыта&gt; - ст.205.5 ч.2;\n ст.205.1 ч.1.1 УК РФ\t"
    d = parse_persons_cell(html)
    assert len(d) == 1
    assert [a.article for a in d[0].articles] == ["205.5", "205.1"]


def test_persons_cell_real_name_dropped_unless_kept() -> None:
    cell = "Иванов-Петров Никита Сергеевич - ст.337 ч.5 УК РФ"
    (dropped,) = parse_persons_cell(cell)
    (kept,) = parse_persons_cell(cell, keep_names=True)
    expected = (art("337", "5", raw="ст.337 ч.5"),)
    assert dropped == Defendant(name=None, hidden=False, articles=expected)
    assert kept.name == "Иванов-Петров Никита Сергеевич"
    assert kept.hidden is False


def test_persons_cell_hidden_name_is_never_kept() -> None:
    (d,) = parse_persons_cell("<Информация скрыта> - ст.338 ч.1 УК РФ", keep_names=True)
    assert d.name is None
    assert d.hidden is True


def test_persons_cell_plain_text_lines() -> None:
    text = "<Информация скрыта> - ст.337 ч.5;\n<Информация скрыта> - ст.338 ч.1"
    d = parse_persons_cell(text)
    assert [x.articles[0].article for x in d] == ["337", "338"]


def test_persons_cell_empty() -> None:
    assert parse_persons_cell("&nbsp;") == ()
    assert parse_persons_cell("") == ()

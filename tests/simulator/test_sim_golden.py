"""Golden tests: the simulator's bytes against the real 2ZOVS result page."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from services.simulator.articles import ArticleRef
from services.simulator.courts import Court
from services.simulator.model import Case, Defendant
from services.simulator.render import render_results

from .sudrf_read import CASE_HREF_RE, DATE_RE, article_refs, read_list

FIXTURES = Path(__file__).resolve().parents[1] / "golden" / "sudrf"
RESULT_FIXTURE = FIXTURES / "2zovs_search_r_criminal1inst_article205.1_page1.excerpt.cp1251.html"
TAIL = (
    "srv_num=1&name_op=r&delo_id=1540006&case_type=0&new=0&delo_table=u1_case"
    "&U1_DEFENDANT__LAW_ARTICLESS=205.1"
)
ZOVS = Court(
    vnkod="77OV0000",
    type="OV",
    name="2-й Западный окружной военный суд",
    seat_subject="Город Москва",
    seat_region_code="77",
    domain="2zovs.msk.sudrf.ru",
    srv_num=1,
    interface="standard",
    captcha=False,
)


def fixture_text() -> str:
    return RESULT_FIXTURE.read_bytes().decode("cp1251")


def _date(s: str) -> date:
    d, m, y = s.split(".")
    return date(int(y), int(m), int(d))


def cases_from_fixture() -> list[Case]:
    """Rebuild the fixture's 25 rows as simulator cases, from what the reader extracts."""
    page = read_list(fixture_text())
    out = []
    for i, row in enumerate(page.rows):
        defendants = tuple(
            Defendant(
                name,
                tuple(ArticleRef(a, p, pts, inch) for a, p, pts, inch in arts),
            )
            for name, arts in row.persons
        )
        case = Case(
            court="77OV0000",
            receipt_date=_date(row.received),
            published_at=_date(row.received),
            defendants=defendants,
            kind="district",
            case_number=row.case_number,
            case_id=int(row.case_id),
            case_uid=row.case_uid,
            judge=row.judge,
            order=float(i),
        )
        if row.decision:
            assert row.decision == "Вынесен ПРИГОВОР"
            case.decision_class = "verdict"
            case.decision_date = _date(row.decided)
            case.decision_published_at = case.decision_date
        out.append(case)
    return out


def test_fixture_reads_as_documented() -> None:
    page = read_list(fixture_text())
    assert (page.total, page.first, page.last) == (567, 1, 25)
    assert page.current == 1
    assert (page.page_links, page.last_page) == ([2, 3], 23)
    assert len(page.rows) == 25
    assert all(CASE_HREF_RE.match(r.href) for r in page.rows)
    assert page.rows[0].case_number == "1-523/2026"
    assert sum(1 for r in page.rows if r.decision == "Вынесен ПРИГОВОР") == 9
    multi = [r for r in page.rows if len(r.persons) > 1]
    assert [r.case_number for r in multi] == ["1-461/2026", "1-350/2026", "1-346/2026"]
    assert article_refs("ст. 30 ч.1, ст.205 ч.2 п.а УК РФ") == [("205", "2", "а", "1")]


def test_simulated_page_is_byte_identical_to_the_fixture() -> None:
    """Same 25 cases, same total: the whole result block must match the real bytes."""
    real = cases_from_fixture()
    # 542 further cases, older than all 25, only to make the counter and the pager say 567/23.
    filler = [
        Case(
            court="77OV0000",
            receipt_date=date(2026, 1, 1),
            published_at=date(2026, 1, 1),
            defendants=(Defendant("x", (ArticleRef("205.1", "1.1"),)),),
            kind="district",
            case_number=f"1-{i}/2026",
            case_id=i,
            case_uid=f"00000000-0000-4000-8000-{i:012d}",
            judge="x",
        )
        for i in range(542)
    ]
    as_of = date(2026, 8, 12)
    views = [v for v in (c.view(as_of) for c in real + filler) if v is not None]
    ours = render_results(ZOVS, views, 1, TAIL, as_of)
    theirs = RESULT_FIXTURE.read_bytes()

    def block(b: bytes) -> bytes:
        start = b.index(b"<div id='content'>")
        end = b.index(b"</table>\n\t</div>", start)
        return b[start:end]

    assert block(ours) == block(theirs)
    # The head, too, is the real one (court name and the date box filled in).
    assert (
        ours[: theirs.index(b"<!-- FIXTURE NOTE")] == theirs[: theirs.index(b"<!-- FIXTURE NOTE")]
    )


def test_simulated_rows_read_like_the_fixture_rows(small_corpus) -> None:  # type: ignore[no-untyped-def]
    court = small_corpus.court("61GV0001")
    as_of = date(2024, 12, 27)
    views = small_corpus.visible(as_of)["61GV0001"]
    html = render_results(court, views, 1, TAIL, as_of).decode("cp1251")
    page = read_list(html)
    real = read_list(fixture_text())
    assert page.total == len(views)
    assert (page.first, page.last) == (1, min(25, len(views)))
    assert len(page.rows) == min(25, len(views))
    for r in page.rows + real.rows:
        assert CASE_HREF_RE.match(r.href)
        assert re.fullmatch(r"1-\d+/20\d\d", r.case_number)
        assert DATE_RE.match(r.received)
        assert r.decided == "" or DATE_RE.match(r.decided)
        assert all(name == "<Информация скрыта>" for name, _ in r.persons)
    for r, v in zip(page.rows, views, strict=False):
        assert r.case_uid == v.case.case_uid
        assert r.case_number == v.case.case_number
        arts = [[a for a, *_ in arts] for _, arts in r.persons]
        assert arts == [[a.article for a in d.articles] for d in v.case.defendants]

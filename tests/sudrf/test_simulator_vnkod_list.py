"""The VNKOD result lists the simulator serves are read by the parser's VNKOD reader."""

from __future__ import annotations

from datetime import date

from docketwatch.contract import PageKind, PageState
from docketwatch.sudrf.parse import parse_page
from services.simulator.corpus import build_corpus
from services.simulator.courts import load_courts
from services.simulator.render_vnkod import render_results

AS_OF = date(2024, 12, 27)


def test_every_row_of_every_page_is_read() -> None:
    court = next(c for c in load_courts() if c.vnkod == "63GV0007")
    corpus = build_corpus(seed=2, courts=[court], scale=0.02)
    views = corpus.visible(AS_OF)["63GV0007"]
    assert len(views) > 25  # more than one page
    seen: list[str] = []
    for page in range(1, -(-len(views) // 25) + 1):
        parsed = parse_page(render_results(court, views, page, "", AS_OF), PageKind.LIST,
                            "63GV0007")
        assert parsed.state == PageState.OK
        assert parsed.result_list is not None and parsed.result_list.total == len(views)
        seen += [s.case_number for s in parsed.snapshots]
    assert seen == [v.case.case_number for v in views]


def test_rows_carry_the_articles_of_the_case() -> None:
    """The VNKOD list titles its persons cell «Информация по делу»: read as such, each row
    has the case's defendants and articles (unread, a decision-window page read after
    the card erased them: issue 19)."""
    court = next(c for c in load_courts() if c.vnkod == "63GV0001")
    corpus = build_corpus(seed=3, courts=[court], scale=0.02)
    views = corpus.visible(AS_OF)["63GV0001"][:25]
    parsed = parse_page(render_results(court, views, 1, "", AS_OF), PageKind.LIST, "63GV0001")
    got = [(s.case_number, s.articles, len(s.defendants)) for s in parsed.snapshots]
    want = [(v.case.case_number, tuple(dict.fromkeys(a.article for d in v.case.defendants
                                                      for a in d.articles)),
             len(v.case.defendants)) for v in views]
    assert got == want
    assert all(articles for _, articles, _ in got)

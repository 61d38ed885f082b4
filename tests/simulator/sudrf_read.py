"""A strict reader of standard result pages, used on the real fixture and on simulated pages.

The counter, the card-link ids and the article references are read by the library
(docketwatch.sudrf) as the fetcher and parser read them. What stays here is simulator-test
specific: the exact href and date shapes the real site writes (so a golden test can assert
the simulator writes the same), the raw cell texts, the pager's links and asserting
8-column rows and «… - ст. … УК РФ» persons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from selectolax.lexbor import LexborHTMLParser

from docketwatch.sudrf.articles import parse_articles
from docketwatch.sudrf.pages.standard_list import parse_counter
from docketwatch.sudrf.query import card_link_ids

CASE_HREF_RE = re.compile(
    r"^/modules\.php\?name=sud_delo&srv_num=1&name_op=case&case_id=\d+"
    r"&case_uid=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}&delo_id=1540006$"
)
DATE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")


@dataclass
class Row:
    href: str
    case_number: str
    case_id: str
    case_uid: str
    received: str
    persons: list[tuple[str, list[tuple[str, str | None, str | None, str | None]]]]
    judge: str
    decided: str
    decision: str
    entry: str


@dataclass
class ListPage:
    total: int
    first: int
    last: int
    page_links: list[int]
    current: int | None
    last_page: int | None
    rows: list[Row]


def _clean(text: str) -> str:
    return text.replace("\xa0", " ").strip()


_INCHOATE_PART = {"preparation": "1", "attempt": "3"}
Ref = tuple[str, str | None, str | None, str | None]


def article_refs(text: str) -> list[Ref]:
    """(article, part, points, art. 30 part) per entry, as the simulator renders them,
    read by the library's article reader."""
    return [(a.article, a.part, ",".join(a.points) or None,
             _INCHOATE_PART[a.inchoate] if a.inchoate else None)
            for a in parse_articles(text)]


def read_list(html: str) -> ListPage:
    tree = LexborHTMLParser(html)
    total, first, last = parse_counter(html)
    assert total is not None and first is not None and last is not None, "no counter"
    pager_td = tree.css_first("td[nowrap]")
    assert pager_td is not None
    links = [int(a.text()) for a in pager_td.css("a") if a.text().strip().isdigit()]
    bold = pager_td.css_first("b")
    last_page = None
    for a in pager_td.css("a"):
        if a.attributes.get("title") == "На последнюю страницу списка":
            last_page = int(
                dict(parse_qsl((a.attributes.get("href") or "").split("?", 1)[1]))["page"]
            )
    rows: list[Row] = []
    for tr in tree.css("table#tablcont tr"):
        tds = tr.css("td")
        if len(tds) != 8:
            continue
        a = tds[0].css_first("a")
        assert a is not None
        href = a.attributes.get("href") or ""
        case_id, case_uid = card_link_ids(href)
        assert case_id is not None and case_uid is not None, href
        persons = []
        cell = tds[2].html or ""
        inner = cell[cell.index(">") + 1 : cell.rindex("<")]
        for part in inner.split(";<br>"):
            txt = _clean(LexborHTMLParser(f"<p>{part}</p>").text())
            name, _, arts = txt.partition(" - ")
            assert arts.endswith(" УК РФ"), arts
            persons.append((name, article_refs(arts)))
        decision_html = tds[5].html or ""
        decision_inner = decision_html[decision_html.index(">") + 1 : decision_html.rindex("<")]
        decision = "\n".join(
            _clean(LexborHTMLParser(f"<p>{p}</p>").text()) for p in decision_inner.split("<br>")
        )
        rows.append(
            Row(
                href=href,
                case_number=_clean(a.text()),
                case_id=case_id,
                case_uid=case_uid,
                received=_clean(tds[1].text()),
                persons=persons,
                judge=_clean(tds[3].text()),
                decided=_clean(tds[4].text()),
                decision=decision.strip(),
                entry=_clean(tds[6].text()),
            )
        )
    return ListPage(
        total=total,
        first=first,
        last=last,
        page_links=links,
        current=int(bold.text()) if bold is not None else None,
        last_page=last_page,
        rows=rows,
    )

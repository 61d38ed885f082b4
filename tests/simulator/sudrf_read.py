"""A minimal reader of sudrf result pages, used on the real fixture and on simulated pages.

It is deliberately the kind of reader a parser would be: the same selectors and regexes for
both, so a golden test can assert that both sources read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from selectolax.lexbor import LexborHTMLParser

COUNTER_RE = re.compile(
    r"Всего по запросу найдено — (\d+)\. На странице записи с (\d+)\s+по (\d+)\."
)
ARTICLE_RE = re.compile(
    r"ст\.\s?(\d+(?:\.\d+)?)(?:\s+ч\.(\d+(?:\.\d+)?))?(?:\s+п\.(?:п\.)?([а-я](?:,[а-я])*))?"
)
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


INCHOATE_RE = re.compile(r"ст\. 30 ч\.(\d), ")


def parse_articles(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """(article, part, points, art. 30 part) per entry; art. 30 marks the next article."""
    out = []
    for entry in text.split("; "):
        inch = INCHOATE_RE.match(entry)
        main = entry[inch.end() :] if inch else entry
        m = ARTICLE_RE.fullmatch(main.strip())
        assert m is not None, entry
        out.append((m.group(1), m.group(2), m.group(3), inch.group(1) if inch else None))
    return out


def read_list(html: str) -> ListPage:
    tree = LexborHTMLParser(html)
    m = COUNTER_RE.search(html)
    assert m is not None, "no counter"
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
        q = dict(parse_qsl(href.split("?", 1)[1]))
        persons = []
        cell = tds[2].html or ""
        inner = cell[cell.index(">") + 1 : cell.rindex("<")]
        for part in inner.split(";<br>"):
            txt = _clean(LexborHTMLParser(f"<p>{part}</p>").text())
            name, _, arts = txt.partition(" - ")
            assert arts.endswith(" УК РФ"), arts
            persons.append((name, parse_articles(arts[: -len(" УК РФ")])))
        decision_html = tds[5].html or ""
        decision_inner = decision_html[decision_html.index(">") + 1 : decision_html.rindex("<")]
        decision = "\n".join(
            _clean(LexborHTMLParser(f"<p>{p}</p>").text()) for p in decision_inner.split("<br>")
        )
        rows.append(
            Row(
                href=href,
                case_number=_clean(a.text()),
                case_id=q["case_id"],
                case_uid=q["case_uid"],
                received=_clean(tds[1].text()),
                persons=persons,
                judge=_clean(tds[3].text()),
                decided=_clean(tds[4].text()),
                decision=decision.strip(),
                entry=_clean(tds[6].text()),
            )
        )
    return ListPage(
        total=int(m.group(1)),
        first=int(m.group(2)),
        last=int(m.group(3)),
        page_links=links,
        current=int(bold.text()) if bold is not None else None,
        last_page=last_page,
        rows=rows,
    )

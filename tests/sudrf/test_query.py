"""A card link's ids, read without decoding the whole query: the same as the standard
library's reading of it, on the golden pages' links and on generated queries."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from docketwatch.sudrf.query import card_ids, card_link_ids

from .pages import GOLDEN


def reference(href: str) -> tuple[str | None, str | None]:
    return card_ids(dict(parse_qsl(urlsplit(href).query)))


def test_the_golden_pages_links() -> None:
    hrefs = [h for p in sorted(GOLDEN.glob("*.html"))
             for h in re.findall(r'href="([^"]*)"', p.read_bytes().decode("utf-8", "replace"))]
    assert len(hrefs) > 500
    assert [card_link_ids(h) for h in hrefs] == [reference(h) for h in hrefs]
    assert card_link_ids("/modules.php?name=sud_delo&name_op=case&case_id=3179346&"
                         "case_uid=7c5401a4-de1d-497e-a034-7d6d3f6886a4&delo_id=1540006") == (
        "3179346", "7c5401a4-de1d-497e-a034-7d6d3f6886a4")


def test_edge_cases() -> None:
    cases = {
        "?case_id=1&case_id=2&case_uid=a%2Db": ("2", "a-b"),  # the last one wins; decoded
        "?_id=5&_uid=x+y": ("5", "x y"),  # the VNKOD names; + is a space
        "?case_id=&_id=7": ("7", None),  # an empty value counts as absent
        "?case%5Fid=9": ("9", None),  # an encoded name
        "?case_id": (None, None),
        "": (None, None),
    }
    for href, want in cases.items():
        assert card_link_ids(href) == reference(href) == want, href


@settings(max_examples=3000)
@given(st.text(alphabet="_idcaseu=&%+2F5Dab-;#?Ж", max_size=40))
def test_any_query(query: str) -> None:
    href = "/modules.php?" + query
    assert card_link_ids(href) == reference(href)

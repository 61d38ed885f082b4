"""Everything docketwatch knows about sudrf.ru ``sud_delo`` pages, in one place.

The fetcher and the parser service both import from here; nothing else reads a sudrf page.
One module per fact (FORMAT.md in ../shared/fixtures/sudrf):

* :mod:`.query`      — the queries we send (list, VNKOD list, card) and the ids a card link
  carries (:func:`card_ids`)
* :mod:`.encoding`   — cp1251 vs UTF-8 from the bytes, :func:`decode_page`
* :mod:`.classify`   — page state and layout: list, card, VNKOD, empty, captcha, WAF, outage,
  truncated (:data:`classify.SPECIAL_PAGES`), which interface a list is from, the captcha
* :mod:`.counter`    — «Всего по запросу найдено — N» / «Найдено дел: N» and the row range
* :mod:`.rows`       — the results table, the fetcher's :class:`ListRow` ids + hashes
* :mod:`.pages`      — one parser per site variant (juriscraper-style): standard list and
  card, VNKOD list and card; each declares the :class:`~.classify.Layout` it reads
* :mod:`.parse`      — :func:`parse.parse_page`, the parser service's entry point
* :mod:`.articles`, :mod:`.decisions`, :mod:`.sentences`, :mod:`.numbers_ru` — cells and
  texts common to the variants; :mod:`.models`, :mod:`.errors` — what parsing returns
"""

from __future__ import annotations

from docketwatch.sudrf.classify import captcha_challenge, classify_page, list_layout
from docketwatch.sudrf.counter import read_counter, read_range
from docketwatch.sudrf.encoding import decode_page
from docketwatch.sudrf.query import (
    CRIMINAL_FIRST_INSTANCE,
    ROWS_PER_PAGE,
    STANDARD,
    VNKOD,
    card_ids,
    card_link_ids,
    card_params,
    encode_query,
    holds_first_instance,
    list_params,
)
from docketwatch.sudrf.rows import ListRow, content_fingerprint, count_rows, list_rows

__all__ = [
    "CRIMINAL_FIRST_INSTANCE",
    "ROWS_PER_PAGE",
    "STANDARD",
    "VNKOD",
    "ListRow",
    "captcha_challenge",
    "card_ids",
    "card_link_ids",
    "card_params",
    "classify_page",
    "content_fingerprint",
    "count_rows",
    "decode_page",
    "encode_query",
    "holds_first_instance",
    "list_layout",
    "list_params",
    "list_rows",
    "read_counter",
    "read_range",
]

"""Which URL asks sudrf for what, and which ids a card link carries (FORMAT.md §2).

Building a query and reading one back live together: :func:`card_params` builds a card's
query from the ids that :func:`card_ids` reads off a result row's link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote_plus, urlencode, urlsplit

CRIMINAL_FIRST_INSTANCE = "1540006"
# The review cartotekas (FORMAT.md §2): criminal appeal is delo_id=4 with new=4 [S]; of the
# cassation ids the 2ЗОВС page lists, 2450001 is taken for criminal cassation [I].
CRIMINAL_APPEAL = "4"
CRIMINAL_CASSATION = "2450001"
ROWS_PER_PAGE = 25

# The two interfaces a court's site may run (see classify.list_layout).
STANDARD = "standard"
VNKOD = "vnkod"

# Only these characters may come from a row's link into a URL we build ourselves.
_SAFE_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
_FIRST_INSTANCE_CODE = re.compile(r"^\d{2}(GV|OV)\d{4}$")


def encode_query(params: list[tuple[str, str]]) -> str:
    """sudrf expects Cyrillic query values percent-encoded in cp1251."""
    return urlencode(params, encoding="cp1251")


def list_params(
    interface: str,
    *,
    page: int = 1,
    entry_from: str | None = None,
    entry_to: str | None = None,
    result_from: str | None = None,
    result_to: str | None = None,
    articles: str | None = None,
) -> list[tuple[str, str]]:
    """Query of a criminal first-instance result list on ``interface`` (dates DD.MM.YYYY).

    The VNKOD form (FORMAT.md §2, end) sends every field, blanks included, so blanks are
    sent there too; the standard one sends only the filters given.
    """
    if interface == VNKOD:
        return [
            ("name", "sud_delo"), ("srv_num", "1"), ("name_op", "r"), ("_page", str(page)),
            ("_deloId", CRIMINAL_FIRST_INSTANCE), ("case__case_type", "0"), ("_new", "0"),
            ("case__num_build", "1"), ("case__case_numberss", ""), ("parts__namess", ""),
            ("case__entry_date1d", entry_from or ""), ("case__entry_date2d", entry_to or ""),
            ("process-type", f"{CRIMINAL_FIRST_INSTANCE}_0_0"), ("case__judge", ""),
            ("case__result_date1d", result_from or ""),
            ("case__result_date2d", result_to or ""),
            ("case__result", ""), ("parts__law_articless", articles or ""),
        ]
    params = [
        ("name", "sud_delo"), ("srv_num", "1"), ("name_op", "r"),
        ("delo_id", CRIMINAL_FIRST_INSTANCE), ("case_type", "0"), ("new", "0"),
        ("delo_table", "u1_case"),
    ]
    optional = [
        ("U1_DEFENDANT__LAW_ARTICLESS", articles),
        ("u1_case__ENTRY_DATE1D", entry_from), ("u1_case__ENTRY_DATE2D", entry_to),
        ("u1_case__RESULT_DATE1D", result_from), ("u1_case__RESULT_DATE2D", result_to),
    ]
    params += [(k, v) for k, v in optional if v]
    if page > 1:
        params.append(("page", str(page)))
    return params


def card_params(interface: str, case_id: str, case_uid: str) -> list[tuple[str, str]]:
    """Query of a case card, built from a row's ids (never from the row's href as such)."""
    if not (_SAFE_ID.match(case_id) and _SAFE_ID.match(case_uid)):
        raise ValueError(f"unexpected case ids {case_id!r}/{case_uid!r}")
    if interface == VNKOD:
        return [("name", "sud_delo"), ("name_op", "case"), ("_id", case_id), ("_uid", case_uid),
                ("_deloId", CRIMINAL_FIRST_INSTANCE), ("_caseType", "0"), ("_new", "0"),
                ("srv_num", "1")]
    return [("name", "sud_delo"), ("srv_num", "1"), ("name_op", "case"), ("case_id", case_id),
            ("case_uid", case_uid), ("delo_id", CRIMINAL_FIRST_INSTANCE)]


# (delo_id, new) of each review module; the instance names are contract.AppealInstance's.
REVIEW_MODULES: dict[str, tuple[str, str]] = {
    "appeal": (CRIMINAL_APPEAL, CRIMINAL_APPEAL),
    "cassation": (CRIMINAL_CASSATION, "0"),
}
_REVIEW_CODE = re.compile(r"^\d{2}(OV|AV|KV)\d{4}$")


def review_modules(vnkod: str) -> tuple[str, ...]:
    """The criminal review modules a military court holds: the district and fleet courts
    (OV) and the Appellate Military Court (50AV0000) hear appeals, the Cassation Military
    Court (54KV0000) cassations; garrison courts none."""
    found = _REVIEW_CODE.match(vnkod)
    if found is None:
        return ()
    return ("cassation",) if found.group(1) == "KV" else ("appeal",)


def review_list_params(module: str, *, page: int = 1, entry_from: str | None = None,
                       entry_to: str | None = None) -> list[tuple[str, str]]:
    """Query of a review module's result list (standard interface) by receipt dates."""
    delo_id, new = REVIEW_MODULES[module]
    params = [("name", "sud_delo"), ("srv_num", "1"), ("name_op", "r"), ("delo_id", delo_id),
              ("case_type", "0"), ("new", new), ("delo_table", "u2_case")]
    params += [(k, v) for k, v in (("u2_case__ENTRY_DATE1D", entry_from),
                                   ("u2_case__ENTRY_DATE2D", entry_to)) if v]
    if page > 1:
        params.append(("page", str(page)))
    return params


def review_card_params(module: str, case_id: str, case_uid: str) -> list[tuple[str, str]]:
    """Query of a review card (appeal cards use ``delo_id=4&new=4``, FORMAT.md §2)."""
    if not (_SAFE_ID.match(case_id) and _SAFE_ID.match(case_uid)):
        raise ValueError(f"unexpected case ids {case_id!r}/{case_uid!r}")
    delo_id, new = REVIEW_MODULES[module]
    return [("name", "sud_delo"), ("srv_num", "1"), ("name_op", "case"), ("case_id", case_id),
            ("case_uid", case_uid), ("delo_id", delo_id), ("new", new)]


def card_ids(query: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(case_id, case_uid) of a card link's query, in either interface's names
    (``case_id``/``case_uid`` standard, ``_id``/``_uid`` VNKOD and the new portal)."""
    return (query.get("case_id") or query.get("_id") or None,
            query.get("case_uid") or query.get("_uid") or None)


_ID_NAMES = frozenset(("case_id", "_id", "case_uid", "_uid"))


def card_link_ids(href: str) -> tuple[str | None, str | None]:
    """(case_id, case_uid) of a card link as written in a result row (``name_op=case``).

    What ``card_ids(dict(parse_qsl(query)))`` gives, reading only the four names: a row's
    link has a dozen parameters, and decoding them all was a quarter of a list page's
    parse."""
    found: dict[str, str] = {}
    for part in urlsplit(href).query.split("&"):
        name, _, value = part.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if name in _ID_NAMES and value:
            found[name] = unquote_plus(value) if "%" in value or "+" in value else value
    return card_ids(found)


def holds_first_instance(vnkod: str) -> bool:
    """Garrison (NNGV####) and district or fleet (NNOV####) military courts try criminal
    cases at first instance; the Appellate (50AV0000) and Cassation (54KV0000) Military
    Courts do not (FORMAT.md §1), so their first-instance docket is empty by law."""
    return _FIRST_INSTANCE_CODE.match(vnkod) is not None

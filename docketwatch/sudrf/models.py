"""Return types of the parsers (the contract models live in docketwatch.contract)."""

from __future__ import annotations

from dataclasses import dataclass

from docketwatch.contract import (
    AppealInstance,
    AppealSnapshot,
    CaseSnapshot,
    DecisionClass,
    PageKind,
    PageState,
    PunishmentKind,
)


@dataclass(frozen=True, slots=True)
class ResultList:
    """One search-results page (``name_op=r``).

    ``total`` is the server's ``Всего по запросу найдено — N``; ``first_row``/``last_row``
    its ``На странице записи с X по Y``; ``page``/``last_page`` come from the pager (None
    when the page has no pager).
    """

    total: int | None
    first_row: int | None
    last_row: int | None
    page: int | None
    last_page: int | None
    rows: tuple[CaseSnapshot, ...]

    def __reduce__(self) -> tuple[type[ResultList], tuple[object, ...]]:
        # A slots dataclass pickles through dataclasses.fields(), several times slower:
        # parsed pages cross a process boundary (docketwatch.parse_pool) on the hot path.
        return ResultList, (self.total, self.first_row, self.last_row, self.page,
                            self.last_page, self.rows)

    @property
    def unknown_decisions(self) -> tuple[str, ...]:
        """Decision texts no rule recognised (class OTHER), for the caller's metric."""
        return tuple(
            r.decision_text
            for r in self.rows
            if r.decision_class is DecisionClass.OTHER and r.decision_text
        )


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """What :func:`docketwatch.sudrf.parse.parse_page` read from one body.

    Exactly one of ``result_list`` (kind LIST, state OK/EMPTY) and ``snapshot`` (kind CARD,
    state OK) is set for readable pages; both are None for captcha, block, outage and
    truncated pages, which carry only their ``state``.
    """

    state: PageState
    kind: PageKind
    layout: str
    encoding: str
    parser_version: str
    result_list: ResultList | None = None
    snapshot: CaseSnapshot | None = None
    # A page of an appeal or cassation docket (its title says so): its rows or card are
    # appeals, never first-instance cases, and ``snapshots`` is empty.
    instance: AppealInstance | None = None
    appeals: tuple[AppealSnapshot, ...] = ()
    # The УИД a first-instance card shows (contract.CaseUid carries it, not the snapshot).
    judicial_uid: str | None = None

    def __reduce__(self) -> tuple[type[ParsedPage], tuple[object, ...]]:
        return ParsedPage, (self.state, self.kind, self.layout, self.encoding,
                            self.parser_version, self.result_list, self.snapshot,
                            self.instance, self.appeals, self.judicial_uid)

    @property
    def snapshots(self) -> tuple[CaseSnapshot, ...]:
        if self.instance is not None:
            return ()
        if self.result_list is not None:
            return self.result_list.rows
        if self.snapshot is not None:
            return (self.snapshot,)
        return ()

    @property
    def unknown_decisions(self) -> tuple[str, ...]:
        return tuple(
            s.decision_text
            for s in self.snapshots
            if s.decision_class is DecisionClass.OTHER and s.decision_text
        )

    @property
    def unreadable_sentences(self) -> int:
        """Defendants whose punishment in a read act could not be read (for the caller's
        metric; the texts are kept on the snapshot for review)."""
        return sum(
            1
            for snap in self.snapshots
            for s in snap.sentences
            if s.punishment.kind is PunishmentKind.UNREADABLE
        )

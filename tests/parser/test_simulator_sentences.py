"""The parser on the simulator's served cards: every verdict card with a published act
yields, through ``parse_page``, exactly the truth's punishments; the act's appearance on a
re-polled card is one SENTENCE_PUBLISHED event. No HTTP: the render functions' bytes are
what the simulator serves."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from docketwatch.contract import ActStatus, CaseSnapshot, EventType, PageKind
from docketwatch.sudrf.parse import parse_page
from services.parser import lifecycle
from services.simulator.corpus import Corpus, build_corpus
from services.simulator.courts import load_courts
from services.simulator.model import CaseView
from services.simulator.render import render_card
from services.simulator.truth import truth

AS_OF = date(2024, 12, 27)
COURTS = ("61GV0001", "25GV0004", "27GV0001", "52GV0001")
FIELDS = (
    "kind", "term_months", "probation_months", "colony_regime", "fine_rub",
    "deduction_percent", "base_kind", "replaced", "combined_with_previous",
)  # fmt: skip


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build_corpus(seed=7, courts=[c for c in load_courts() if c.vnkod in COURTS],
                        scale=0.05)


def card_snapshot(corpus: Corpus, view: CaseView, as_of: date) -> CaseSnapshot:
    court = corpus.court(view.case.court)
    assert court is not None
    parsed = parse_page(render_card(court, view, as_of), PageKind.CARD, court.vnkod,
                        case_uid=view.case.case_uid)
    assert parsed.snapshot is not None
    return parsed.snapshot


def as_truth(snapshot: CaseSnapshot) -> list[dict[str, Any]]:
    return [
        {f: getattr(getattr(s.punishment, f), "value", getattr(s.punishment, f)) for f in FIELDS}
        for s in snapshot.sentences
    ]


def test_served_verdict_cards_carry_the_truths_punishments(corpus: Corpus) -> None:
    cases = {c["case_uid"]: c for c in truth(corpus, AS_OF)["cases"]}
    views = corpus.visible_cases(AS_OF)
    published = [v for v in views if v.has_act and v.decision_class == "verdict"]
    assert len(published) > 500
    assert sum(len(v.case.defendants) > 1 for v in published) > 30
    mismatches = []
    for v in published:
        snap = card_snapshot(corpus, v, AS_OF)
        want = cases[v.case.case_uid]
        assert want["act_state"] == "published"
        assert snap.act_status is ActStatus.VERDICT
        if as_truth(snap) != want["punishments"]:
            mismatches.append((v.case.case_number, want["punishments"], as_truth(snap)))
        # each defendant's guilty finding names the card defendant's articles, in order
        # (distinct numbers, as the store counts them; the act lists each part)
        assert [list(dict.fromkeys(a.article for a in s.articles))
                for s in snap.sentences] == [
            list(dict.fromkeys(a["article"] for a in d)) for d in want["defendants"]
        ]
        assert [s.index for s in snap.sentences] == list(range(1, len(snap.sentences) + 1))
    assert not mismatches, mismatches[:3]


def test_cards_without_an_act_have_no_reading(corpus: Corpus) -> None:
    views = corpus.visible_cases(AS_OF)
    pending = [v for v in views if v.decision_class == "verdict" and not v.has_act][:100]
    assert len(pending) >= 50
    for v in pending:
        snap = card_snapshot(corpus, v, AS_OF)
        assert (snap.has_act, snap.act_status, snap.sentences) == (False, None, ())


def test_act_appearing_on_a_repolled_card_is_one_sentence_published(corpus: Corpus) -> None:
    published = [v for v in corpus.visible_cases(AS_OF)
                 if v.has_act and v.decision_class == "verdict"]
    found: Counter[tuple[EventType, ...]] = Counter()
    for v in published[:150]:
        act_day = v.case.act_published_at
        assert act_day is not None
        before = v.case.view(act_day - timedelta(days=1))
        if before is None or before.decision_class != "verdict":
            continue
        prev = card_snapshot(corpus, before, act_day - timedelta(days=1))
        assert prev.act_status is None
        after = v.case.view(act_day)
        assert after is not None and after.has_act
        new = lifecycle.merge(prev, card_snapshot(corpus, after, act_day), PageKind.CARD)
        changes = lifecycle.changes(prev, new)
        found[tuple(c.event_type for c in changes)] += 1
        assert changes[-1].defining == (lifecycle.sentences_digest(new),)
        # a list row seen afterwards keeps the reading and emits nothing new
        row = new.model_copy(update={"sentences": (), "act_status": None, "events": ()})
        assert lifecycle.merge(new, row, PageKind.LIST) == new
    assert sum(found.values()) > 50
    assert set(found) == {(EventType.SENTENCE_PUBLISHED,)}, found

"""The simulator's acts: realistic operative parts whose punishments the parser reads back
exactly, plausible punishment mixes, and acts that come late or never."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

import pytest

from docketwatch.contract import ActStatus
from docketwatch.sudrf.sentences import act_text_from_html, read_act
from services.simulator.acts import ACT_PENDING, ACT_PUBLISHED, ACT_WITHHELD, number_words
from services.simulator.corpus import Corpus, build_corpus
from services.simulator.model import CaseView
from services.simulator.render import act_text, render_card, render_doc
from services.simulator.truth import truth

from .conftest import AS_OF

FIELDS = (
    "kind", "term_months", "probation_months", "colony_regime", "fine_rub",
    "deduction_percent", "base_kind", "replaced", "combined_with_previous",
)  # fmt: skip


def _read(corpus: Corpus, v: CaseView) -> list[dict[str, object]]:
    court = corpus.court(v.case.court)
    assert court is not None
    text = act_text_from_html(f'<div id="cont_doc1">{act_text(court, v)}</div>')
    assert text is not None
    reading = read_act(text)
    assert reading.status is ActStatus.VERDICT
    return [
        {f: getattr(getattr(s.punishment, f), "value", getattr(s.punishment, f)) for f in FIELDS}
        for s in reading.sentences
    ]


@pytest.fixture(scope="module")
def tenth() -> Corpus:
    # Every court, a tenth of the volume: ~1.6k published verdict acts, all phrasings.
    return build_corpus(seed=3, scale=0.1)


def test_extraction_reproduces_truth_on_every_act(tenth: Corpus) -> None:
    t = truth(tenth, AS_OF)
    by_uid = {c["case_uid"]: c for c in t["cases"]}
    published = [v for v in tenth.visible_cases(AS_OF) if v.has_act]
    assert len(published) > 1000
    mismatches = []
    for v in published:
        want = by_uid[v.case.case_uid]["punishments"]
        got = _read(tenth, v)
        if got != want:
            mismatches.append((v.case.case_number, want, got))
    assert not mismatches, mismatches[:3]


def test_the_served_pages_carry_the_same_act(small_corpus: Corpus) -> None:
    """Card tab and name_op=doc page, as bytes, give the punishments of the truth."""
    v = next(v for v in small_corpus.visible_cases(AS_OF) if v.has_act)
    court = small_corpus.court(v.case.court)
    assert court is not None
    want = [p.as_dict() for p in v.case.punishments]
    for body in (render_card(court, v, AS_OF), render_doc(court, v, AS_OF)):
        text = act_text_from_html(body.decode("cp1251"))
        assert text is not None and "ПРИГОВОР" in text
        got = read_act(text).sentences
        assert [s.punishment.kind.value for s in got] == [p["kind"] for p in want]
        assert [s.punishment.term_months for s in got] == [p["term_months"] for p in want]
    html = act_text(court, v)
    assert 'class="FIO1"' in html  # depersonalised like the site: names in FIO spans
    assert all(d.name not in html for d in v.case.defendants)


def test_phrasing_varies(tenth: Corpus) -> None:
    texts = [
        act_text(tenth.court(v.case.court), v)  # type: ignore[arg-type]
        for v in tenth.visible_cases(AS_OF)
        if v.has_act
    ]
    joined = "\n".join(texts)
    for marker in (
        "П Р И Г О В О Р И Л :", "ПРИГОВОРИЛ:", "сроком на", "на срок", "лет лишения свободы",
        "считать условным", "условно, с испытательным", "испытательный срок продолжительностью",
        "ст. 55 УК РФ", "ст. 70 УК РФ", "ч. 3 ст. 69 УК РФ", "каждому из них", "признать виновным",
        "колонии-поселении", "общего режима", "строгого режима", "процентов", "% в доход",
    ):  # fmt: skip
        assert marker in joined, marker
    assert any("(два) года" in t or "(пять) лет" in t for t in texts)  # digits + words
    assert any("ФИО2" in t for t in texts)  # co-defendants


def test_punishment_mix_is_plausible(full_corpus: Corpus) -> None:
    t = truth(full_corpus, AS_OF)
    mix: dict[str, Counter[str]] = {a: Counter() for a in ("332", "337", "338")}
    terms: dict[str, list[int]] = {a: [] for a in ("332", "338")}
    for c in t["cases"]:
        if c["decision_class"] != "verdict" or c["articles"] not in (["332"], ["337"], ["338"]):
            continue
        art = c["articles"][0]
        for p in c["punishments"]:
            mix[art][p["kind"]] += 1
            if art in terms and p["kind"] == "imprisonment":
                terms[art].append(p["term_months"])
    n337 = sum(mix["337"].values())
    assert mix["337"]["suspended"] / n337 > 0.4  # AWOL: often suspended, back to the unit
    assert mix["337"]["disciplinary_unit"] > 0 and mix["337"]["imprisonment"] > 0
    assert all(24 <= m <= 36 for m in terms["332"])  # 332: two to three years
    assert max(terms["338"]) <= 180 and statistics.median(terms["338"]) >= 60
    assert mix["338"]["imprisonment"] / sum(mix["338"].values()) > 0.7


def test_acts_come_weeks_to_months_late_and_some_never(full_corpus: Corpus) -> None:
    t = truth(full_corpus, AS_OF)
    states = t["summary"]["acts_by_state"]
    assert set(states) == {ACT_PUBLISHED, ACT_PENDING, ACT_WITHHELD}
    verdicts = sum(states.values())
    assert 0.05 < states[ACT_WITHHELD] / verdicts < 0.2
    lags = [
        (date.fromisoformat(c["act_published_at"]) - date.fromisoformat(c["decision_date"])).days
        for c in t["cases"]
        if c["act_state"] == ACT_PUBLISHED
    ]
    assert min(lags) >= 7 and 25 <= statistics.median(lags) <= 90 and max(lags) > 120
    for c in t["cases"]:
        if c["decision_class"] != "verdict":
            assert c["act_state"] is None and c["punishments"] is None
        else:
            assert len(c["punishments"]) == len(c["defendants"])
            assert (c["act_state"] == ACT_PUBLISHED) == c["has_act"]
    assert sum(r["defendants"] for r in t["monthly_punishments"]) > 0


def test_acts_are_deterministic() -> None:
    a = build_corpus(seed=5, scale=0.02)
    b = build_corpus(seed=5, scale=0.02)
    va = [v for v in a.visible_cases(AS_OF) if v.has_act][:50]
    vb = [v for v in b.visible_cases(AS_OF) if v.has_act][:50]
    assert [act_text(a.court(v.case.court), v) for v in va] == [  # type: ignore[arg-type]
        act_text(b.court(v.case.court), v)  # type: ignore[arg-type]
        for v in vb
    ]


@pytest.mark.parametrize(
    ("n", "gen", "words"),
    [
        (1, False, "один"), (2, True, "двух"), (15, True, "пятнадцати"),
        (100_000, False, "сто тысяч"), (21_500, False, "двадцать одна тысяча пятьсот"),
        (250_000, True, "двухсот пятидесяти тысяч"),
    ],
)  # fmt: skip
def test_number_words(n: int, gen: bool, words: str) -> None:
    assert number_words(n, gen=gen) == words

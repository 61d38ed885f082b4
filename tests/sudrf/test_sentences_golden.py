"""Golden tests for sentence extraction: reviewed phrasing variants and the real act.

Each ``tests/golden/acts/NAME.txt`` has a reviewed ``NAME.expected.json``; a missing
expected file fails. After an intended change regenerate with

    .venv/bin/python -m pytest tests/sudrf/test_sentences_golden.py --update-golden

and REVIEW the diff against the texts before committing (docs/testing.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docketwatch.contract import ActStatus
from docketwatch.sudrf.sentences import ActReading, act_text_from_html, read_act
from tests.conftest import Golden

ACTS_DIR = Path(__file__).resolve().parent.parent / "golden" / "acts"
GOLDEN_CARD = (
    Path(__file__).resolve().parent.parent
    / "golden"
    / "sudrf"
    / "district_criminal_card_leninsky_ufa_1-151_2026.utf8.html"
)
TEXTS = sorted(ACTS_DIR.glob("*.txt"))


def reading_to_jsonable(reading: ActReading) -> dict[str, Any]:
    """Everything read except the raw texts (long; checked separately to be kept)."""
    return {
        "status": reading.status.value,
        "sentences": [
            {
                "index": s.index,
                "articles": [[a.article, a.part, list(a.points), a.inchoate] for a in s.articles],
                "punishment": s.punishment.model_dump(mode="json", exclude={"raw"}),
            }
            for s in reading.sentences
        ],
    }


def test_there_are_enough_reviewed_variants() -> None:
    assert len(TEXTS) >= 15


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_golden_act(path: Path, golden: Golden) -> None:
    reading = read_act(path.read_text(encoding="utf-8"))
    actual = json.dumps(reading_to_jsonable(reading), ensure_ascii=False, indent=1) + "\n"
    golden.check(path.with_suffix(".expected.json"), actual)
    for s in reading.sentences:
        # The text a punishment was read from is kept, so a reviewer can check it.
        assert s.punishment.raw.strip()


def _card_html() -> str:
    return GOLDEN_CARD.read_text(encoding="utf-8")


def test_real_district_act_is_a_ruling_not_a_verdict() -> None:
    """The Ufa card carries a termination with a court fine (ст. 25.1 УПК РФ): real legal
    wording, a «штраф в размере 50 000 рублей», FIO spans — and no sentence at all."""
    text = act_text_from_html(_card_html())
    assert text is not None
    assert text.startswith("дело № 1 – 151/2026\nПОСТАНОВЛЕНИЕ\n")
    assert "судебного штрафа в размере 50 000 рублей" in text
    assert "Ю.Г.Р." in text  # the FIO masking span's text survives as plain text
    reading = read_act(text)
    assert reading.status is ActStatus.NOT_VERDICT
    assert reading.sentences == ()


def test_real_act_relabelled_as_verdict_is_not_guessed() -> None:
    """Forcing the real text through the verdict path: it holds no guilty finding, so the
    result is one UNREADABLE sentence with the text kept — never the court fine."""
    text = act_text_from_html(_card_html())
    assert text is not None
    forced = text.replace("ПОСТАНОВИЛ:", "ПРИГОВОРИЛ:")
    reading = read_act(forced)
    assert reading.status is ActStatus.VERDICT
    assert [s.punishment.kind.value for s in reading.sentences] == ["unreadable"]
    assert "50 000 рублей" in reading.sentences[0].punishment.raw

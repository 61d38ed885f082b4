from __future__ import annotations

import pytest

from docketwatch.contract import DecisionClass
from docketwatch.sudrf.decisions import (
    classify_decision,
    is_unknown_decision,
    normalize_decision_text,
)

FINE = "назначена мера уголовно-правового характера - СУДЕБНЫЙ ШТРАФ (ст. 25.1 УПК РФ)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Вынесен ПРИГОВОР", (DecisionClass.VERDICT, None)),
        ("\t\tВынесен ПРИГОВОР\t\t", (DecisionClass.VERDICT, None)),
        (f"Уголовное дело ПРЕКРАЩЕНО\n{FINE}", (DecisionClass.TERMINATED, FINE)),
        ("Уголовное дело ПРЕКРАЩЕНО", (DecisionClass.TERMINATED, None)),
        ("Дело ВОЗВРАЩЕНО прокурору", (DecisionClass.RETURNED_TO_PROSECUTOR, None)),
        ("ВОЗВРАЩЕНО ПРОКУРОРУ", (DecisionClass.RETURNED_TO_PROSECUTOR, None)),
        ("Направлено ПО ПОДСУДНОСТИ (подведомственности)", (DecisionClass.TRANSFERRED, None)),
        ("Вынесено другое ПОСТАНОВЛЕНИЕ", (DecisionClass.OTHER_RULING, None)),
        (
            "Применены ПРИНУДИТЕЛЬНЫЕ МЕРЫ МЕДИЦИНСКОГО ХАРАКТЕРА",
            (DecisionClass.MEDICAL_MEASURES, None),
        ),
        ("", (None, None)),
        ("\xa0", (None, None)),
        (" \t\n ", (None, None)),
        (None, (None, None)),
        ("Апелляционное ПРОИЗВОДСТВО ПРЕКРАЩЕНО", (DecisionClass.OTHER, None)),
        (
            "ОСТАВЛЕНО БЕЗ РАССМОТРЕНИЯ в связи с неявкой сторон",
            (DecisionClass.OTHER, None),
        ),
    ],
)
def test_classify_decision(
    text: str | None, expected: tuple[DecisionClass | None, str | None]
) -> None:
    assert classify_decision(text) == expected


def test_unknown_flag() -> None:
    assert is_unknown_decision("СНЯТО с апелляционного рассмотрения") is True
    assert is_unknown_decision("Вынесен ПРИГОВОР") is False
    assert is_unknown_decision("\xa0") is False


def test_normalize_keeps_line_breaks_and_text() -> None:
    raw = "\t Уголовное дело ПРЕКРАЩЕНО \n\n  назначена\xa0мера  \t"
    assert normalize_decision_text(raw) == "Уголовное дело ПРЕКРАЩЕНО\nназначена мера"

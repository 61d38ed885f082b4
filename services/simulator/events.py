"""The ДВИЖЕНИЕ ДЕЛА rows of a card, derived from the case so that card and list agree."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .model import CaseView

# Event result of the final hearing, per decision class (FORMAT.md §5 vocabulary).
FINAL_RESULT: dict[str, str] = {
    "verdict": "Постановление приговора",
    "terminated": "Производство по делу прекращено",
    "returned_to_prosecutor": "Дело возвращено прокурору",
    "transferred": "Передано по подведомственности",
    "other_ruling": "Вынесено постановление",
    "medical_measures": "Применены принудительные меры медицинского характера",
}


@dataclass(frozen=True, slots=True)
class CardEvent:
    name: str
    day: date
    time: str
    place: str
    result: str
    basis: str
    posted: date


def _time(rng: random.Random, lo: int, hi: int) -> str:
    return f"{rng.randint(lo, hi):02d}:{rng.choice((0, 10, 15, 20, 30, 40, 45, 50)):02d}"


def card_events(view: CaseView, as_of: date) -> list[CardEvent]:
    """Events posted by `as_of`; decision events only once the decision itself shows."""
    c = view.case
    # Seeded by the case so that a card reads the same on every fetch.
    rng = random.Random(c.case_id * 7919 + len(c.case_uid))
    received = c.receipt_date
    events = [
        CardEvent(
            "Регистрация поступившего в суд дела",
            received,
            _time(rng, 9, 17),
            "",
            "",
            "",
            c.published_at,
        ),
        CardEvent(
            "Передача материалов дела судье",
            received,
            _time(rng, 9, 17),
            "",
            "",
            "",
            c.published_at,
        ),
    ]
    scheduled = received + timedelta(days=rng.randint(1, 5))
    hearing = c.decision_date if c.decision_date is not None else scheduled + timedelta(days=14)
    hearing = max(hearing, scheduled)
    events.append(
        CardEvent(
            "Решение в отношении поступившего уголовного дела",
            scheduled,
            _time(rng, 9, 18),
            "",
            "Назначено судебное заседание",
            "",
            scheduled,
        )
    )
    if view.decision_class is not None and view.decision_date is not None:
        posted = min(c.decision_published_at or view.decision_date, as_of)
        basis = c.decision_ground or "" if view.decision_class == "terminated" else ""
        if rng.random() < 0.3 and (view.decision_date - scheduled).days > 10:
            adjourned = scheduled + timedelta(days=(view.decision_date - scheduled).days // 2)
            events.append(
                CardEvent(
                    "Судебное заседание", adjourned, _time(rng, 9, 16), "Зал №1",
                    "Рассмотрение отложено", "", adjourned,
                )
            )  # fmt: skip
        events.append(
            CardEvent(
                "Судебное заседание", view.decision_date, _time(rng, 9, 16), "Зал №1",
                FINAL_RESULT[view.decision_class], basis, posted,
            )
        )  # fmt: skip
        handed = view.decision_date + timedelta(days=rng.randint(3, 12))
        if handed <= as_of:
            events.append(
                CardEvent(
                    "Дело сдано в отдел судебного делопроизводства", handed, _time(rng, 9, 17),
                    "", "", "", max(handed, posted),
                )
            )  # fmt: skip
        if view.entry_into_force is not None and view.decision_class == "verdict":
            day = view.entry_into_force + timedelta(days=rng.randint(1, 10))
            if day <= as_of:
                events.append(
                    CardEvent("Обращено к исполнению", day, _time(rng, 9, 17), "", "", "", day)
                )
    elif hearing <= as_of and hearing > scheduled:
        pass  # the hearing happened but its result is not published yet: nothing shows
    else:
        events.append(
            CardEvent("Судебное заседание", hearing, _time(rng, 9, 16), "Зал №1", "", "", scheduled)
        )
    return [e for e in events if e.posted <= as_of]

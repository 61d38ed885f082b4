"""Appeals and cassations of the simulated verdicts, and what the review courts show.

Generated after the first-instance corpus, from a random stream of their own keyed by the
seed, so switching appeals on leaves every first-instance byte as it was. The shares and
delays are rough figures for Russian military courts (CALIBRATION.md, "Appeals"):

* a verdict is appealed with probability ``APPEAL_SHARE`` (refusal cases slightly less:
  many are tried in a special order on a guilty plea, which limits appeals);
* the appeal court registers it 20–75 days after the verdict (the appeal term, the lower
  court's time to send the file) and decides 15–90 days later;
* garrison courts' cases go to the district or fleet court of their district (the code's
  two-digit prefix; 31 → 1st Western, 54 and 63 → Central), district and fleet courts'
  own first-instance cases to the Appellate Military Court (50AV0000); a court that is
  not in the served roster takes no appeal;
* a share of the decided appeals (not the returned ones) goes on to the Cassation
  Military Court (54KV0000) 30–150 days after the appeal decision;
* most cards show the УИД; the others show only the first-instance court by its short
  name and the first-instance number (as the real 2ЗОВС card does).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from docketwatch.roster import short_name

from .model import Case

APPELLATE = "50AV0000"
CASSATION = "54KV0000"
# District code prefixes without an OV court of their own (the 2023 directory).
DISTRICT_OF_PREFIX = {"31": "78OV0000", "54": "66OV0001", "63": "66OV0001"}

APPEAL_SHARE = {"refusal": 0.18, "other": 0.24}
CASSATION_SHARE = 0.22
SHOWS_UID = 0.7
APPEAL_RESULTS: tuple[tuple[str, float], ...] = (
    ("upheld", 0.71), ("changed", 0.18), ("overturned", 0.08), ("returned", 0.03),
)
CASSATION_RESULTS: tuple[tuple[str, float], ...] = (
    ("upheld", 0.80), ("changed", 0.12), ("overturned", 0.08),
)
CHANGES: tuple[tuple[str, float], ...] = (
    ("softened", 0.45), ("suspended_to_real", 0.12), ("real_to_suspended", 0.10),
    ("harsher", 0.10), ("other", 0.23),
)

# The catalogue texts the review courts print (FORMAT.md §5 and the courts' usage).
RESULT_TEXT: dict[str, str] = {
    "upheld": "ПРИГОВОР ОСТАВЛЕН БЕЗ ИЗМЕНЕНИЯ",
    "changed": "ПРИГОВОР ИЗМЕНЕН",
    "overturned": "ПРИГОВОР ОТМЕНЕН с направлением дела на новое рассмотрение",
    "returned": "СНЯТО с апелляционного рассмотрения",
}
CHANGE_TEXT: dict[str, str] = {
    "softened": "наказание смягчено (несправедливость приговора вследствие чрезмерной "
                "суровости)",
    "harsher": "наказание усилено (несправедливость приговора вследствие чрезмерной "
               "мягкости)",
    "suspended_to_real": "исключено применение ст. 73 УК РФ, назначено реальное наказание",
    "real_to_suspended": "применена ст. 73 УК РФ, наказание назначено условно",
    "other": "неправильное применение уголовного закона",
}


@dataclass(slots=True)
class Appeal:
    """One review of one first-instance case, with its whole future."""

    court: str
    instance: str  # "appeal" | "cassation"
    origin: Case
    receipt_date: date
    published_at: date
    decision_date: date
    decision_published_at: date
    result: str
    change: str | None
    shows_uid: bool
    lower_court_name: str
    number: str = ""
    case_id: int = 0
    case_uid: str = ""
    judge: str = ""

    def visible(self, as_of: date) -> bool:
        return self.published_at <= as_of

    def decided(self, as_of: date) -> bool:
        return self.decision_published_at <= as_of


def appeal_court(case: Case, served: set[str]) -> str | None:
    prefix, kind = case.court[:2], case.court[2:4]
    target = (APPELLATE if kind == "OV"
              else DISTRICT_OF_PREFIX.get(prefix, f"{prefix}OV0000") if kind == "GV" else None)
    if target == "66OV0000":
        target = "66OV0001"
    return target if target in served else None


def _pick(rng: random.Random, items: tuple[tuple[str, float], ...]) -> str:
    x = rng.random() * sum(w for _, w in items)
    for name, w in items:
        x -= w
        if x < 0:
            return name
    return items[-1][0]


def build_appeals(seed: int, cases: list[Case], court_names: dict[str, str]) -> list[Appeal]:
    """Every review of the corpus's verdicts; ``court_names`` is the served roster."""
    rng = random.Random(int.from_bytes(
        hashlib.blake2b(f"{seed}:appeals".encode(), digest_size=8).digest(), "big"))
    served = set(court_names)
    out: list[Appeal] = []
    for case in cases:
        if case.decision_class != "verdict" or case.decision_date is None:
            continue
        share = APPEAL_SHARE["refusal" if case.refusal_articles else "other"]
        if rng.random() >= share:
            continue
        court = appeal_court(case, served)
        if court is None:
            continue
        first = _review(rng, case, court, "appeal", case.decision_date, 20, 75,
                        APPEAL_RESULTS, court_names)
        out.append(first)
        if first.result != "returned" and CASSATION in served \
                and rng.random() < CASSATION_SHARE:
            out.append(_review(rng, case, CASSATION, "cassation", first.decision_date, 30, 150,
                               CASSATION_RESULTS, court_names))
    _number(rng, out)
    return out


def _review(rng: random.Random, case: Case, court: str, instance: str, after: date,
            lo: int, hi: int, results: tuple[tuple[str, float], ...],
            court_names: dict[str, str]) -> Appeal:
    receipt = after + timedelta(days=rng.randint(lo, hi))
    decided = receipt + timedelta(days=rng.randint(15, 90))
    result = _pick(rng, results)
    return Appeal(
        court=court, instance=instance, origin=case, receipt_date=receipt,
        published_at=receipt + timedelta(days=rng.randint(0, 6)),
        decision_date=decided,
        decision_published_at=decided + timedelta(days=rng.randint(0, 12)),
        result=result, change=_pick(rng, CHANGES) if result == "changed" else None,
        shows_uid=rng.random() < SHOWS_UID,
        lower_court_name=short_name(court_names.get(case.court, case.court)),
    )


def _number(rng: random.Random, appeals: list[Appeal]) -> None:
    """``22-N/YYYY`` (appeal) and ``77-N/YYYY`` (cassation) per court and year of receipt:
    the review court's own numbers, unrelated to the first-instance ones."""
    by_court: dict[str, list[Appeal]] = defaultdict(list)
    for a in appeals:
        by_court[a.court].append(a)
    for court in sorted(by_court):
        counters: dict[int, int] = defaultdict(int)
        case_id = 8_000_000 + rng.randint(0, 900_000)
        judges = [f"Судья {court} №{i}" for i in range(1, 6)]
        for a in sorted(by_court[court], key=lambda a: (a.receipt_date, a.origin.case_uid)):
            year = a.receipt_date.year
            counters[year] += 1
            prefix = "22" if a.instance == "appeal" else "77"
            a.number = f"{prefix}-{counters[year]}/{year}"
            case_id += rng.randint(1, 50)
            a.case_id = case_id
            a.case_uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            a.judge = rng.choice(judges)


def lower_number(a: Appeal) -> str:
    """The first-instance number as the review card shows it."""
    return a.origin.case_number

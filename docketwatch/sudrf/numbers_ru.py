"""Russian cardinal numbers and terms as court acts write them.

Acts write quantities as digits, as words, or both (``5 (пять) лет``, ``2 (двух) лет``,
``один год шесть месяцев``, ``100 000 (сто тысяч) рублей``), in any grammatical case
(``назначить пять лет`` / ``в виде пяти лет``). Every function here returns ``None`` or
raises :class:`NumberError` rather than guess: a digit/word pair that disagrees, a word
sequence that is not a well-formed number, or a unit we do not count (days) is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class NumberError(ValueError):
    """A quantity is present but cannot be read without guessing."""


# Each value with every case form acts use (nominative, genitive, dative, instrumental,
# prepositional; ё and е both). The magnitude class decides what may follow what.
_UNITS: dict[int, tuple[str, ...]] = {
    1: ("один", "одного", "одному", "одним", "одном", "одна", "одной", "одну", "одно", "одною"),
    2: ("два", "две", "двух", "двум", "двумя"),
    3: ("три", "трех", "трем", "тремя"),
    4: ("четыре", "четырех", "четырем", "четырьмя"),
    5: ("пять", "пяти", "пятью"),
    6: ("шесть", "шести", "шестью"),
    7: ("семь", "семи", "семью"),
    8: ("восемь", "восьми", "восемью", "восьмью"),
    9: ("девять", "девяти", "девятью"),
}
_TEENS_NOM: dict[int, str] = {
    10: "десять", 11: "одиннадцать", 12: "двенадцать", 13: "тринадцать", 14: "четырнадцать",
    15: "пятнадцать", 16: "шестнадцать", 17: "семнадцать", 18: "восемнадцать",
    19: "девятнадцать",
}  # fmt: skip
_TENS: dict[int, tuple[str, ...]] = {
    20: ("двадцать", "двадцати", "двадцатью"),
    30: ("тридцать", "тридцати", "тридцатью"),
    40: ("сорок", "сорока"),
    50: ("пятьдесят", "пятидесяти", "пятьюдесятью"),
    60: ("шестьдесят", "шестидесяти", "шестьюдесятью"),
    70: ("семьдесят", "семидесяти", "семьюдесятью"),
    80: ("восемьдесят", "восьмидесяти", "восемьюдесятью"),
    90: ("девяносто", "девяноста"),
}
_HUNDREDS: dict[int, tuple[str, ...]] = {
    100: ("сто", "ста"),
    200: ("двести", "двухсот", "двумстам", "двумястами", "двухстах"),
    300: ("триста", "трехсот", "тремстам", "тремястами", "трехстах"),
    400: ("четыреста", "четырехсот", "четыремстам", "четырьмястами", "четырехстах"),
    500: ("пятьсот", "пятисот", "пятистам", "пятьюстами", "пятистах"),
    600: ("шестьсот", "шестисот", "шестистам", "шестьюстами", "шестистах"),
    700: ("семьсот", "семисот", "семистам", "семьюстами", "семистах"),
    800: ("восемьсот", "восьмисот", "восьмистам", "восьмьюстами", "восьмистах"),
    900: ("девятьсот", "девятисот", "девятистам", "девятьюстами", "девятистах"),
}
_THOUSAND = ("тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тысячам", "тысячами", "тысяче")
_MILLION = ("миллион", "миллиона", "миллионов", "миллиону", "миллионом", "миллионами")

# word → (value, class): 0 units, 1 teens, 2 tens, 3 hundreds, 4 thousand, 5 million.
WORDS: dict[str, tuple[int, int]] = {}
for _v, _forms in _UNITS.items():
    WORDS.update({f: (_v, 0) for f in _forms})
for _v, _nom in _TEENS_NOM.items():
    # -ать → -ати (genitive, dative, prepositional) and -атью (instrumental).
    WORDS.update({f: (_v, 1) for f in (_nom, _nom[:-1] + "и", _nom[:-1] + "ю")})
for _v, _forms in _TENS.items():
    WORDS.update({f: (_v, 2) for f in _forms})
for _v, _forms in _HUNDREDS.items():
    WORDS.update({f: (_v, 3) for f in _forms})
WORDS.update({f: (1000, 4) for f in _THOUSAND})
WORDS.update({f: (1_000_000, 5) for f in _MILLION})

# "полтора года" = a year and a half; only meaningful before a unit, handled in terms.
HALF_WORDS = ("полтора", "полутора", "полторы")

_WORD_ALT = "|".join(sorted(WORDS, key=len, reverse=True))
# A run of number words (the tokenizer below validates it); letters must not continue.
NUMBER_WORDS = rf"(?<![а-я])(?:{_WORD_ALT})(?![а-я])(?:\s+(?:{_WORD_ALT})(?![а-я]))*"
# Digits with optional thousands separators (space, nbsp, narrow nbsp, dot).
NUMBER_DIGITS = r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?![\d])|(?<![\d.,])\d+(?![\d])"
# "5 (пять)", "5", "пять"; the parenthesis may hold words or, rarely, nothing legible.
NUMBER = rf"(?:(?:{NUMBER_DIGITS})(?:\s*\(\s*[а-я\s-]*\))?|{NUMBER_WORDS})"
NUMBER_RE = re.compile(NUMBER)


def words_to_int(text: str) -> int:
    """``сто двадцать пять тысяч`` → 125000, in any case. Raises NumberError."""
    tokens = text.replace("ё", "е").lower().split()
    if not tokens:
        raise NumberError("no number words")
    total = 0
    group = 0
    last_class = 9  # classes within a group must strictly decrease
    seen_big = 9  # thousand/million groups must strictly decrease too
    for tok in tokens:
        if tok not in WORDS:
            raise NumberError(f"not a number word: {tok!r}")
        value, cls = WORDS[tok]
        if cls >= 4:
            if cls >= seen_big:
                raise NumberError(f"misplaced {tok!r} in {text!r}")
            total += (group or 1) * value
            group = 0
            last_class = 9
            seen_big = cls
            continue
        # teens take the place of both tens and units
        if cls >= last_class or (last_class == 1 and cls == 0):
            raise NumberError(f"ill-formed number {text!r}")
        group += value
        last_class = cls
    return total + group


def _digits_value(text: str) -> int:
    return int(re.sub(r"[ \u00a0\u202f.]", "", text))


_PAREN = re.compile(r"\(\s*([^)]*?)\s*\)")


def number_value(text: str) -> int:
    """Value of one NUMBER match: digits, words, or digits with words in brackets that must
    agree. Raises NumberError."""
    text = text.strip().lower().replace("ё", "е")
    if not text:
        raise NumberError("empty number")
    if text[0].isdigit():
        paren = _PAREN.search(text)
        head = text[: paren.start()] if paren else text
        value = _digits_value(head.strip())
        if paren is not None:
            words = paren.group(1).strip()
            if not words:
                raise NumberError(f"empty words in {text!r}")
            if words_to_int(words) != value:
                raise NumberError(f"digits and words disagree: {text!r}")
        return value
    return words_to_int(text)


# ----------------------------------------------------------------------------- terms

_YEAR_UNITS = ("год", "года", "году", "годом", "лет", "годам", "годами", "годах")
_MONTH_UNITS = ("месяц", "месяца", "месяцев", "месяцу", "месяцем", "месяцам", "месяцами")
_DAY_UNITS = ("день", "дня", "дней", "дню", "днем", "дням", "сутки", "суток")
_UNIT_ALT = "|".join(sorted(_YEAR_UNITS + _MONTH_UNITS + _DAY_UNITS, key=len, reverse=True))
_HALF_ALT = "|".join(HALF_WORDS)

# One "<number> <unit>" component; "полтора года" is its own component.
_COMPONENT = rf"(?:(?:{NUMBER})|(?:{_HALF_ALT}))\s+(?:{_UNIT_ALT})(?![а-я])"
# Up to three components joined by spaces, commas or "и": "1 год 6 месяцев",
# "одного года и шести месяцев".
TERM = rf"{_COMPONENT}(?:\s*(?:,\s*|\s+и\s+|\s+){_COMPONENT}){{0,2}}"
TERM_RE = re.compile(TERM)
_COMPONENT_RE = re.compile(
    rf"(?P<num>(?:{NUMBER})|(?:{_HALF_ALT}))\s+(?P<unit>{_UNIT_ALT})(?![а-я])"
)


@dataclass(frozen=True, slots=True)
class Term:
    months: int
    text: str


def term_months(text: str) -> int:
    """``2 (два) года 6 (шесть) месяцев`` → 30; ``полтора года`` → 18. Raises NumberError
    for days (an act's term in days cannot be put in months without rounding), repeated or
    out-of-order units, or unreadable numbers."""
    text = text.lower().replace("ё", "е")
    months = 0
    order: list[str] = []
    found = False
    for m in _COMPONENT_RE.finditer(text):
        found = True
        unit = m.group("unit")
        num = m.group("num").strip()
        if unit in _DAY_UNITS:
            raise NumberError(f"term in days: {text!r}")
        kind = "y" if unit in _YEAR_UNITS else "m"
        if order and (kind in order or order[-1] == "m"):
            raise NumberError(f"units out of order in {text!r}")
        order.append(kind)
        if num in HALF_WORDS:
            if kind != "y":
                raise NumberError(f"half a month in {text!r}")
            months += 18
            continue
        value = number_value(num)
        months += value * 12 if kind == "y" else value
    if not found:
        raise NumberError(f"no term in {text!r}")
    return months


def find_term(text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
    """First term at or after ``pos`` (the caller decides how far it may be)."""
    return TERM_RE.search(text, pos, len(text) if endpos is None else endpos)


# ----------------------------------------------------------------------------- money

_RUB = r"(?:рублей|рубля|рубль|руб\.?)(?![а-я])"
# "100 000 (сто тысяч) рублей", "ста тысяч рублей", "30000 руб."
MONEY_RE = re.compile(rf"(?P<num>{NUMBER})\s+{_RUB}")


def money_rub(text: str) -> int:
    m = MONEY_RE.search(text.lower().replace("ё", "е"))
    if m is None:
        raise NumberError(f"no amount in roubles in {text!r}")
    return number_value(m.group("num"))

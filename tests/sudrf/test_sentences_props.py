"""Property tests: random terms and amounts written in words and digits parse back exactly.

The words are produced by a renderer written here, independently of the parser's tables
(and of the simulator's), in the nominative and the genitive as acts use them.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docketwatch.sudrf.numbers_ru import NumberError, money_rub, term_months, words_to_int
from docketwatch.sudrf.sentences import extract_sentences

ONES = "ноль один два три четыре пять шесть семь восемь девять".split()
ONES_F = "ноль одна две три четыре пять шесть семь восемь девять".split()
ONES_G = "ноля одного двух трех четырех пяти шести семи восьми девяти".split()
TEENS = ("десять одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать "
         "семнадцать восемнадцать девятнадцать").split()  # fmt: skip
TENS = "_ _ двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто".split()
TENS_G = ("_ _ двадцати тридцати сорока пятидесяти шестидесяти семидесяти восьмидесяти "
          "девяноста").split()  # fmt: skip
HUND = "_ сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот".split()
HUND_G = "_ ста двухсот трехсот четырехсот пятисот шестисот семисот восьмисот девятисот".split()


def say(n: int, gen: bool = False, fem: bool = False) -> str:
    """1 ≤ n < 10**9 in words."""
    out: list[str] = []
    for scale, forms in ((10**6, ("миллион", "миллиона", "миллионов")),
                         (10**3, ("тысяча", "тысячи", "тысяч")), (1, None)):  # fmt: skip
        k, n = divmod(n, scale)
        if not k:
            continue
        h, r = divmod(k, 100)
        if h:
            out.append((HUND_G if gen else HUND)[h])
        if 10 <= r < 20:
            out.append(TEENS[r - 10][:-1] + "и" if gen else TEENS[r - 10])
        else:
            t, u = divmod(r, 10)
            if t:
                out.append((TENS_G if gen else TENS)[t])
            if u:
                female = scale == 10**3 or (scale == 1 and fem)
                out.append(ONES_G[u] if gen else (ONES_F if female else ONES)[u])
        if forms:
            last = k % 100
            idx = 2 if 11 <= last <= 14 else {1: 0, 2: 1, 3: 1, 4: 1}.get(k % 10, 2)
            out.append(forms[2] if gen and scale == 10**3 else forms[idx])
    return " ".join(out)


def unit(n: int, forms: tuple[str, str, str], gen: bool) -> str:
    """Agreement of год/месяц with n: ``1 год, 2 года, 5 лет``; genitive ``1 года, 5 лет``."""
    one = n % 10 == 1 and n % 100 != 11
    if gen:
        # genitive singular equals the nominative "few" form (года, месяца)
        return forms[1] if one else forms[2]
    last = n % 100
    return forms[2 if 11 <= last <= 14 else {1: 0, 2: 1, 3: 1, 4: 1}.get(n % 10, 2)]


def number(n: int, style: str, gen: bool) -> str:
    if style == "digits":
        return str(n)
    if style == "words":
        return say(n, gen)
    return f"{n} ({say(n, gen)})"


YEARS = ("год", "года", "лет")
MONTHS = ("месяц", "месяца", "месяцев")


def term_text(years: int, months: int, style: str, gen: bool, joiner: str) -> str:
    parts = []
    if years:
        parts.append(f"{number(years, style, gen)} {unit(years, YEARS, gen)}")
    if months:
        parts.append(f"{number(months, style, gen)} {unit(months, MONTHS, gen)}")
    return joiner.join(parts)


terms = st.tuples(st.integers(0, 25), st.integers(0, 11)).filter(lambda t: t != (0, 0))
styles = st.sampled_from(("digits", "words", "both"))


@settings(max_examples=400, deadline=None)
@given(terms, styles, st.booleans(), st.sampled_from((" ", " и ")))
def test_term_round_trip(term: tuple[int, int], style: str, gen: bool, joiner: str) -> None:
    years, months = term
    text = term_text(years, months, style, gen, joiner)
    assert term_months(text) == years * 12 + months, text


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 999_999_999), st.booleans())
def test_words_round_trip(n: int, gen: bool) -> None:
    assert words_to_int(say(n, gen)) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5_000_000), st.sampled_from(("plain", "grouped", "both", "words")))
def test_money_round_trip(n: int, style: str) -> None:
    grouped = f"{n:,}".replace(",", " ")
    text = {
        "plain": f"{n} рублей",
        "grouped": f"{grouped} рублей",
        "both": f"{grouped} ({say(n)}) рублей",
        "words": f"{say(n, gen=True)} рублей",
    }[style]
    assert money_rub(text) == n


@settings(max_examples=200, deadline=None)
@given(terms, terms, styles, st.sampled_from(("на срок", "сроком на", "сроком", "genitive")))
def test_sentence_round_trip(
    term: tuple[int, int], probation: tuple[int, int], style: str, form: str
) -> None:
    """The same terms inside an operative part: a suspended sentence reads back exactly."""
    y, m = term
    if form == "genitive":
        clause = f"в виде {term_text(y, m, style, True, ' ')} лишения свободы"
    else:
        clause = f"в виде лишения свободы {form} {term_text(y, m, style, False, ' ')}"
    py, pm = probation
    act = (
        "ПРИГОВОР\nПРИГОВОРИЛ:\n"
        "Признать ФИО1 виновным в совершении преступления, предусмотренного ч. 5 ст. 337 "
        f"УК РФ, и назначить ему наказание {clause}.\n"
        "На основании ст. 73 УК РФ назначенное ФИО1 наказание считать условным с "
        f"испытательным сроком {term_text(py, pm, style, False, ' ')}.\n"
        "Приговор может быть обжалован в течение 15 суток."
    )
    (s,) = extract_sentences(act)
    assert s.punishment.kind.value == "suspended", (act, s.punishment.reason)
    assert s.punishment.term_months == y * 12 + m
    assert s.punishment.probation_months == py * 12 + pm


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 25), st.integers(1, 25).filter(lambda x: x % 10 != 0))
def test_digits_and_words_that_disagree_are_never_guessed(n: int, k: int) -> None:
    wrong = n + k
    with pytest.raises(NumberError):
        term_months(f"{n} ({say(wrong)}) лет")


@pytest.mark.parametrize(
    "text",
    ["пять пять лет", "двадцать тридцать лет", "1 год 5 дней", "6 месяцев 1 год", "() лет"],
)
def test_malformed_terms_raise(text: str) -> None:
    with pytest.raises(NumberError):
        term_months(text)

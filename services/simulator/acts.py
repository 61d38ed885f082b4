"""Sentences and the texts of the simulator's verdicts.

Each verdict gets one punishment per defendant, drawn by the defendant's gravest refusal
article (337 is often suspended, 332 gives 2–3 years, 338 up to 15), and an act whose
operative part states it in the usual legal wording with varied phrasing: digits, words or
both; ``на срок`` / ``сроком на`` / ``в виде … лет лишения свободы``; suspension inline or
under art. 73 in its own sentence; a disciplinary unit directly or by art. 55; counts
aggregated under art. 69; an earlier sentence added under art. 70. Acts appear weeks to
months after the verdict, and some are never published.

Number words are generated here independently of the parser's tables, so that the test
which reads every simulator act back is a real cross-check of the two.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

from docketwatch.categories import REFUSAL_ARTICLES

from .articles import ArticleRef

if TYPE_CHECKING:
    from .model import Case

# Act states in the truth: out on the site, not yet out, or never to be published
# (marked for official use only, or simply not published).
ACT_PUBLISHED = "published"
ACT_PENDING = "pending"
ACT_WITHHELD = "withheld"
WITHHELD_SHARE = 0.12


@dataclass(frozen=True, slots=True)
class SimPunishment:
    """Mirrors docketwatch.contract.Punishment (without the raw text)."""

    kind: str
    term_months: int | None = None
    probation_months: int | None = None
    colony_regime: str | None = None
    fine_rub: int | None = None
    deduction_percent: int | None = None
    base_kind: str | None = None
    replaced: bool = False
    combined_with_previous: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- drawing


def _months(rng: random.Random, lo: int, hi: int, step: int = 6) -> int:
    """A term between lo and hi months, on the steps courts use (whole half-years mostly)."""
    if rng.random() < 0.25:
        step = 1 if hi - lo < 12 else 2
    return rng.randrange(lo, hi + 1, step) if hi > lo else lo


def _main_ref(refs: Sequence[ArticleRef]) -> ArticleRef | None:
    rank = {"338": 3, "332": 2, "337": 1}
    refusal = [r for r in refs if r.article in REFUSAL_ARTICLES]
    return max(refusal, key=lambda r: rank[r.article]) if refusal else None


def _imprisonment(rng: random.Random, lo: int, hi: int, regimes: Sequence[str]) -> SimPunishment:
    combined = rng.random() < 0.04
    return SimPunishment(
        "imprisonment", _months(rng, lo, hi), colony_regime=rng.choice(regimes),
        combined_with_previous=combined,
    )  # fmt: skip


def _suspended(rng: random.Random, lo: int, hi: int, base: str = "imprisonment") -> SimPunishment:
    term = _months(rng, lo, hi)
    probation = _months(rng, 12, min(60, max(12, term + 12)), 6)
    return SimPunishment("suspended", term, probation_months=probation, base_kind=base)


def _disciplinary(rng: random.Random, lo: int = 3, hi: int = 24) -> SimPunishment:
    term = _months(rng, lo, hi, 3)
    if rng.random() < 0.5:  # art. 55: imprisonment up to two years replaced, same term
        return SimPunishment(
            "disciplinary_unit", max(term, 6), base_kind="imprisonment", replaced=True
        )
    return SimPunishment("disciplinary_unit", term)


def _restriction(rng: random.Random) -> SimPunishment:
    return SimPunishment(
        "restriction_of_service",
        _months(rng, 3, 24, 3),
        deduction_percent=rng.choice((5, 10, 10, 15, 15, 20)),
    )


def _fine(rng: random.Random) -> SimPunishment:
    return SimPunishment("fine", fine_rub=rng.randrange(20_000, 200_001, 5_000))


def _pick(
    rng: random.Random, table: Sequence[tuple[float, Callable[[], SimPunishment]]]
) -> SimPunishment:
    x = rng.random() * sum(w for w, _ in table)
    for w, make in table:
        x -= w
        if x <= 0:
            return make()
    return table[-1][1]()


def draw_punishment(rng: random.Random, refs: Sequence[ArticleRef]) -> SimPunishment:
    """One defendant's punishment, by the gravest refusal article and its part."""
    main = _main_ref(refs)
    settle_general = ("settlement", "settlement", "general")
    if main is None:  # other chapter-33 and ordinary crimes
        return _pick(rng, (
            (0.35, lambda: _imprisonment(rng, 12, 60, ("settlement", "general", "strict"))),
            (0.35, lambda: _suspended(rng, 12, 48)),
            (0.20, lambda: _fine(rng)),
            (0.10, lambda: _restriction(rng)),
        ))  # fmt: skip
    part = main.part or ""
    if main.article == "337":
        if part in ("5", "3.1"):
            return _pick(rng, (
                (0.52, lambda: _suspended(rng, 24, 72)),
                (0.32, lambda: _imprisonment(rng, 18, 72, settle_general)),
                (0.14, lambda: _disciplinary(rng, 6, 24)),
                (0.02, lambda: _suspended(rng, 6, 18, "disciplinary_unit")),
            ))  # fmt: skip
        if part == "2.1":
            return _pick(rng, (
                (0.45, lambda: _suspended(rng, 12, 36)),
                (0.30, lambda: _disciplinary(rng, 3, 18)),
                (0.25, lambda: _imprisonment(rng, 12, 30, ("settlement",))),
            ))  # fmt: skip
        return _pick(rng, (
            (0.30, lambda: _restriction(rng)),
            (0.20, lambda: _fine(rng)),
            (0.20, lambda: _disciplinary(rng)),
            (0.20, lambda: _suspended(rng, 6, 36)),
            (0.10, lambda: _imprisonment(rng, 6, 24, ("settlement",))),
        ))  # fmt: skip
    if main.article == "332":
        if part == "2.1":
            return _pick(rng, (
                (0.70, lambda: _imprisonment(rng, 24, 36, settle_general)),
                (0.25, lambda: _suspended(rng, 24, 36)),
                (0.05, lambda: SimPunishment(
                    "disciplinary_unit", 24, base_kind="imprisonment", replaced=True)),
            ))  # fmt: skip
        return _pick(rng, (
            (0.4, lambda: _restriction(rng)),
            (0.3, lambda: _disciplinary(rng)),
            (0.3, lambda: _suspended(rng, 12, 24)),
        ))  # fmt: skip
    # 338: desertion; part 2 (mobilisation, wartime) up to 15 years.
    if part == "2":
        return _pick(rng, (
            (0.90, lambda: _imprisonment(rng, 60, 180, ("general", "general", "strict"))),
            (0.10, lambda: _suspended(rng, 60, 96)),
        ))  # fmt: skip
    return _pick(rng, (
        (0.80, lambda: _imprisonment(rng, 24, 84, ("general", "strict"))),
        (0.20, lambda: _suspended(rng, 24, 60)),
    ))  # fmt: skip


def act_lag_days(rng: random.Random) -> int | None:
    """Verdict → act on the site: weeks to months (anonymising takes time); None = never."""
    if rng.random() < WITHHELD_SHARE:
        return None
    u = rng.random()
    if u < 0.35:
        return rng.randint(10, 30)
    if u < 0.80:
        return rng.randint(31, 90)
    return rng.randint(91, 240)


def assign_acts(
    cases: Sequence[Case], rng: random.Random, on_or_after: Callable[[date], date]
) -> None:
    """Give every verdict its punishments and its act's fate (stage 6 of the corpus).

    Runs after all calibration repairs (decision dates are final) and on its own random
    stream, so it cannot move any calibrated count.
    """
    for case in cases:
        if case.decision_class != "verdict" or case.decision_date is None:
            case.punishments = ()
            case.act_published_at = None
            case.act_withheld = False
            continue
        ps = [draw_punishment(rng, d.articles) for d in case.defendants]
        if len(ps) > 1 and len({d.articles for d in case.defendants}) == 1 and rng.random() < 0.5:
            # Co-defendants of one joint absence are often given the same punishment.
            ps = [ps[0]] * len(ps)
        case.punishments = tuple(ps)
        lag = act_lag_days(rng)
        case.act_withheld = lag is None
        if lag is None:
            case.act_published_at = None
        else:
            # Never before the verdict itself shows in the list.
            shown = case.decision_published_at or case.decision_date
            case.act_published_at = max(
                on_or_after(case.decision_date + timedelta(days=lag)), shown
            )
        case.act_seed = rng.getrandbits(32)


def act_state(case: Case, as_of: date) -> str | None:
    if case.decision_class != "verdict":
        return None
    if case.act_withheld:
        return ACT_WITHHELD
    if case.act_published_at is not None and case.act_published_at <= as_of:
        return ACT_PUBLISHED
    return ACT_PENDING


# --------------------------------------------------------------------------- number words

_UNITS_NOM = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_UNITS_NOM_F = ("", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_UNITS_GEN = ("", "одного", "двух", "трех", "четырех", "пяти", "шести", "семи", "восьми", "девяти")
_TEENS_NOM = (
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
    "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
)  # fmt: skip
_TENS_NOM = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
             "восемьдесят", "девяносто")  # fmt: skip
_TENS_GEN = ("", "", "двадцати", "тридцати", "сорока", "пятидесяти", "шестидесяти",
             "семидесяти", "восьмидесяти", "девяноста")  # fmt: skip
_HUNDREDS_NOM = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
                 "восемьсот", "девятьсот")  # fmt: skip
_HUNDREDS_GEN = ("", "ста", "двухсот", "трехсот", "четырехсот", "пятисот", "шестисот",
                 "семисот", "восьмисот", "девятисот")  # fmt: skip


def _below_thousand(n: int, gen: bool, fem: bool) -> list[str]:
    out: list[str] = []
    h, rest = divmod(n, 100)
    if h:
        out.append((_HUNDREDS_GEN if gen else _HUNDREDS_NOM)[h])
    if 10 <= rest < 20:
        teen = _TEENS_NOM[rest - 10]
        out.append(teen[:-1] + "и" if gen else teen)
        return out
    t, u = divmod(rest, 10)
    if t:
        out.append((_TENS_GEN if gen else _TENS_NOM)[t])
    if u:
        if gen:
            out.append("одной" if fem and u == 1 else _UNITS_GEN[u])
        else:
            out.append((_UNITS_NOM_F if fem else _UNITS_NOM)[u])
    return out


def plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def number_words(n: int, gen: bool = False, fem: bool = False) -> str:
    """1 ≤ n < 10**6 in words, nominative or genitive (``сто двадцать пять тысяч``)."""
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        words += _below_thousand(thousands, gen, fem=True)
        if gen:
            words.append("тысяч" if thousands % 10 != 1 or thousands % 100 == 11 else "тысячи")
        else:
            words.append(plural(thousands, "тысяча", "тысячи", "тысяч"))
    words += _below_thousand(rest, gen, fem)
    return " ".join(words)


def digits_grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ") if n >= 10_000 else str(n)


# --------------------------------------------------------------------------- act text


@dataclass(frozen=True, slots=True)
class _Style:
    numbers: str  # "both" | "digits" | "words"
    term_form: str  # "na_srok" | "srokom_na" | "srokom" | "genitive"
    regime_apart: bool
    suspend_form: str  # "art73" | "inline" | "art73_apart"
    name_first: bool
    spaced_heading: bool
    initials: bool


def _style(rng: random.Random) -> _Style:
    return _Style(
        numbers=rng.choice(("both", "both", "both", "digits", "words")),
        term_form=rng.choice(("na_srok", "na_srok", "srokom_na", "srokom", "genitive")),
        regime_apart=rng.random() < 0.25,
        suspend_form=rng.choice(("art73", "art73", "inline", "art73_apart")),
        name_first=rng.random() < 0.15,
        spaced_heading=rng.random() < 0.2,
        initials=rng.random() < 0.4,
    )


def _num(n: int, style: _Style, gen: bool = False, fem: bool = False) -> str:
    if style.numbers == "digits":
        return digits_grouped(n)
    words = number_words(n, gen=gen, fem=fem)
    if style.numbers == "words":
        return words
    return f"{digits_grouped(n)} ({words})"


def _term(months: int, style: _Style, gen: bool = False) -> str:
    years, rest = divmod(months, 12)
    parts: list[str] = []
    if years:
        unit = (
            ("года" if years % 10 == 1 and years % 100 != 11 else "лет")
            if gen
            else plural(years, "год", "года", "лет")
        )
        parts.append(f"{_num(years, style, gen)} {unit}")
    if rest:
        unit = (
            ("месяца" if rest == 1 else "месяцев")
            if gen
            else plural(rest, "месяц", "месяца", "месяцев")
        )
        parts.append(f"{_num(rest, style, gen)} {unit}")
    return " ".join(parts)


def _with_term(kind_gen: str, months: int, style: _Style) -> str:
    """«лишения свободы на срок 2 года» in the style's form (genitive: «2 лет лишения…»)."""
    form = style.term_form
    if form == "genitive" and kind_gen == "лишения свободы":
        return f"{_term(months, style, gen=True)} {kind_gen}"
    if form == "srokom_na":
        return f"{kind_gen} сроком на {_term(months, style)}"
    if form == "srokom":
        return f"{kind_gen} сроком {_term(months, style)}"
    return f"{kind_gen} на срок {_term(months, style)}"


_REGIME_TEXT = {
    "settlement": "в колонии-поселении",
    "general": "в исправительной колонии общего режима",
    "strict": "в исправительной колонии строгого режима",
    "special": "в исправительной колонии особого режима",
}
_KIND_GEN = {
    "imprisonment": "лишения свободы",
    "disciplinary_unit": "содержания в дисциплинарной воинской части",
    "restriction_of_service": "ограничения по военной службе",
}


def legal_article(ref: ArticleRef) -> str:
    """``ч. 5 ст. 337``, ``п. «а» ч. 2 ст. 334``, ``ч. 3 ст. 30, ч. 1 ст. 338``."""
    text = f"ст. {ref.article}"
    if ref.part:
        text = f"ч. {ref.part} {text}"
    if ref.points:
        pts = [f"«{p}»" for p in ref.points.split(",")]
        text = ("п. " if len(pts) == 1 else "пп. ") + ", ".join(pts) + " " + text
    if ref.inchoate_part:
        text = f"ч. {ref.inchoate_part} ст. 30, {text}"
    return text


def _main_clause(p: SimPunishment, style: _Style, rng: random.Random) -> tuple[str, list[str]]:
    """(what follows «наказание в виде», extra sentences with {who} for the defendant)."""
    extra: list[str] = []
    kind = p.base_kind if p.kind == "suspended" and p.base_kind else p.kind
    if p.replaced:
        kind = "imprisonment"
    if kind == "fine":
        assert p.fine_rub is not None
        where = rng.choice(("", " в доход государства"))
        return f"штрафа{where} в размере {_num(p.fine_rub, style)} рублей", extra
    if kind == "restriction_of_service":
        assert p.term_months is not None and p.deduction_percent is not None
        pct = p.deduction_percent
        if rng.random() < 0.5:
            ded = (
                f"с удержанием в доход государства {_num(pct, style, gen=True)} процентов "
                "из денежного довольствия"
            )
        else:
            ded = (
                "с ежемесячным удержанием из денежного довольствия осужденного "
                f"{pct} % в доход государства"
            )
        return _with_term(_KIND_GEN[kind], p.term_months, style) + " " + ded, extra
    assert p.term_months is not None
    clause = _with_term(_KIND_GEN[kind], p.term_months, style)
    if p.kind == "imprisonment" and p.colony_regime:
        regime = _REGIME_TEXT[p.colony_regime]
        if style.regime_apart:
            extra.append(f"Отбывание наказания {{who}} определить {regime}.")
        else:
            clause += f" с отбыванием наказания {regime}"
    if p.replaced:
        extra.append(
            "На основании ч. 1 ст. 55 УК РФ назначенное {who} наказание в виде лишения "
            "свободы заменить содержанием в дисциплинарной воинской части на тот же срок."
        )
    return clause, extra


def _suspension(p: SimPunishment, style: _Style) -> tuple[str, list[str]]:
    """(inline suffix, sentences) for art. 73."""
    assert p.probation_months is not None
    prob = _term(p.probation_months, style)
    if style.suspend_form == "inline":
        return f" условно, с испытательным сроком {prob}", []
    if style.suspend_form == "art73_apart":
        return "", [
            "В соответствии со ст. 73 УК РФ назначенное {who} наказание считать условным.",
            f"Установить {{who}} испытательный срок продолжительностью {prob}.",
        ]
    return "", [
        "На основании ст. 73 УК РФ назначенное {who} наказание считать условным "
        f"с испытательным сроком {prob}."
    ]


def _defendant_paragraphs(
    who: str, refs: Sequence[ArticleRef], p: SimPunishment, style: _Style, rng: random.Random
) -> list[str]:
    arts = [legal_article(r) for r in refs]
    several = len(arts) > 1
    finding = (
        f"виновным в совершении преступлени{'й' if several else 'я'}, "
        f"предусмотренн{'ых' if several else 'ого'} {', '.join(arts)} УК РФ"
    )
    opening = f"{who} признать {finding}" if style.name_first else f"Признать {who} {finding}"
    clause, extra = _main_clause(p, style, rng)
    suffix, susp = _suspension(p, style) if p.kind == "suspended" else ("", [])
    paras: list[str] = []
    if p.combined_with_previous:
        assert p.term_months is not None
        first = max(6, p.term_months - rng.choice((3, 4, 6, 8)))
        first_clause = _with_term("лишения свободы", first, style)
        paras.append(f"{opening}, и назначить ему наказание в виде {first_clause}.")
        paras.append(
            "На основании ст. 70 УК РФ по совокупности приговоров путем частичного "
            "присоединения к назначенному наказанию неотбытой части наказания по приговору "
            f"от ДД.ММ.ГГГГ окончательно назначить {who} наказание в виде {clause}{suffix}."
        )
    elif several:
        paras.append(f"{opening}, и назначить ему наказание:")
        for i, art in enumerate(arts):
            part = _count_clause(p, style, rng, len(arts) - i)
            end = ";" if i + 1 < len(arts) else "."
            paras.append(f"- по {art} УК РФ в виде {part}{end}")
        paras.append(
            "На основании ч. 3 ст. 69 УК РФ по совокупности преступлений путем частичного "
            f"сложения наказаний окончательно назначить {who} наказание в виде {clause}{suffix}."
        )
    else:
        paras.append(f"{opening}, и назначить ему наказание в виде {clause}{suffix}.")
    paras += [s.replace("{who}", who) for s in extra + susp]
    return paras


def _count_clause(p: SimPunishment, style: _Style, rng: random.Random, k: int) -> str:
    """The punishment for one count before aggregation: the same kind, less of it."""
    if p.kind == "fine" or (p.kind == "suspended" and p.base_kind == "fine"):
        assert p.fine_rub is not None
        return f"штрафа в размере {_num(max(5_000, p.fine_rub // 2 // 1000 * 1000), style)} рублей"
    kind = p.base_kind if p.kind == "suspended" and p.base_kind else p.kind
    if p.replaced:
        kind = "imprisonment"
    assert p.term_months is not None
    term = max(2, p.term_months - 2 * k - rng.randint(0, 2))
    if kind == "restriction_of_service":
        assert p.deduction_percent is not None
        return (
            _with_term(_KIND_GEN[kind], term, style)
            + f" с удержанием {p.deduction_percent} % из денежного довольствия в доход государства"
        )
    return _with_term(_KIND_GEN[kind], term, style)


def _mask(names: Sequence[str], style: _Style) -> list[str]:
    """How the court depersonalised each defendant: initials in a FIO span, or ФИО1…"""
    if style.initials:
        initials = ["".join(w[0] + "." for w in n.split()) for n in names]
        if len(set(initials)) == len(initials):
            return initials
    return [f"ФИО{i}" for i in range(1, len(names) + 1)]


def operative_paragraphs(
    case: Case, rng: random.Random, style: _Style
) -> tuple[list[str], list[str]]:
    """(labels, operative paragraphs after ПРИГОВОРИЛ)."""
    labels = _mask([d.name for d in case.defendants], style)
    ps = case.punishments
    paras: list[str] = []
    same = (
        len(ps) > 1
        and len(set(ps)) == 1
        and ps[0].kind in ("imprisonment", "suspended")
        and not ps[0].combined_with_previous
        and not ps[0].replaced
        and len({tuple(d.articles) for d in case.defendants}) == 1
        and len(case.defendants[0].articles) == 1
        and rng.random() < 0.6
    )
    if same:
        # «Признать ФИО1 и ФИО2 виновными … назначить каждому из них …»
        who = (
            " и ".join(labels) if len(labels) == 2 else ", ".join(labels[:-1]) + " и " + labels[-1]
        )
        art = legal_article(case.defendants[0].articles[0])
        clause, extra = _main_clause(ps[0], style, rng)
        suffix, susp = _suspension(ps[0], style) if ps[0].kind == "suspended" else ("", [])
        paras.append(
            f"Признать {who} виновными в совершении преступления, предусмотренного {art} УК РФ, "
            f"и назначить каждому из них наказание в виде {clause}{suffix}."
        )
        paras += [s.replace("{who}", who) for s in extra + susp]
    else:
        for label, d, p in zip(labels, case.defendants, ps, strict=True):
            paras += _defendant_paragraphs(label, d.articles, p, style, rng)
    everyone = " и ".join(labels)
    paras += [
        f"Меру пресечения в отношении {everyone} до вступления приговора в законную силу "
        "оставить без изменения.",
        "Процессуальные издержки в размере "
        f"{_num(rng.randrange(1_560, 24_000, 10), style)} рублей, выплаченные адвокату за "
        "оказание юридической помощи по назначению, взыскать с осужденного в доход "
        "федерального бюджета.",
        "Вещественные доказательства по вступлении приговора в законную силу хранить при "
        "уголовном деле.",
        "Приговор может быть обжалован в апелляционном порядке в течение 15 суток со дня его "
        "постановления.",
    ]
    return labels, paras


def _masked(text: str, labels: Sequence[str]) -> str:
    """HTML with each label in a FIO span, as the site's depersonalisation marks it."""
    out = escape(text, quote=False)
    for i, label in enumerate(labels, start=1):
        out = out.replace(escape(label), f'<span class="FIO{i}">{escape(label)}</span>')
    return out


def render_act_html(case: Case, court_name: str) -> str:
    """The act's HTML body (paragraphs), deterministic per case."""
    rng = random.Random(case.act_seed or case.case_id)
    style = _style(rng)
    labels, operative = operative_paragraphs(case, rng, style)
    arts = "; ".join(
        ", ".join(legal_article(r) for r in d.articles) + " УК РФ" for d in case.defendants
    )
    decided = case.decision_date.strftime("%d.%m.%Y") if case.decision_date else ""
    heading = "П Р И Г О В О Р И Л :" if style.spaced_heading else "ПРИГОВОРИЛ:"
    who = " и ".join(labels)
    head = [
        ("right", f"дело № {case.case_number}"),
        ("center", "ПРИГОВОР"),
        ("center", "ИМЕНЕМ РОССИЙСКОЙ ФЕДЕРАЦИИ"),
        ("justify", f"{decided} {court_name} в составе председательствующего судьи "
                    f"{case.judge}, при секретаре судебного заседания ФИО{len(labels) + 1}, "
                    f"с участием государственного обвинителя ФИО{len(labels) + 2}, "
                    f"защитника – адвоката ФИО{len(labels) + 3},"),
        ("justify", "рассмотрев в открытом судебном заседании уголовное дело в отношении "
                    f"военнослужащего войсковой части <данные изъяты> {who}, "
                    "ДД.ММ.ГГГГ года рождения, уроженца <адрес>, обвиняемого в совершении "
                    f"преступления, предусмотренного {arts},"),
        ("center", "УСТАНОВИЛ:"),
        ("justify", f"{who} без уважительных причин не явился в срок на службу в войсковую "
                    "часть <данные изъяты> и проводил время по своему усмотрению до "
                    "ДД.ММ.ГГГГ. Подсудимый вину признал. Санкция статьи предусматривает "
                    "наказание в виде лишения свободы на срок до десяти лет."),
        ("justify", "Руководствуясь ст. 307-309 УПК РФ, суд"),
        ("center", heading),
    ]  # fmt: skip
    paras = [(align, text) for align, text in head] + [("justify", t) for t in operative]
    paras.append(("justify", f"Председательствующий {case.judge}"))
    return "".join(
        f'<p style="TEXT-ALIGN: {align}; TEXT-INDENT: 0.5in">{_masked(text, labels)}</p>'
        for align, text in paras
    )


def punishments_truth(case: Case) -> list[dict[str, Any]]:
    return [p.as_dict() for p in case.punishments]

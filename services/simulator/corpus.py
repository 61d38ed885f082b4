"""The deterministic corpus: every court's criminal docket, generated from a seed.

Generation runs in stages, each with its own random stream so that changing one stage
does not reshuffle the others:

1. receipts: refusal cases month by month until the month's *visible on the calibration
   date* quota is met (cases that would only appear later are kept as well), plus
   background cases (other chapter-33 articles and ordinary crimes);
2. outcomes: decision lag, publication lag, entry into force, then the exact calibration
   repairs (how many decisions are visible on 27 Dec 2024, which are not verdicts, the
   monthly verdict points);
3. articles: refusal article sets by exact quotas, parts by date (mobilisation parts only
   after 24 Sep 2022), extra articles, co-defendants;
4. links: returned-to-prosecutor cases re-received at the same court, transferred cases
   received at another court;
5. numbering: `1-N/YYYY` per court and year in receipt order, case_id, case_uid, judges.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from docketwatch.settings import COUNT_SINCE

from . import calibration as cal
from .acts import assign_acts
from .appeals import Appeal, build_appeals
from .articles import MOBILISATION_PARTS, ArticleRef
from .courts import Court, load_courts
from .model import TERMINATION_GROUNDS, Case, CaseView, Defendant
from .names import full_name, judges_for
from .workdays import Calendar

DEFAULT_START = COUNT_SINCE
DEFAULT_END = date(2024, 12, 31)
MOBILISATION_DATE = date(2022, 9, 24)

# Regions where reporting says art. 332 is used most (Kamchatka, Sakhalin, Primorye,
# Zabaikalye, Kaliningrad), by seat region code.
REMOTE_332_REGIONS = frozenset({"41", "65", "25", "75", "39", "87"})
# Frontline and big-garrison courts get more cases; the rest is a seeded log-normal spread.
HEAVY_COURTS: dict[str, float] = {
    "61GV0001": 6.0, "61GV0004": 3.5, "61GV0018": 3.0, "61GV0019": 2.5, "61GV0016": 3.0,
    "61GV0006": 2.5, "61GV0002": 2.5, "77GV0012": 3.0, "77GV0020": 3.0, "77GV0018": 2.5,
    "77GV0001": 2.5, "77GV0005": 2.0, "78GV0001": 2.5, "66GV0001": 2.0, "54GV0001": 2.0,
    "25GV0001": 2.0, "27GV0001": 2.0, "75GV0001": 2.0, "63GV0001": 1.8, "39GV0001": 1.8,
}  # fmt: skip
LIGHT_REGION = "95"  # garrison courts outside Russia

BACKGROUND_MILITARY: tuple[tuple[str, str | None, str | None], ...] = (
    ("334", "1", None), ("334", "2", "а"), ("335", "1", None), ("335", "2", "в"),
    ("339", "1", None), ("339", "2.1", None), ("340", "1", None), ("346", "1", None),
    ("347", "1", None), ("348", None, None), ("350", "1", None), ("352", None, None),
    ("344.1", None, None), ("336", "1", None),
)  # fmt: skip
BACKGROUND_ORDINARY: tuple[tuple[str, str | None, str | None], ...] = (
    ("158", "2", "в"), ("158", "3", "г"), ("159", "3", None), ("159", "4", None),
    ("160", "3", None), ("228", "1", None), ("228", "2", None), ("228.1", "4", "г"),
    ("264", "1", None), ("264", "2", "а"), ("264.1", "1", None), ("111", "1", None),
    ("222", "1", None), ("286", "3", "а"), ("290", "3", None), ("291", "3", None),
    ("285", "1", None), ("112", "1", None), ("105", "1", None), ("226", "1", None),
)  # fmt: skip
# District courts try terrorism and treason at first instance, as on the 2ZOVS fixture.
DISTRICT_ARTICLES: tuple[tuple[str, str | None, str | None], ...] = (
    ("205.1", "1.1", None), ("205.2", "2", None), ("205.5", "2", None), ("275", None, None),
    ("205.4", "2", None), ("280.4", "2", "а,в"), ("205", "2", "а"), ("276", None, None),
)  # fmt: skip
BACKGROUND_CLASSES: tuple[tuple[str, float], ...] = (
    ("verdict", 0.88), ("terminated", 0.07), ("returned_to_prosecutor", 0.02),
    ("transferred", 0.01), ("other_ruling", 0.015), ("medical_measures", 0.005),
)  # fmt: skip
ORGANIC_REFUSAL_CLASSES: tuple[tuple[str, float], ...] = (
    ("verdict", 0.988), ("terminated", 0.005), ("returned_to_prosecutor", 0.003),
    ("transferred", 0.002), ("other_ruling", 0.002),
)  # fmt: skip


@dataclass
class Corpus:
    seed: int
    start: date
    end: date
    scale: float
    courts: list[Court]
    cases: list[Case]
    calibrated: bool
    by_court: dict[str, list[Case]] = field(default_factory=dict)
    by_uid: dict[str, Case] = field(default_factory=dict)
    court_by_vnkod: dict[str, Court] = field(default_factory=dict)
    _views: dict[date, dict[str, list[CaseView]]] = field(default_factory=dict, repr=False)
    # The reviews of the verdicts (services/simulator/appeals.py), newest first per court.
    appeals: list[Appeal] = field(default_factory=list)
    appeals_by_court: dict[str, list[Appeal]] = field(default_factory=dict)
    appeal_by_uid: dict[str, Appeal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_court: dict[str, list[Case]] = {c.vnkod: [] for c in self.courts}
        for case in self.cases:
            by_court[case.court].append(case)
        for lst in by_court.values():
            # The site lists newest first; same-day cases by case number, highest first.
            lst.sort(key=_newest_first_key)
        self.by_court = by_court
        self.by_uid = {c.case_uid: c for c in self.cases}
        self.court_by_vnkod = {c.vnkod: c for c in self.courts}
        by_review: dict[str, list[Appeal]] = defaultdict(list)
        for a in self.appeals:
            by_review[a.court].append(a)
        for reviews in by_review.values():
            reviews.sort(key=lambda a: (a.receipt_date, a.case_id), reverse=True)
        self.appeals_by_court = dict(by_review)
        self.appeal_by_uid = {a.case_uid: a for a in self.appeals}

    def court(self, vnkod: str) -> Court | None:
        return self.court_by_vnkod.get(vnkod)

    def visible(self, as_of: date) -> dict[str, list[CaseView]]:
        """Each court's docket as its site shows it on `as_of`, newest first."""
        views = self._views.get(as_of)
        if views is None:
            views = {}
            for vnkod, cases in self.by_court.items():
                shown = [v for v in (c.view(as_of) for c in cases) if v is not None]
                views[vnkod] = shown
            # A live clock only moves forward, so a few recent dates are all worth keeping.
            if len(self._views) >= 4:
                self._views.pop(next(iter(self._views)))
            self._views[as_of] = views
        return views

    def visible_cases(self, as_of: date) -> list[CaseView]:
        return [v for lst in self.visible(as_of).values() for v in lst]


def _newest_first_key(case: Case) -> tuple[int, int]:
    return (-case.receipt_date.toordinal(), -_number_of(case.case_number))


def _number_of(case_number: str) -> int:
    head = case_number.split("/", 1)[0]
    return int(head.rsplit("-", 1)[-1]) if head else 0


# --------------------------------------------------------------------------- helpers


def _stream(seed: int, name: str) -> random.Random:
    # String seeds hash with SHA-512 in CPython, stable across runs and platforms.
    return random.Random(f"docketwatch-sim:{seed}:{name}")


def _months(start: date, end: date) -> list[tuple[str, date, date]]:
    out: list[tuple[str, date, date]] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        first = date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append((f"{y:04d}-{m:02d}", max(first, start), min(nxt - timedelta(days=1), end)))
        y, m = nxt.year, nxt.month
    return out


def _scaled_quotas(raw: dict[str, int], scale: float) -> dict[str, int]:
    """Scale monthly counts keeping the total exact up to rounding (largest remainder)."""
    if scale == 1.0:
        return dict(raw)
    exact = {k: v * scale for k, v in raw.items()}
    out = {k: math.floor(x) for k, x in exact.items()}
    short = round(sum(exact.values())) - sum(out.values())
    for k in sorted(exact, key=lambda k: (out[k] - exact[k], k))[: max(short, 0)]:
        out[k] += 1
    return out


def _weighted_pick(rng: random.Random, items: Sequence[tuple[str, float]]) -> str:
    x = rng.random() * sum(w for _, w in items)
    for name, w in items:
        x -= w
        if x <= 0:
            return name
    return items[-1][0]


def _sample_weighted(
    rng: random.Random, pool: Sequence[Case], k: int, weight: Callable[[Case], float]
) -> list[Case]:
    """k distinct cases, probability proportional to weight (Efraimidis-Spirakis keys)."""
    if k <= 0 or not pool:
        return []
    keyed = sorted(pool, key=lambda c: -(rng.random() ** (1.0 / max(weight(c), 1e-9))))
    return keyed[:k]


def _lag(rng: random.Random, kind: str) -> int:
    """Calendar days; mixtures chosen so that recent months are visibly incomplete."""
    u = rng.random()
    if kind == "publish":  # receipt -> the row appears on the site
        if u < 0.45:
            return 0
        if u < 0.70:
            return rng.randint(1, 3)
        if u < 0.90:
            return rng.randint(4, 14)
        return rng.randint(15, 45)
    if kind == "decide":  # receipt -> decision (military courts are fast)
        return max(6, min(400, round(rng.lognormvariate(math.log(33), 0.55))))
    if kind == "publish_decision":  # decision -> the result shows in the list
        if u < 0.40:
            return rng.randint(0, 2)
        if u < 0.75:
            return rng.randint(3, 14)
        if u < 0.95:
            return rng.randint(15, 45)
        return rng.randint(46, 120)
    raise ValueError(kind)


# --------------------------------------------------------------------------- stage 1


def _court_weights(courts: Sequence[Court], seed: int) -> dict[str, float]:
    rng = _stream(seed, "court-weights")
    out: dict[str, float] = {}
    for c in courts:
        w = HEAVY_COURTS.get(c.vnkod, 1.0) * rng.lognormvariate(0.0, 0.45)
        if c.seat_region_code == LIGHT_REGION:
            w *= 0.25
        if c.issue == "INACTIVE_COURT":
            w *= 0.3
        out[c.vnkod] = w
    return out


class _Builder:
    def __init__(
        self, seed: int, start: date, end: date, courts: list[Court], scale: float
    ) -> None:
        self.seed = seed
        self.start = start
        self.end = end
        self.courts = courts
        self.scale = scale
        self.cal = Calendar(start.year, max(end.year, cal.CALIBRATION_DATE.year) + 2)
        self.cases: list[Case] = []
        garrison = [c for c in courts if c.type == "GV"]
        district = [c for c in courts if c.type == "OV"]
        # A roster without garrison courts (a test may pass only district courts) still
        # gets refusal cases, on whatever first-instance courts it has.
        self.refusal_courts = garrison or district or list(courts)
        self.district_courts = district
        weights = _court_weights(courts, seed)
        self.weights = weights
        self.remote = {c.vnkod for c in courts if c.seat_region_code in REMOTE_332_REGIONS}
        self.calibrated = start <= date(2022, 3, 1) and end >= cal.CALIBRATION_DATE

    def _court_picker(self, courts: Sequence[Court]) -> Callable[[random.Random], str]:
        names = [c.vnkod for c in courts]
        cum: list[float] = []
        total = 0.0
        for n in names:
            total += self.weights[n]
            cum.append(total)

        def pick(rng: random.Random) -> str:
            return names[min(bisect.bisect_left(cum, rng.random() * total), len(names) - 1)]

        return pick

    def receipts(self) -> None:
        rng = _stream(self.seed, "receipts")
        months = _months(self.start, self.end)
        raw = {m: cal.REFUSAL_RECEIVED.get(m, 0) for m, _, _ in months}
        cal_month = cal.CALIBRATION_DATE.strftime("%Y-%m")
        for m, _, _ in months:
            if m > cal_month:
                raw[m] = cal.REFUSAL_RECEIVED_AFTER
        # Partial months (a custom start or end) get their share of working days.
        for m, first, last in months:
            full = _months(date(int(m[:4]), int(m[5:]), 1), _month_end(m))[0]
            share = len(self.cal.between(first, last)) / max(
                1, len(self.cal.between(full[1], full[2]))
            )
            raw[m] = round(raw[m] * share)
        quotas = _scaled_quotas(raw, self.scale)
        pick_refusal = self._court_picker(self.refusal_courts)
        pick_background = self._court_picker(self.refusal_courts)
        pick_district = self._court_picker(self.district_courts) if self.district_courts else None
        for m, first, last in months:
            days = self.cal.between(first, last)
            if not days:
                continue
            visible_quota = m <= cal_month
            counted = 0
            attempts = 0
            while counted < quotas[m] and attempts < quotas[m] * 50 + 100:
                attempts += 1
                received = rng.choice(days)
                published = self.cal.on_or_after(received + timedelta(days=_lag(rng, "publish")))
                case = Case(
                    court=pick_refusal(rng),
                    receipt_date=received,
                    published_at=published,
                    defendants=(),
                    kind="refusal",
                    order=rng.random(),
                )
                self.cases.append(case)
                if not visible_quota or published <= cal.CALIBRATION_DATE:
                    counted += 1
            # Background volume follows the refusal wave loosely: garrison courts also try
            # violence against superiors, evasion, theft, drugs and traffic deaths.
            n_bg = round(self.scale * (60 + 0.35 * raw[m]))
            for _ in range(n_bg):
                received = rng.choice(days)
                to_district = pick_district is not None and rng.random() < 0.12
                court = (
                    pick_district(rng) if pick_district and to_district else pick_background(rng)
                )
                self.cases.append(
                    Case(
                        court=court,
                        receipt_date=received,
                        published_at=self.cal.on_or_after(
                            received + timedelta(days=_lag(rng, "publish"))
                        ),
                        defendants=(),
                        kind="district" if to_district else "background",
                        order=rng.random(),
                    )
                )

    # ----------------------------------------------------------------------- stage 2

    def _decide(self, case: Case, rng: random.Random, klass: str) -> None:
        decided = self.cal.on_or_after(case.receipt_date + timedelta(days=_lag(rng, "decide")))
        case.decision_date = decided
        case.decision_published_at = self.cal.on_or_after(
            decided + timedelta(days=_lag(rng, "publish_decision"))
        )
        self._set_class(case, rng, klass)

    def _set_class(self, case: Case, rng: random.Random, klass: str) -> None:
        assert case.decision_date is not None and case.decision_published_at is not None
        case.decision_class = klass
        case.decision_ground = rng.choice(TERMINATION_GROUNDS) if klass == "terminated" else None
        # 15 days for appeal; about a quarter are appealed and take months longer.
        appeal = 16 if rng.random() < 0.75 else rng.randint(45, 130)
        case.entry_into_force = case.decision_date + timedelta(days=appeal)
        case.act_published_at = (
            case.decision_published_at + timedelta(days=rng.randint(5, 60))
            if klass == "verdict" and rng.random() < 0.85
            else None
        )

    def outcomes(self) -> None:
        rng = _stream(self.seed, "outcomes")
        for case in self.cases:
            table = ORGANIC_REFUSAL_CLASSES if case.kind == "refusal" else BACKGROUND_CLASSES
            self._decide(case, rng, _weighted_pick(rng, table))
        if self.calibrated:
            self._calibrate_decisions(rng)

    def _visible_refusal(self) -> list[Case]:
        return [
            c for c in self.cases if c.kind == "refusal" and c.published_at <= cal.CALIBRATION_DATE
        ]

    def _calibrate_decisions(self, rng: random.Random) -> None:
        cd = cal.CALIBRATION_DATE
        s = self.scale
        n_sentenced = round(cal.SENTENCED_TOTAL * s)
        n_other = {k: round(v * s) for k, v in cal.OTHER_DECISIONS.items()}
        target = n_sentenced + sum(n_other.values())
        visible = self._visible_refusal()

        def shown(c: Case) -> bool:
            return c.decision_published_at is not None and c.decision_published_at <= cd

        decided = [c for c in visible if shown(c)]
        pending = [c for c in visible if not shown(c)]
        if len(decided) > target:
            # Push the latest-published decisions past the calibration date.
            decided.sort(key=lambda c: (c.decision_published_at, c.order), reverse=True)
            for c in decided[: len(decided) - target]:
                c.decision_published_at = self.cal.on_or_after(
                    cd + timedelta(days=rng.randint(1, 30))
                )
            decided = decided[len(decided) - target :]
        elif len(decided) < target:
            pending.sort(key=lambda c: (c.decision_published_at or cd, c.order))
            moved = pending[: target - len(decided)]
            for c in moved:
                pub = self.cal.on_or_before(cd - timedelta(days=rng.randint(0, 5)))
                pub = max(pub, c.receipt_date)
                assert c.decision_date is not None
                if c.decision_date > pub:
                    c.decision_date = max(
                        c.receipt_date,
                        self.cal.on_or_before(pub - timedelta(days=rng.randint(0, 3))),
                    )
                c.decision_published_at = pub
            decided += moved
        # The non-verdict decisions, then everything else shown is a verdict.
        rest = list(decided)
        rng.shuffle(rest)
        i = 0
        for klass, n in sorted(n_other.items()):
            for c in rest[i : i + n]:
                self._set_class(c, rng, klass)
            i += n
        for c in rest[i:]:
            if c.decision_class != "verdict":
                self._set_class(c, rng, "verdict")
        for month, n in sorted(cal.SENTENCED_BY_MONTH.items()):
            self._force_monthly_verdicts(rng, month, round(n * s))

    def _force_monthly_verdicts(self, rng: random.Random, month: str, n: int) -> None:
        """Shift decision dates across the month's edges until exactly n verdicts fall in it."""
        cd = cal.CALIBRATION_DATE
        first = date(int(month[:4]), int(month[5:]), 1)
        last = _month_end(month)
        days = self.cal.between(first, last)
        shown = [
            c
            for c in self._visible_refusal()
            if c.decision_class == "verdict"
            and c.decision_published_at is not None
            and c.decision_published_at <= cd
            and c.decision_date is not None
        ]
        inside = [c for c in shown if first <= c.decision_date <= last]  # type: ignore[operator]
        if len(inside) > n:
            inside.sort(key=lambda c: (c.decision_date, c.order), reverse=True)
            for c in inside[: len(inside) - n]:
                new = self.cal.add(last + timedelta(days=1), rng.randint(0, 6))
                self._move_decision(c, new)
        elif len(inside) < n:
            after = [
                c
                for c in shown
                if c.decision_date > last and c.receipt_date <= days[-1]  # type: ignore[operator]
            ]
            after.sort(key=lambda c: (c.decision_date, c.order))
            for c in after[: n - len(inside)]:
                options = [d for d in days if d >= c.receipt_date]
                self._move_decision(c, rng.choice(options))

    def _move_decision(self, case: Case, new: date) -> None:
        assert case.decision_date is not None and case.decision_published_at is not None
        shift = new - case.decision_date
        case.decision_date = new
        if case.decision_published_at < new:
            case.decision_published_at = new
        if case.entry_into_force is not None:
            case.entry_into_force += shift

    # ----------------------------------------------------------------------- stage 3

    def articles(self) -> None:
        rng = _stream(self.seed, "articles")
        refusal = [c for c in self.cases if c.kind == "refusal"]
        sets: dict[int, frozenset[str]] = {}
        if self.calibrated:
            sets = self._calibrated_sets(rng, refusal)
        for c in refusal:
            key = sets.get(id(c))
            if key is None:
                key = self._organic_set(rng, c)
            c.defendants = self._refusal_defendants(rng, c, key)
        for c in self.cases:
            if c.kind == "background":
                c.defendants = self._background_defendants(rng, c, BACKGROUND_MILITARY)
            elif c.kind == "district":
                c.defendants = self._background_defendants(rng, c, DISTRICT_ARTICLES)

    def _weight_332(self, c: Case) -> float:
        return 4.0 if c.court in self.remote else 1.0

    def _organic_set(self, rng: random.Random, c: Case) -> frozenset[str]:
        u = rng.random()
        p332 = 0.065 * (2.5 if c.court in self.remote else 0.85)
        if u < 0.006:
            return frozenset({"337", "338"})
        if u < 0.010:
            return frozenset({"332", "337"})
        if u < 0.010 + p332:
            return frozenset({"332"})
        if u < 0.010 + p332 + 0.043:
            return frozenset({"338"})
        return frozenset({"337"})

    def _calibrated_sets(
        self, rng: random.Random, refusal: list[Case]
    ) -> dict[int, frozenset[str]]:
        cd = cal.CALIBRATION_DATE
        s = self.scale
        out: dict[int, frozenset[str]] = {}
        visible = [c for c in refusal if c.published_at <= cd]
        may = [c for c in visible if c.receipt_date.strftime("%Y-%m") == cal.MAY_2024]
        may_ids = {id(c) for c in may}

        def sentenced(c: Case) -> bool:
            return (
                c.decision_class == "verdict"
                and c.decision_published_at is not None
                and c.decision_published_at <= cd
            )

        # May 2024 first: one article per case, by the reported split.
        pool = list(may)
        for art in ("332", "338"):
            weight = self._weight_332 if art == "332" else (lambda c: 1.0)
            for c in _sample_weighted(rng, pool, round(cal.MAY_2024_BY_ARTICLE[art] * s), weight):
                out[id(c)] = frozenset({art})
            pool = [c for c in pool if id(c) not in out]
        for c in pool:
            out[id(c)] = frozenset({"337"})

        def used(group: Iterable[Case], art: str) -> int:
            return sum(1 for c in group if id(c) in out and art in out[id(c)])

        # Sentenced: the two-article pairs, then single 332 and 338, the rest 337.
        sent = [c for c in visible if sentenced(c)]
        sent_free = [c for c in sent if id(c) not in may_ids]
        for pair, n in sorted(cal.SENTENCED_PAIRS.items(), key=lambda kv: sorted(kv[0])):
            weight = self._weight_332 if "332" in pair else (lambda c: 1.0)
            for c in _sample_weighted(rng, sent_free, round(n * s), weight):
                out[id(c)] = pair
            sent_free = [c for c in sent_free if id(c) not in out]
        for art in ("332", "338"):
            k = round(cal.SENTENCED_BY_ARTICLE[art] * s) - used(sent, art)
            weight = self._weight_332 if art == "332" else (lambda c: 1.0)
            for c in _sample_weighted(rng, sent_free, k, weight):
                out[id(c)] = frozenset({art})
            sent_free = [c for c in sent_free if id(c) not in out]
        for c in sent_free:
            out[id(c)] = frozenset({"337"})
        # Visible but not sentenced: single articles so that the 332 and 338 received
        # totals since Feb 2022 come out exact.
        rest = [c for c in visible if id(c) not in out]
        for art in ("332", "338"):
            k = round(cal.RECEIVED_BY_ARTICLE[art] * s) - used(visible, art)
            weight = self._weight_332 if art == "332" else (lambda c: 1.0)
            for c in _sample_weighted(rng, rest, k, weight):
                out[id(c)] = frozenset({art})
            rest = [c for c in rest if id(c) not in out]
        for c in rest:
            out[id(c)] = frozenset({"337"})
        return out

    def _part(self, rng: random.Random, article: str, received: date) -> str:
        mobil = received >= MOBILISATION_DATE
        if article == "337":
            if mobil:
                return _weighted_pick(
                    rng, (("5", 0.70), ("3.1", 0.18), ("2.1", 0.07), ("4", 0.03), ("3", 0.02))
                )
            return _weighted_pick(rng, (("4", 0.45), ("3", 0.35), ("1", 0.20)))
        if article == "332":
            if mobil:
                return _weighted_pick(rng, (("2.1", 0.80), ("1", 0.10), ("2", 0.10)))
            return _weighted_pick(rng, (("1", 0.6), ("2", 0.4)))
        if mobil:
            return _weighted_pick(rng, (("2", 0.75), ("1", 0.25)))
        return "1"

    def _refusal_ref(self, rng: random.Random, article: str, received: date) -> ArticleRef:
        part = self._part(rng, article, received)
        assert received >= MOBILISATION_DATE or part not in MOBILISATION_PARTS[article]
        # Attempted desertion is charged now and then; attempted AWOL hardly ever.
        inchoate = "3" if rng.random() < (0.03 if article == "338" else 0.004) else None
        return ArticleRef(article, part, None, inchoate)

    def _refusal_defendants(
        self, rng: random.Random, c: Case, key: frozenset[str]
    ) -> tuple[Defendant, ...]:
        u = rng.random()
        n = 1 if u < 0.92 else (2 if u < 0.98 else 3)
        arts = sorted(key, key=lambda a: (a != "337", a))
        per: list[list[ArticleRef]] = [[] for _ in range(n)]
        if n > 1 and len(arts) > 1 and rng.random() < 0.5:
            # Co-defendants charged differently: together the case still has both articles.
            for i, art in enumerate(arts):
                per[i % n].append(self._refusal_ref(rng, art, c.receipt_date))
            for i in range(len(arts), n):
                per[i].append(self._refusal_ref(rng, arts[0], c.receipt_date))
        else:
            for i in range(n):
                for art in arts:
                    per[i].append(self._refusal_ref(rng, art, c.receipt_date))
        if rng.random() < 0.06:
            extra = rng.choice(BACKGROUND_ORDINARY + BACKGROUND_MILITARY[:4])
            per[0].append(ArticleRef(*extra))
        return tuple(Defendant(full_name(rng), tuple(refs)) for refs in per)

    def _background_defendants(
        self,
        rng: random.Random,
        c: Case,
        military: tuple[tuple[str, str | None, str | None], ...],
    ) -> tuple[Defendant, ...]:
        n = 1 if rng.random() < 0.9 else rng.randint(2, 3)
        pool = military if c.kind == "district" or rng.random() < 0.45 else BACKGROUND_ORDINARY
        main = rng.choice(pool)
        out: list[Defendant] = []
        for _ in range(n):
            refs = [ArticleRef(*main)]
            if rng.random() < 0.03:
                refs[0] = ArticleRef(main[0], main[1], main[2], "3")
            if rng.random() < 0.15:
                refs.append(ArticleRef(*rng.choice(BACKGROUND_ORDINARY)))
            out.append(Defendant(full_name(rng), tuple(refs)))
        return tuple(out)

    # ----------------------------------------------------------------------- stage 4

    def links(self) -> None:
        """Give returned and transferred cases a later docket entry that continues them."""
        rng = _stream(self.seed, "links")
        by_key: dict[tuple[str, frozenset[str]], list[Case]] = defaultdict(list)
        for c in self.cases:
            by_key[(c.kind, c.refusal_articles)].append(c)
        for lst in by_key.values():
            lst.sort(key=lambda c: (c.receipt_date, c.order))
        taken: set[int] = set()
        originals = sorted(
            (
                c
                for c in self.cases
                if c.decision_class in ("returned_to_prosecutor", "transferred")
            ),
            key=lambda c: (c.decision_date, c.order),
        )
        for orig in originals:
            assert orig.decision_date is not None
            lo = orig.decision_date + timedelta(days=10)
            hi = orig.decision_date + timedelta(days=90)
            same_court = orig.decision_class == "returned_to_prosecutor"
            pool = by_key[(orig.kind, orig.refusal_articles)]
            window = pool[
                bisect.bisect_left(pool, lo, key=lambda c: c.receipt_date) : bisect.bisect_right(
                    pool, hi, key=lambda c: c.receipt_date
                )
            ]
            candidates = [
                c
                for c in window
                if True
                and id(c) not in taken
                and c is not orig
                and c.origin_kind is None
                and (c.court == orig.court) == same_court
            ]
            if not candidates:
                continue
            succ = rng.choice(candidates)
            taken.add(id(succ))
            succ.defendants = orig.defendants
            succ.origin_kind = "re_received" if same_court else "transferred_in"
            succ.origin_uid = str(id(orig))  # replaced by the real case_uid once numbered

    # ----------------------------------------------------------------------- stage 5

    def numbering(self) -> None:
        rng = _stream(self.seed, "numbering")
        judges = {c.vnkod: judges_for(rng, rng.randint(3, 8)) for c in self.courts}
        for c in self.cases:
            c.case_uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        by_court: dict[str, list[Case]] = defaultdict(list)
        for c in self.cases:
            by_court[c.court].append(c)
        for vnkod in sorted(by_court):
            lst = sorted(by_court[vnkod], key=lambda c: (c.receipt_date, c.order))
            case_id = rng.randint(1_000_000, 3_000_000)
            counters: dict[int, int] = defaultdict(int)
            serials: dict[int, int] = defaultdict(int)
            for c in lst:
                year = c.receipt_date.year
                # Gaps: not every criminal case is published (262-FZ), so numbers skip.
                counters[year] += 1 + (rng.randint(1, 3) if rng.random() < 0.04 else 0)
                c.case_number = f"1-{counters[year]}/{year}"
                case_id += rng.randint(1, 400)
                c.case_id = case_id
                c.judge = rng.choice(judges[vnkod])
                c.judicial_uid, serials[year] = _judicial_uid(vnkod, year, counters[year], rng,
                                                              serials[year])
        uid_of = {str(id(c)): c.case_uid for c in self.cases}
        originals = {str(id(c)): c for c in self.cases}
        for c in self.cases:
            if c.origin_uid is not None:
                orig = originals[c.origin_uid]
                c.origin_uid = uid_of[c.origin_uid]
                if c.origin_kind == "re_received":
                    # A returned case keeps its unique judicial identifier when it comes back.
                    c.judicial_uid = orig.judicial_uid

    # ----------------------------------------------------------------------- stage 6

    def acts(self) -> None:
        """Punishments and act publication of every verdict, on a stream of its own and
        after every calibration repair, so that no calibrated figure can move."""
        assign_acts(self.cases, _stream(self.seed, "acts"), self.cal.on_or_after)


def _month_end(month: str) -> date:
    y, m = int(month[:4]), int(month[5:])
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def _judicial_uid(vnkod: str, year: int, n: int, rng: random.Random,
                  previous: int = 0) -> tuple[str, int]:
    """``61GV0001-01-2024-000123-45``: court, instance, year, serial, two check digits; and
    the serial. Serials only grow within a court's year, so no two cases share a УИД
    (appeals link by it; a case returned to the prosecutor keeps its own when it comes
    back, see numbering).

    The real check is mod-97 over the digits; its exact input is not documented in the
    fixtures, so the digits here are only shaped right.
    """
    serial = max(previous + 1, n + rng.randint(0, 50))
    body = f"{vnkod}-01-{year}-{serial:06d}"
    digits = "".join(ch for ch in body if ch.isdigit())
    check = 98 - (int(digits) * 100) % 97
    return f"{body}-{check:02d}", serial


def build_corpus(
    seed: int = 1,
    start: date = DEFAULT_START,
    end: date = DEFAULT_END,
    courts: list[Court] | None = None,
    scale: float = 1.0,
    removal_rate: float = 0.0,
) -> Corpus:
    """The whole corpus for one seed; the same arguments always give the same bytes.

    ``removal_rate``: the share of cases the site takes down some time after publishing
    them (off by default: the calibrated figures count what the site shows).
    """
    roster = list(courts) if courts is not None else load_courts()
    first_instance = [c for c in roster if c.first_instance] or roster
    b = _Builder(seed, start, end, first_instance, scale)
    b.receipts()
    b.outcomes()
    b.articles()
    b.links()
    b.numbering()
    b.acts()
    if removal_rate > 0:
        remove_some(b.cases, seed, removal_rate)
    return Corpus(
        seed=seed,
        start=start,
        end=end,
        scale=scale,
        courts=roster,
        cases=b.cases,
        calibrated=b.calibrated,
        appeals=build_appeals(seed, b.cases, {c.vnkod: c.name for c in roster}),
    )


def remove_some(cases: list[Case], seed: int, rate: float) -> None:
    """Take a ``rate`` share of cases off the site 7–186 days after publication.

    Drawn from a hash of (seed, case_uid) rather than the builder's random stream, so that
    switching removals on leaves every other byte of the corpus as it was.
    """
    for c in cases:
        digest = hashlib.blake2b(f"{seed}:removal:{c.case_uid}".encode(), digest_size=8).digest()
        draw = int.from_bytes(digest, "big")
        if (draw % 1_000_000) / 1_000_000 < rate:
            c.removed_at = c.published_at + timedelta(days=7 + (draw >> 32) % 180)

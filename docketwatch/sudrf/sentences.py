"""Sentences from the text of a judicial act (tab СУДЕБНЫЕ АКТЫ, or ``name_op=doc``).

Only the operative part of a verdict is read (after ``ПРИГОВОРИЛ:``). It is split into
sentences, the sentences into one group per defendant (each group opens with a guilty
finding, ``Признать ФИО1 виновным …``, or an acquittal), and each group is read as:

* *assignments* — ``назначить … наказание в виде лишения свободы на срок 2 года``; with
  several counts only the aggregate (``окончательно назначить …``) is the punishment;
* *replacement* — ``на основании ст. 55 УК РФ … заменить содержанием в дисциплинарной
  воинской части на тот же срок``;
* *suspension* — ``на основании ст. 73 УК РФ … считать условным с испытательным сроком …``;
* *combination* with an earlier sentence — art. 70, part 5 of art. 69, art. 74;
* the colony regime, wherever in the group it is stated.

Anything ambiguous — two punishments and no final one, digits and words that disagree, a
term in days, a punishment without its term — yields kind UNREADABLE with the text and the
reason kept for review; the reader never picks one reading over another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from docketwatch.contract import (
    ActStatus,
    Article,
    ColonyRegime,
    DefendantSentence,
    Punishment,
    PunishmentKind,
)

from ._html import parse_html
from .numbers_ru import (
    NUMBER,
    TERM,
    NumberError,
    money_rub,
    number_value,
    term_months,
)

# Raw texts kept on a record are capped: acts run to 50k characters and a Kafka record
# must stay far below its 1 MB limit. The operative part is rarely above 5k.
RAW_LIMIT = 20_000
# Beyond these an act is not read but kept for review (UNREADABLE, with the reason): a real
# operative part is a few thousand characters and names a handful of defendants, and the
# bounds keep the reader's work on a hostile page small (a label is searched for in every
# sentence of its act). A label is at most LABEL_LIMIT characters, as it always was for
# guilty findings.
MAX_OPERATIVE_CHARS = 100_000
MAX_DEFENDANTS = 100
LABEL_LIMIT = 120

K = PunishmentKind

# --------------------------------------------------------------------------- text helpers


def normalize(text: str) -> str:
    """Lower case, ё→е, nbsp→space, quotes unified; always the same length as ``text`` so
    positions found in the normalised text index the original."""
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        out.append(_CHAR_MAP.get(low, low))
    return "".join(out)


_CHAR_MAP = {"ё": "е", "\xa0": " ", "\u202f": " ", "„": "«", "“": "»", "”": "»", '"': "«"}


@dataclass(frozen=True, slots=True)
class _Sentence:
    orig: str
    norm: str


# A period ends a sentence when an upper-case letter or a quote follows and the word before
# it is not an abbreviation (ст., ч., п., г.) or an initial (И.И.).
_BOUNDARY = re.compile(r"(?<=\.)\s+(?=[А-ЯЁA-Z«\"])")
_ABBREV = frozenset({"ст", "ч", "п", "пп", "г", "гг", "т", "им", "ул", "д", "обл", "руб"})


def _split_sentences(text: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    for para in text.split("\n"):
        start = prev = 0
        for m in _BOUNDARY.finditer(para):
            # The word before the period lies after the previous boundary (each one ends
            # in whitespace): reading it from the sentence's start instead copied the whole
            # sentence at every abbreviation, quadratic on a paragraph of many.
            before = para[prev : m.start()].rstrip(".")
            prev = m.end()
            word = before.rsplit(None, 1)[-1] if before.strip() else ""
            if word.lower() in _ABBREV or "." in word or (len(word) == 1 and word.isalpha()):
                continue
            _add(out, para[start : m.start()])
            start = m.end()
        _add(out, para[start:])
    return out


def _add(out: list[_Sentence], text: str) -> None:
    text = " ".join(text.split())
    if text:
        out.append(_Sentence(text, normalize(text)))


# --------------------------------------------------------------------------- the act


@dataclass(frozen=True, slots=True)
class ActReading:
    """What one act says: its status, and for a verdict one sentence per defendant."""

    status: ActStatus
    sentences: tuple[DefendantSentence, ...]
    operative: str | None = None  # the operative part, as read

    @property
    def unreadable(self) -> int:
        """Defendants whose punishment could not be read (for the caller's metric)."""
        return sum(1 for s in self.sentences if s.punishment.kind is K.UNREADABLE)


def _spaced(word: str) -> str:
    # Headings are often typed with letter spacing: "П Р И Г О В О Р И Л :".
    return r"\s?".join(word)


_VERDICT_MARK = re.compile(rf"(?<![А-ЯЁ]){_spaced('ПРИГОВОРИЛ')}(?![А-ЯЁ])\s*:?")
_RULING_MARK = re.compile(
    rf"(?<![А-ЯЁ])(?:{_spaced('ПОСТАНОВИЛ')}|{_spaced('ОПРЕДЕЛИЛ')}|{_spaced('РЕШИЛ')})"
    r"(?![А-ЯЁ])\s*:?"
)
_VERDICT_TITLE = re.compile(rf"(?<![А-ЯЁ]){_spaced('ПРИГОВОР')}(?![А-ЯЁ])")


def read_act(act_text: str) -> ActReading:
    """Read an act's text (plain text, paragraphs on separate lines).

    * a verdict (``ПРИГОВОРИЛ``): status VERDICT, one :class:`DefendantSentence` per
      defendant, each UNREADABLE where its punishment cannot be read;
    * a ruling (``ПОСТАНОВИЛ``/``ОПРЕДЕЛИЛ``/``РЕШИЛ``, e.g. a termination with a court
      fine): status NOT_VERDICT and no sentences — its «штраф» is not a punishment;
    * anything else (empty, cut, a notice instead of the text): status UNREADABLE and one
      UNREADABLE sentence keeping the text, so that it is counted and reviewed.
    """
    text = act_text.replace("\r\n", "\n").replace("\r", "\n")
    last = None
    for last in _VERDICT_MARK.finditer(text):  # noqa: B007 - the last mark is wanted
        pass
    if last is not None:
        operative = text[last.end() :].strip()
        if len(operative) > MAX_OPERATIVE_CHARS:
            reason = (f"operative part of {len(operative)} characters, over the "
                      f"{MAX_OPERATIVE_CHARS} this reader takes")
            return ActReading(ActStatus.VERDICT, (_unreadable_sentence(1, operative, reason),),
                              operative)
        return ActReading(ActStatus.VERDICT, _read_operative(operative), operative)
    if _RULING_MARK.search(text):
        return ActReading(ActStatus.NOT_VERDICT, ())
    reason = (
        "verdict title but no operative part (ПРИГОВОРИЛ)"
        if _VERDICT_TITLE.search(text)
        else "neither a verdict nor a ruling"
    )
    status = ActStatus.VERDICT if _VERDICT_TITLE.search(text) else ActStatus.UNREADABLE
    return ActReading(status, (_unreadable_sentence(1, text, reason),))


def extract_sentences(act_text: str) -> tuple[DefendantSentence, ...]:
    """The per-defendant sentences of an act; ``()`` for a ruling (not a verdict)."""
    return read_act(act_text).sentences


def act_text_from_html(html: str) -> str | None:
    """The act's text from a card (``div#cont_doc1``) or an act page (``name_op=doc``),
    one paragraph per line; None when the page holds no act text."""
    tree = parse_html(html)
    root = tree.css_first("#cont_doc1") or tree.css_first("#content") or tree.body
    return None if root is None else act_text_from_node(root)


def act_text_from_node(root: LexborNode) -> str | None:
    """The act's text under ``root`` (e.g. one ``div#cont_docN`` of a card), one paragraph
    per line; None when it holds no text."""
    paragraphs = [" ".join(p.text(deep=True).split()) for p in root.css("p")]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        # Unformatted acts: lines separated by <br> only.
        text = root.text(deep=True, separator="\n")
        paragraphs = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return "\n".join(paragraphs) or None


def read_act_html(html: str) -> ActReading | None:
    text = act_text_from_html(html)
    return None if text is None else read_act(text)


# --------------------------------------------------------------------------- grouping

# «признать <label> виновным» and «признать <label> невиновным»: the label is what lies
# between the verb and the first «виновн» after it (``признать\s+(.*?)\s*виновн`` once was,
# which from every «признать» scanned the rest of a sentence that has no «виновн»: quadratic).
# Only the first verb decides: a «виновн» after a later one is also after the first. These
# read one line (a sentence, whitespace collapsed), as ``.*?`` did.
_GUILTY_VERB = re.compile(r"(?<![а-я])(?:признать|признан\w*)\s+")
_GUILTY_WORD = re.compile(r"(?<![а-я])виновн")
_ACQUIT_VERB = re.compile(r"(?<![а-я])признать(\s+)")
_NOT_GUILTY_WORD = re.compile(r"(?<!\s)\s+невиновн")
_ACQUIT_NAMED = re.compile(r"(?<![а-я])оправдать\s+(?P<label>[^,]*)")
_GUILTY_AFTER = re.compile(r"^(?P<label>.*?)\s+признать\s+(?:его\s+|ее\s+|их\s+)?виновн")
_ACQUIT = re.compile(r"(?<![а-я])(?:оправдать|невиновн\w+)")
_LABEL_NOISE = re.compile(r"^(?:подсудим\w+|осужденн\w+|гражданин\w*|военнослужащ\w+)\s+")
_GENERIC_LABELS = frozenset({"", "ф.и.о.", "фио", "<фио>", "<данные изъяты>", "его", "ее"})


@dataclass(slots=True)
class _Group:
    """The sentences of one guilty finding (one or several defendants: «каждому»)."""

    labels: list[str]
    sentences: list[_Sentence]
    acquitted: bool
    first_index: int


def _labels(text: str) -> list[str]:
    text = _LABEL_NOISE.sub("", text.strip(" ,"))
    parts = [p.strip(" ,") for p in re.split(r",|\s+и\s+", text)]
    return [p for p in parts if p] or [""]


def _guilty_label(n: str) -> str | None:
    r"""<label> of «признать <label> виновн…» (``признать\s+(.*?)\s*виновн``), or None."""
    verb = _GUILTY_VERB.search(n)
    if verb is None:
        return None
    word = _GUILTY_WORD.search(n, verb.end())
    return None if word is None else n[verb.end() : word.start()].rstrip()


def _not_guilty_label(n: str) -> str | None:
    r"""<label> of «признать <label> невиновн…» (``признать\s+(.*?)\s+невиновн``), or None."""
    verb = _ACQUIT_VERB.search(n)
    if verb is None:
        return None
    word = _NOT_GUILTY_WORD.search(n, verb.end())
    if word is not None:
        return n[verb.end() : word.start()]
    # The verb's own whitespace, if it is two characters or more, may end in the one
    # before «невиновн» (an empty label).
    return "" if len(verb.group(1)) > 1 and n.startswith("невиновн", verb.end()) else None


def _opening(s: _Sentence) -> tuple[list[str], bool] | None:
    """(labels, acquitted) when the sentence opens a defendant's group."""
    n = s.norm
    if _ACQUIT.search(n) and ("признать" in n or "оправдать" in n):
        label = _not_guilty_label(n)
        if label is None:
            m = _ACQUIT_NAMED.search(n)
            label = None if m is None else m.group("label")
        # A "label" this long is not a name (no comma after «оправдать»): name nobody.
        return (_labels(label) if label is not None and len(label) < LABEL_LIMIT
                else [""]), True
    label = _guilty_label(n)
    if label is not None and len(label) < LABEL_LIMIT:
        return _labels(label), False
    m = _GUILTY_AFTER.search(n)
    if m and len(m.group("label")) < LABEL_LIMIT:
        return _labels(m.group("label")), False
    return None


def _groups(sentences: list[_Sentence]) -> list[_Group]:
    groups: list[_Group] = []
    index = 1
    for s in sentences:
        opening = _opening(s)
        if opening is not None:
            labels, acquitted = opening
            groups.append(_Group(labels, [s], acquitted, index))
            index += len(labels)
        elif groups:
            groups[-1].sentences.append(s)
    return groups


# --------------------------------------------------------------------------- phrases

# Each kind in every case form (в виде лишения свободы / заменить лишением свободы).
_KIND_PATTERNS: tuple[tuple[PunishmentKind, str], ...] = (
    (K.IMPRISONMENT, r"лишени(?:е|я|ю|ем|и)\s+свободы"),
    (K.DISCIPLINARY_UNIT, r"содержани(?:е|я|ю|ем|и)\s+в\s+дисциплинарной\s+воинской\s+части"),
    (K.RESTRICTION_OF_SERVICE, r"ограничени(?:е|я|ю|ем|и)\s+по\s+военной\s+службе"),
    (K.FINE, r"штраф(?:а|ом|у|е)?(?![а-я])"),
    (
        K.OTHER,
        r"(?:принудительн|исправительн|обязательн)\w+\s+работ\w*"
        r"|ограничени(?:е|я|ю|ем|и)\s+свободы|арест(?:а|ом)?(?![а-я])",
    ),
)
_KIND_RE = re.compile("|".join(f"(?P<k{i}>{p})" for i, (_, p) in enumerate(_KIND_PATTERNS)))
# "со штрафом", "с ограничением свободы" after a main punishment: an additional punishment.
_ADDITIONAL_BEFORE = re.compile(r"(?:^|\s)со?\s+$")
_AFTER_TERM = re.compile(rf"\s*,?\s*(?:(?:на\s+)?срок(?:ом)?\s+(?:на\s+)?|на\s+)(?P<term>{TERM})")
_BEFORE_TERM = re.compile(rf"(?P<term>{TERM})\s+$")
_SAME_TERM = re.compile(r"\s*,?\s*на\s+(?:тот\s+же|такой\s+же|тот\s+же\s+самый)\s+срок")
_FINE_AMOUNT = re.compile(
    rf"[^.;]{{0,40}}?в\s+(?:размере|сумме)\s+(?P<money>(?:{NUMBER})\s+(?:рублей|рубля|рубль|руб))"
)
_DEDUCTION = re.compile(rf"удержани\w*[^.;%]{{0,90}}?(?P<num>{NUMBER})\s*(?:%|процент\w*)")
_LIFE = re.compile(r"пожизненн\w+\s+$")


@dataclass(frozen=True, slots=True)
class _Phrase:
    kind: PunishmentKind
    start: int
    end: int
    term: int | None = None
    fine: int | None = None
    deduction: int | None = None
    error: str | None = None
    additional: bool = False
    same_term: bool = False

    @property
    def key(self) -> tuple[object, ...]:
        return (self.kind, self.term, self.fine, self.deduction)

    @property
    def has_quantity(self) -> bool:
        return self.term is not None or self.fine is not None


def _word_before(text: str, end: int) -> str:
    """The word (``\\w+``) that ends where the whitespace before ``end`` begins; "" when no
    whitespace comes right before ``end``. «судебн\\w*\\s+$» of the text before ``end`` is
    «судебн» in this word, read without searching (or copying) the text from its start."""
    i = end
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if i == end:
        return ""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
        j -= 1
    return text[j:i]


def _phrases(norm: str) -> list[_Phrase]:
    matches = list(_KIND_RE.finditer(norm))
    out: list[_Phrase] = []
    for i, m in enumerate(matches):
        kind = _KIND_PATTERNS[int(m.lastgroup[1:])][0]  # type: ignore[index]
        if kind is K.FINE and "судебн" in _word_before(norm, m.start()):
            continue  # «судебный штраф» is a measure in a termination, not a punishment
        window_end = matches[i + 1].start() if i + 1 < len(matches) else len(norm)
        after = norm[m.end() : window_end]
        before = norm[max(0, m.start() - 160) : m.start()]
        additional = bool(_ADDITIONAL_BEFORE.search(before))
        term = fine = deduction = None
        error: str | None = None
        same = False
        try:
            if kind is K.FINE:
                fm = _FINE_AMOUNT.match(after)
                if fm is not None:
                    fine = money_rub(fm.group("money"))
            else:
                am = _AFTER_TERM.match(after)
                bm = None if am else _BEFORE_TERM.search(before)
                if am is not None:
                    term = term_months(am.group("term"))
                elif bm is not None:
                    term = term_months(bm.group("term"))
                elif _SAME_TERM.match(after):
                    same = True
                if kind in (K.RESTRICTION_OF_SERVICE, K.OTHER):
                    dm = _DEDUCTION.search(after)
                    if dm is not None:
                        deduction = number_value(dm.group("num"))
                if kind is K.IMPRISONMENT and _LIFE.search(before):
                    error = "life imprisonment has no term"
        except NumberError as exc:
            error = str(exc)
        out.append(
            _Phrase(kind, m.start(), m.end(), term, fine, deduction, error, additional, same)
        )
    return out


# --------------------------------------------------------------------------- sentence roles

# Sentences about custody credit, costs, exhibits or appeal never state the punishment,
# but they do mention "лишения свободы" and days ("один день за полтора дня").
_STOP = re.compile(
    r"зачесть|зачет|из\s+расчета|исчисл|мер\w*\s+пресечени|издержк|вещественн\w*\s+доказат"
    r"|обжалован|обязанност|гражданск\w*\s+иск|взыскать|реквизит|разъяснить|арест,?\s+наложен"
)
_ASSIGN = re.compile(r"назнач|наказани\w*\s+в\s+виде|окончательн")
_FINAL = re.compile(r"окончательн")
_REPLACE = re.compile(r"(?<![а-я])замен\w*")
_SUSPEND = re.compile(
    r"считать\s+(?:его\s+|ее\s+)?условн|условно\s*,?\s*с\s+испытательн"
    r"|ст\.\s*73\s+ук|статьи\s+73\s+ук"
)
_RESTATE = re.compile(r"назначенн\w*\s+(?:\S+\s+){0,3}?наказани")
_PROBATION = re.compile(
    rf"испытательн\w*\s+срок\w*\s*,?\s*(?:продолжительностью\s+|длительностью\s+|в\s+|на\s+)?"
    rf"(?P<term>{TERM})"
)
_COMBINED = re.compile(
    r"ст\.\s*70\s+ук|статьи\s+70\s+ук|ч\.\s*5\s+ст\.\s*69|совокупности\s+приговоров"
    r"|неотбыт\w+\s+(?:част\w+\s+)?наказани|отменить\s+условное\s+осуждение"
    r"|условное\s+осуждение[^.]{0,80}отменить|ст\.\s*74\s+ук|ч\.\s*7\s+ст\.\s*79"
)
_REGIMES: tuple[tuple[ColonyRegime, re.Pattern[str]], ...] = (
    (ColonyRegime.SETTLEMENT, re.compile(r"колони\w*[-\s]поселени")),
    (ColonyRegime.GENERAL, re.compile(r"общего\s+режима")),
    (ColonyRegime.STRICT, re.compile(r"строгого\s+режима")),
    (ColonyRegime.SPECIAL, re.compile(r"особого\s+режима")),
    (ColonyRegime.PRISON, re.compile(r"(?<![а-я])тюрьм")),
)


def _is_stop(s: _Sentence) -> bool:
    return bool(_STOP.search(s.norm)) and not _ASSIGN.search(s.norm)


def _names(s: _Sentence, labels: list[str]) -> list[int]:
    """Indexes of ``labels`` the sentence names (labels are distinct, non-generic)."""
    return [
        i
        for i, lab in enumerate(labels)
        if re.search(rf"(?<![\w.]){re.escape(lab)}(?![\w])", s.norm)
    ]


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class _Reading:
    """One defendant's punishment being assembled from the group's sentences."""

    raw: list[str]
    base: _Phrase | None = None
    error: str | None = None
    replacement: _Phrase | None = None
    suspended: bool = False
    probation: int | None = None
    probation_error: str | None = None
    combined: bool = False
    regimes: set[ColonyRegime] | None = None


def _read_operative(operative: str) -> tuple[DefendantSentence, ...]:
    sentences = _split_sentences(operative)
    groups = _groups(sentences)
    if not groups:
        return (_unreadable_sentence(1, operative, "no guilty finding in the operative part"),)
    all_labels = [lab for g in groups for lab in g.labels]
    if len(all_labels) > MAX_DEFENDANTS:
        reason = f"{len(all_labels)} defendants, over the {MAX_DEFENDANTS} this reader takes"
        return (_unreadable_sentence(1, operative, reason),)
    distinct = len(set(all_labels)) == len(all_labels) and not (set(all_labels) & _GENERIC_LABELS)
    readings: list[_Reading] = []
    owners: list[tuple[_Group, int]] = []  # (group, position within the group)
    members_of: list[list[int]] = []
    for g in groups:
        members_of.append(list(range(len(readings), len(readings) + len(g.labels))))
        for pos in range(len(g.labels)):
            readings.append(_Reading(raw=[]))
            owners.append((g, pos))

    for g, members in zip(groups, members_of, strict=True):
        _assign(g, [readings[i] for i in members])
        for s in g.sentences:
            # A sentence naming defendants (by their masked labels) applies to them only;
            # one naming nobody applies to the group it stands in.
            targets = members
            if distinct:
                named = _names(s, all_labels)
                if named:
                    targets = named
            _modifiers(s, [readings[i] for i in targets])
            for i in targets:
                readings[i].raw.append(s.orig)

    out: list[DefendantSentence] = []
    for i, r in enumerate(readings):
        g, _ = owners[i]
        articles = _articles(g.sentences[0].norm, g.sentences[0].orig)
        out.append(
            DefendantSentence(index=i + 1, articles=articles, punishment=_finish(r, g.acquitted))
        )
    return tuple(out)


def _assign(g: _Group, readings: list[_Reading]) -> None:
    """The main punishment(s) of a group: the final one where counts were aggregated."""
    candidates: list[tuple[_Sentence, list[_Phrase]]] = []
    for s in g.sentences:
        if _is_stop(s) or not _ASSIGN.search(s.norm):
            continue
        cut = _REPLACE.search(s.norm)
        phrases = [
            p
            for p in _phrases(s.norm)
            if not p.additional and (cut is None or p.start < cut.start())
        ]
        # A bare kind next to a quantified one is a mention («с отбыванием лишения
        # свободы»); so is one in a sentence restating an assigned punishment
        # («назначенное наказание в виде лишения свободы считать условным / заменить»).
        # A bare kind alone in an assignment is kept: it is a punishment without its term.
        restating = bool(cut or _SUSPEND.search(s.norm) or _RESTATE.search(s.norm))
        if restating or any(p.has_quantity or p.error for p in phrases):
            phrases = [p for p in phrases if p.has_quantity or p.error]
        if phrases:
            candidates.append((s, phrases))
    finals = [c for c in candidates if _FINAL.search(c[0].norm)]
    chosen = [p for _, ps in (finals[-1:] if finals else candidates) for p in ps]
    unique: list[_Phrase] = []
    for p in chosen:
        if not unique or unique[-1].key != p.key or unique[-1].error != p.error:
            unique.append(p)
    n = len(readings)
    if not unique:
        for r in readings:
            r.error = "no punishment found"
    elif len({p.key for p in unique}) == 1 and len({p.error for p in unique}) == 1:
        for r in readings:
            r.base = unique[0]
    elif len(unique) == n:
        for r, p in zip(readings, unique, strict=True):
            r.base = p
    else:
        for r in readings:
            r.error = f"{len(unique)} punishments and no final one"


def _modifiers(s: _Sentence, readings: list[_Reading]) -> None:
    """Replacement, suspension, probation, combination and regime facts of one sentence."""
    n = s.norm
    if _COMBINED.search(n):
        for r in readings:
            r.combined = True
    probations = list(_PROBATION.finditer(n))
    if probations:
        values: list[int | None] = []
        err: str | None = None
        for m in probations:
            try:
                values.append(term_months(m.group("term")))
            except NumberError as exc:
                values.append(None)
                err = str(exc)
        if len(set(values)) == 1:
            values = values[:1]
        for i, r in enumerate(readings):
            if len(values) == 1:
                r.probation = values[0]
            elif len(values) == len(readings):
                r.probation = values[i]
            else:
                r.probation_error = "probation periods do not match the defendants"
            if err:
                r.probation_error = err
    if _is_stop(s):
        return
    if _SUSPEND.search(n):
        for r in readings:
            r.suspended = True
    cut = _REPLACE.search(n)
    if cut is not None:
        targets = [p for p in _phrases(n) if p.start > cut.start() and not p.additional]
        if targets:
            for r in readings:
                r.replacement = targets[0]
    if not re.search(r"из\s+расчета", n):
        found = {reg for reg, rx in _REGIMES if rx.search(n)}
        if found:
            for r in readings:
                r.regimes = (r.regimes or set()) | found


def _finish(r: _Reading, acquitted: bool) -> Punishment:
    raw = _cap(" ".join(r.raw))
    if acquitted:
        return Punishment(kind=K.ACQUITTED, raw=raw)

    def bad(reason: str) -> Punishment:
        return Punishment(kind=K.UNREADABLE, raw=raw, reason=reason)

    if r.error is not None:
        return bad(r.error)
    base = r.base
    assert base is not None
    if base.error is not None:
        return bad(base.error)
    kind = base.kind
    term = base.term
    fine = base.fine
    deduction = base.deduction
    base_kind: PunishmentKind | None = None
    replaced = False
    if r.replacement is not None:
        rep = r.replacement
        if rep.error is not None:
            return bad(rep.error)
        base_kind, kind, replaced = base.kind, rep.kind, True
        if rep.kind is K.FINE:
            term, fine = None, rep.fine
        elif rep.term is not None:
            term = rep.term
        elif not rep.same_term:
            return bad("replacement without its term")
        deduction = rep.deduction
    if kind is K.FINE:
        if fine is None:
            return bad("fine without its amount")
    elif kind is not K.OTHER and term is None:
        return bad(f"{kind.value} without its term")
    if kind is K.RESTRICTION_OF_SERVICE and deduction is None:
        return bad("restriction of service without its deduction")
    regime: ColonyRegime | None = None
    probation: int | None = None
    if r.suspended:
        if r.probation_error is not None:
            return bad(r.probation_error)
        if r.probation is None:
            return bad("suspended without a probation period")
        base_kind = base_kind if replaced else kind
        kind = K.SUSPENDED
        probation = r.probation
    elif kind is K.IMPRISONMENT:
        if r.regimes is not None and len(r.regimes) > 1:
            return bad("conflicting colony regimes: " + ", ".join(sorted(r.regimes)))
        regime = next(iter(r.regimes)) if r.regimes else None
    return Punishment(
        kind=kind,
        term_months=term,
        probation_months=probation,
        colony_regime=regime,
        fine_rub=fine if kind is K.FINE else None,
        deduction_percent=deduction if kind in (K.RESTRICTION_OF_SERVICE, K.OTHER) else None,
        base_kind=base_kind,
        replaced=replaced,
        combined_with_previous=r.combined,
        raw=raw,
    )


def _cap(text: str) -> str:
    return text if len(text) <= RAW_LIMIT else text[: RAW_LIMIT - 1] + "…"


def _unreadable_sentence(index: int, text: str, reason: str) -> DefendantSentence:
    return DefendantSentence(
        index=index,
        punishment=Punishment(kind=K.UNREADABLE, raw=_cap(text.strip()), reason=reason),
    )


# --------------------------------------------------------------------------- articles

# Legal-text order: "п. «а» ч. 2 ст. 338", "ч. 5 ст. 337", "ч. 3 ст. 30, ч. 1 ст. 338".
_LEGAL_ARTICLE = re.compile(
    r"(?:пп?\.\s*(?P<points>«?[а-я]»?(?:\s*(?:,|и)\s*«?[а-я]»?)*)\s*)?"
    r"(?:ч\.\s*(?P<part>\d+(?:\.\d+)?)\s*)?"
    r"ст\.\s*(?P<article>\d+(?:\.\d+)?)(?![\d])"
)
_INCHOATE = {"1": "preparation", "2": "preparation", "3": "attempt"}


def _articles(norm: str, orig: str) -> tuple[Article, ...]:
    """Articles of the guilty finding: from «предусмотренн…» to the first «УК РФ»."""
    start = norm.find("предусмотрен")
    if start < 0:
        return ()
    end = norm.find("ук рф", start)
    span = norm[start : end if end >= 0 else len(norm)]
    out: list[Article] = []
    pending: str | None = None
    for m in _LEGAL_ARTICLE.finditer(span):
        if m.group("article") == "30":
            pending = _INCHOATE.get(m.group("part") or "")
            continue
        pts = m.group("points") or ""
        # "«а», «в»" / "«а» и «в»" (quoted: "и" may be a point) / "а,в" (unquoted).
        quoted = re.findall(r"«([а-я])»", pts)
        points = tuple(quoted) if quoted else tuple(re.findall(r"[а-я]", pts))
        out.append(
            Article(
                article=m.group("article"),
                part=m.group("part"),
                points=points,
                inchoate=pending,
                raw=orig[start + m.start() : start + m.end()],
            )
        )
        pending = None
    return tuple(out)


def kinds(sentences: Iterable[DefendantSentence]) -> tuple[PunishmentKind, ...]:
    """The punishment kinds in order (a convenience for callers and tests)."""
    return tuple(s.punishment.kind for s in sentences)

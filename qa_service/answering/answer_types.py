"""Does a sentence hold the kind of thing a question asks for?

A where-answer names a place, a when-answer a date or time (its own, or its ticker entry's),
a how-many answer a number, a who-answer a person, a why-answer often (not always) a causal
word. These are features of each candidate sentence for the learned selector, which weighs
them: nothing here rules a sentence out.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Iterator, Sequence

from qa_service.analysis.question import Amount, QuestionType
from qa_service.corpus.attribution import SentenceUnit
from qa_service.corpus.names import is_common_noun, is_name_word, looks_like_noun
from qa_service.lang import alternatives, english, german
from qa_service.retrieval.tokens import tokenize
from qa_service.spelling import fold


def _alternatives(words: Iterable[str]) -> str:
    """The words lower-cased, as regex alternatives (`lang.alternatives`)."""
    return alternatives(w.lower() for w in words)


_MONTHS = _alternatives((*german.MONTHS, *english.MONTHS))
_WEEKDAYS_DE = _alternatives(german.WEEKDAYS)
_WEEKDAYS_EN = _alternatives(english.WEEKDAYS)
# A clock time ("20.15 Uhr") and a date in digits ("3.3.", "16.7.2015"): when-answers both,
# and never a count.
_CLOCK = r"\b\d{1,2}[.:]\d{2}\s*Uhr\b"
_NUMERIC_DATE = r"\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?"
# A date or time: a month ("5. Januar", "im März"), a clock time, a year, a century, a
# weekday ("montags", "Dienstagabend"), a day or time adverb, a date in digits.
_WHEN = re.compile(
    rf"\b(?:{_MONTHS})\b|{_CLOCK}"
    r"|\b(?:1\d{3}|20\d{2})(?:er)?\b|\b\w*(?:jahrhundert|jahrzehnt|century|decade)\w*"
    rf"|\b(?:{_WEEKDAYS_DE})\w*|\b(?:{_WEEKDAYS_EN})\b"
    rf"|\b(?:{_alternatives(german.TIME_ADVERBS)}|nacht|seit"
    rf"|sobald|nach einem|im (?:{_alternatives(german.SEASONS)})|ende \w+)\b"
    # "im vergangenen Jahr", "letzte Woche" (not "der letzte Zug", "die letzte Strophe")
    r"|\b(?:vergangene|letzte|nächste|kommende)[nmrs]?\s+"
    rf"(?:(?:{_alternatives(german.TIME_UNITS | german.SEASONS)})(?:e|en|n|es|s)?"
    rf"|{_WEEKDAYS_DE}|{_MONTHS})\b|{_NUMERIC_DATE}"
    # a span of time before, since or after it: "vor einem Jahr", "seit wenigen Wochen",
    # "vor rund 4.000 Jahren", "vor 2,5 Millionen Jahren"
    r"|\b(?:vor|seit|nach|binnen|innerhalb|in)\s+"
    rf"(?:(?:{_alternatives(german.HEDGES)})\.?\s+){{0,2}}(?:\d[\d.,]*|"
    rf"{_alternatives(german.INDEFINITE_ARTICLES | german.NUMBER_WORDS | german.VAGUE_COUNTS)})"
    rf"\s+(?:(?:{_alternatives(german.MAGNITUDES)})\s+)?"
    rf"(?:{_alternatives(german.TIME_UNITS)})(?:e|en|n|es|s)?\b",
    re.IGNORECASE,
)
# A count: a number in digits or words, or inside an adjective of measure ("zweistündigen
# Sitzungen"). Not the indefinite article: "In einem Versuch
# befragte das Institut Passanten" says nothing of how many took part, and "ein" is far more
# often the article than "one". Not the digits of a date or a clock time ("am 3. März",
# "3.3.", "um 20.15 Uhr", "März 2019"), which say when, not how many.
_NUMBER = re.compile(f"{german.COUNT_PATTERN}|{german.COUNT_COMPOUND_PATTERN}", re.IGNORECASE)
_DATE = re.compile(
    rf"\b\d{{1,2}}\.\s*(?:{_MONTHS})\b(?:\s+\d{{4}})?|\b(?:{_MONTHS})\s+\d{{4}}\b"
    rf"|{_NUMERIC_DATE}|{_CLOCK}",
    re.IGNORECASE,
)


class _Counts:
    """The counts of a text: `_NUMBER`'s matches outside its dates and clock times (used
    where a pattern is: `search`, `finditer`)."""

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        dates = [m.span() for m in _DATE.finditer(text)]
        for m in _NUMBER.finditer(text):
            if not any(a <= m.start() and m.end() <= b for a, b in dates):
                yield m

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


_COUNT = _Counts()
# A place: a preposition of place, an article (not the genitive: "vor des Nachbarn Tür"),
# perhaps an adjective, a capitalised word.
_PLACE = re.compile(
    rf"\b(?i:{_alternatives(german.PLACE_PREPOSITIONS | english.PLACE_PREPOSITIONS)})\s+"
    rf"(?:{_alternatives(german.DEFINITE_ARTICLES - {'des'} | {'the'})})?\s*"
    r"(?:[a-zäöü]+e[nrm]?\s+)?[A-ZÄÖÜ][\w-]+"
)


_PLACE_NOUNS = tuple(german.PLACE_NOUNS)


def _names_place(word: str) -> bool:
    """After a preposition of place, a name ("in Bruggenau") or a noun for a place ("im
    Stadion", "am Flughafen"); not any noun ("in der Nacht", "auf der Pressekonferenz")."""
    return not is_common_noun(word) or word.lower().endswith(_PLACE_NOUNS)


_NUMBER_WORDS = _alternatives(german.NUMBER_WORDS | english.NUMBER_VALUES.keys())
_MAGNITUDES = _alternatives(german.MAGNITUDES | german.MAGNITUDE_ABBREVIATIONS | english.MAGNITUDES)
# A sum of money: a number, perhaps a magnitude, a currency ("3,5 Mio. Euro", "zwei
# Milliarden Dollar", "20 euros", "ein 20-Millionen-Euro-Projekt"), or a currency sign before
# a number ("€ 20", "$5").
_MONEY = re.compile(
    rf"[€$£]\s?\d|(?:\d[\d.,]*|\b(?:{_NUMBER_WORDS}))[\s-]*"
    rf"(?:(?:{_MAGNITUDES})\.?[\s-]+)?"
    rf"(?:{_alternatives(german.CURRENCIES | english.CURRENCIES)}|€|\$|£|chf|eur|usd)(?!\w)",
    re.IGNORECASE,
)
# A share: a per cent, a fraction in words ("die Hälfte").
_PERCENT = re.compile(
    r"\d[\d.,]*\s*(?:%|prozent\w*|percent|per cent)"
    rf"|\b(?:{_alternatives(german.FRACTIONS | english.FRACTIONS)})\b",
    re.IGNORECASE,
)
_AMOUNTS: dict[Amount, re.Pattern[str]] = {"money": _MONEY, "percent": _PERCENT}
# A reason: a causal word, or a purpose ("um … zu").
_REASON = re.compile(
    rf"\b(?:{_alternatives(german.CAUSAL_WORDS | english.CAUSAL_WORDS)}"
    r"|um\s+\w+(?:\s+\w+){0,6}\s+zu)\b",
    re.IGNORECASE,
)


def _has_person(unit: SentenceUnit, asked: Collection[str], people: Sequence[str]) -> bool:
    """A speaker, or a person its article names (the name index read at ingest: the surname
    in the sentence), that the question does not name. An article whose people were not
    read: a first name and surname, two name words in a row."""
    if unit.speaker and not {fold(w) for w in unit.speaker.split()} <= asked:
        return True
    words = [w.strip(',.;:!?"„“()') for w in unit.text.split()]
    if people:
        found = {fold(w) for w in words}
        return any(
            fold(name.split()[-1]) in found and not {fold(w) for w in name.split()} <= asked
            for name in people
        )
    names = [bool(w) and is_name_word(w) and not looks_like_noun(w) for w in words]
    return any(
        a and b and not {fold(v), fold(w)} <= asked
        for a, b, v, w in zip(names, names[1:], words, words[1:], strict=False)
    )


def fits(
    qtype: QuestionType,
    unit: SentenceUnit,
    asked: Collection[str] = (),
    people: Sequence[str] = (),
    amount: Amount | None = None,
) -> bool:
    """Does `unit` hold what a question of type `qtype` asks for, beyond the `asked` words
    (the question's names, compared folded: "Bruggenau" is "Brüggenau")? "Who is directing
    Die Quelle in Bruggenau?" wants a person, not the play's name; "Where did X die?" a place
    other than one it names (a name or a noun for a place: "im Stadion", not "in der
    Nacht"). `people`: the names of the persons the sentence's article names. `amount`: the
    question asks for a sum of money or a share, which the sentence must state ("Wie viel
    kostete der Umbau?" is not answered by "Der Umbau dauerte drei Jahre")."""
    text = unit.text
    if amount is not None:
        return bool(_AMOUNTS[amount].search(text))
    asked = {fold(w) for w in asked}
    if qtype == "when":
        return unit.section_time is not None or bool(_WHEN.search(text))
    if qtype == "how_many":
        return bool(_COUNT.search(text))
    if qtype == "where":
        return any(
            fold(word) not in asked and _names_place(word)
            for m in _PLACE.finditer(text)
            if (word := m.group().split()[-1])
        )
    if qtype in ("who", "who_said"):
        return _has_person(unit, asked, people) if qtype == "who" else unit.speaker is not None
    return True


# A figure or a vague count: what a sentence that states a count or a time at all holds,
# though `fits` may not read it ("9.000 BP", "30 Mio. GBP", "mehrere Male").
_SOME = re.compile(rf"\d|\b(?:{_alternatives(german.VAGUE_COUNTS)})\b", re.IGNORECASE)


def states(qtype: QuestionType, unit: SentenceUnit, amount: Amount | None = None) -> bool:
    """Does `unit` state the kind of thing a question asks for at all? Looser than `fits`:
    the refusal policy's test (`refusal.unstated_kind`), which must not refuse an answer in a
    form `fits` does not read."""
    return fits(qtype, unit, amount=amount) or bool(_SOME.search(unit.text))


_KINDS: dict[str, re.Pattern[str] | _Counts] = {"when": _WHEN, "how_many": _COUNT, "where": _PLACE}
_TOKEN = re.compile(r"\w+", re.UNICODE)
NEAR = 4  # words: "Die Studie befragte 1.200 Personen", not a number two clauses away


def near(
    qtype: QuestionType, text: str, terms: Collection[str], amount: Amount | None = None
) -> bool:
    """Does the kind of thing a when/how-many/where question asks for stand within `NEAR`
    words of one of the question's words (index tokens)? "Wie viele Menschen soll das Lager
    aufnehmen?" wants a number next to "Menschen", not any number of the article. Other
    questions ask for no such kind: every sentence has it, as with `fits`. An `amount` is the
    kind when the question asks for one."""
    kind = _AMOUNTS[amount] if amount is not None else _KINDS.get(qtype)
    if kind is None:
        return True
    if not terms:
        return False
    words = list(_TOKEN.finditer(text))
    at = [i for i, w in enumerate(words) if (t := tokenize(w.group())) and t[0] in terms]
    if not at:
        return False
    starts = [w.start() for w in words]
    for m in kind.finditer(text):
        first = bisect.bisect_right(starts, m.start()) - 1
        last = bisect.bisect_left(starts, m.end()) - 1
        if any(first - NEAR <= i <= last + NEAR and not first <= i <= last for i in at):
            return True
    return False


def prefers(qtype: QuestionType, unit: SentenceUnit) -> bool:
    return qtype == "why" and bool(_REASON.search(unit.text))

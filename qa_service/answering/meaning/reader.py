"""The reader of the meaning check: one sentence or quote read once into tokens, names,
numbers, negations with their scope, clauses, conditions, modality and speech frames.

It knows only language: the word list `data/meaning_lexicon.tsv` (countries, institutions a
dictionary has, words, numbers, units, times) and the tables of `qa_service.lang`; names are
read from the text (`name_words.py`). The rules (`rules.py`) ask it questions and never
read tokens' raw text themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from qa_service.answering.name_words import ENGLISH_NOT_NAMES, is_name, is_role_word, same_name
from qa_service.lang import alternatives, english, german
from qa_service.language import detect_language
from qa_service.retrieval.tokens import tokenize
from qa_service.spelling import fold, name_key

LEXICON = Path(__file__).resolve().parents[2] / "data" / "meaning_lexicon.tsv"
# A quote's condition governs the content words just before it ("Entsendung einer Truppe im
# Fall eines Waffenstillstands") and what it names: a sentence claiming none of those may
# leave it out ("unterzeichneten kurz vor der Pressekonferenz").
CONDITION_SCOPE = 3

_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*|%|[.,;:!?\"„“”»«()–—]|(?<=\s)-(?=\s)")
_STOP_PUNCT = frozenset(".;:!?")
_CLAUSE_PUNCT = frozenset('.,;:!?()–—-"„“”»«')


def _folded(*tables: frozenset[str]) -> frozenset[str]:
    """The layer's words as tokens are compared: folded ("für" -> "fur")."""
    return frozenset(fold(w) for table in tables for w in table)


def any_word(words: frozenset[str]) -> str:
    """A regex for any of the words, whole."""
    return r"\b(?:" + alternatives(words) + r")\b"


STOPWORDS = _folded(german.CLAIM_STOPWORDS, english.CLAIM_STOPWORDS)
_SPEECH = {"de": _folded(german.SPEECH_FORMS), "en": english.SPEECH_FORMS}
_FRAME_NEXT = {"de": german.SOURCE_MARKERS, "en": frozenset()}
_PREPOSITIONS = _folded(german.GOVERNING_WORDS, english.GOVERNING_WORDS)
_PARTICLES = _folded(german.SEPARABLE_PARTICLES)
_HEDGES = tuple(fold(w) for w in german.HEDGE_ADJECTIVES)
_CONTRAST = german.CONTRAST_CONJUNCTIONS | english.CONTRAST_CONJUNCTIONS
# A clause starts at these words, and in German at these after a comma.
_SPLIT_ALWAYS = {"de": german.CLAUSE_BREAKS, "en": english.CLAUSE_BREAKS}
_SPLIT_AFTER_COMMA = {"de": german.COMMA_CLAUSE_OPENERS, "en": frozenset()}

# Modality: 2 = possible, 1 = intended/planned/expected, 0 = stated as fact.
_MODAL = {
    "de": [(2, german.POSSIBLE_PATTERN), (1, german.INTENDED_PATTERN)],
    "en": [(2, english.POSSIBLE_PATTERN), (1, english.INTENDED_PATTERN)],
}
# (grammatical, lexical): "nicht", "no"; "lehnte ... ab", "rejected".
_NEGATION = {
    "de": (any_word(german.NEGATIONS), german.REJECTION_PATTERN),
    "en": (
        any_word(english.NEGATIONS) + "|" + english.CONTRACTED_NEGATION,
        english.REJECTION_PATTERN,
    ),
}
_CONDITION = {"de": german.CONDITION_PATTERN, "en": english.CONDITION_PATTERN}
_ORDER = {"de": german.ORDER_PATTERNS, "en": english.ORDER_PATTERNS}
_LOCATIVE = {"de": german.LOCATIVE_PREPOSITIONS, "en": english.LOCATIVE_PREPOSITIONS}
# A word after one of these opens a sentence (capitalised whether or not it is a name).
_OPENERS = frozenset('.:!?"“„«»')
# A name right after one of these is a place ("in Dornbach", "aus Wien", "to Lisbon").
_PLACE_PREPOSITIONS = {"de": german.PLACE_NAME_PREPOSITIONS, "en": english.PLACE_NAME_PREPOSITIONS}
# Names read from the text are entities with this prefix and their last word's name key.
NAME = "name:"
# An English name's German forms (`retrieval.name_translations.NameTranslations.forms`).
Translate = Callable[[str], Sequence[str]]
# An English word's German index tokens (`bilingual.Dictionary.translations`).
Words = Callable[[str], Sequence[str]]
MIN_FORM = 3  # shorter forms are country codes ("eg"), not names a text uses
_DE_AUF_DATIVE = re.compile(german.AUF_LOCATIVE_PATTERN)
_DIRECTIONAL = {"de": german.DIRECTIONAL_PREPOSITIONS, "en": english.DIRECTIONAL_PREPOSITIONS}
_FRAGMENT_WORDS = german.FRAGMENT_WORDS | english.FRAGMENT_WORDS


@dataclass(frozen=True)
class Form:
    words: tuple[str, ...]
    mode: str  # "prefix" | "exact" | "contains"
    language: str | None

    def match(self, tokens: list[Token], i: int, language: str) -> int:
        """Tokens matched from i (0 if none)."""
        if self.language and self.language != language:
            return 0
        n = len(self.words)
        if i + n > len(tokens):
            return 0
        for k, word in enumerate(self.words):
            t = tokens[i + k].w
            if k < n - 1:
                if t != word:
                    return 0
            elif not self._last_word_matches(t, word):
                return 0
        return n

    def _last_word_matches(self, t: str, word: str) -> bool:
        if self.mode == "exact":
            return t == word
        return word in t if self.mode == "contains" else t.startswith(word)


def _form(text: str) -> Form:
    language = None
    if text[:3] in ("de:", "en:"):
        language, text = text[:2], text[3:]
    mode = "prefix"
    if text.startswith("="):
        mode, text = "exact", text[1:]
    elif text.startswith("~"):
        mode, text = "contains", text[1:]
    return Form(tuple(text.split("_")), mode, language)


@dataclass(frozen=True)
class EntityInfo:
    id: str
    type: str
    affiliation: str | None


@dataclass
class Lexicon:
    entities: dict[str, EntityInfo] = field(default_factory=dict)
    entity_forms: list[tuple[Form, str, bool]] = field(default_factory=list)  # form, id, adj
    concepts: list[tuple[Form, str]] = field(default_factory=list)
    units: list[tuple[Form, str]] = field(default_factory=list)
    numbers: list[tuple[Form, float]] = field(default_factory=list)
    scales: list[tuple[Form, float]] = field(default_factory=list)  # "Mrd." after a number
    scale_abbreviations: set[str] = field(default_factory=set)  # their period ends nothing
    times: list[tuple[Form, str]] = field(default_factory=list)


def affiliation(key: str) -> str | None:
    """The country of an institution of the word list ("Bundestag": Germany); names have none."""
    info = lexicon().entities.get(key)
    return info.affiliation if info else None


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    lex = Lexicon()
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, key, attrs, forms = line.split("\t")
        if kind == "entity":
            etype, affiliation = attrs.split(",")
            lex.entities[key] = EntityInfo(key, etype, None if affiliation == "-" else affiliation)
            nouns, _, adjectives = forms.partition("|")
            lex.entity_forms += [(_form(f), key, False) for f in nouns.split()]
            lex.entity_forms += [(_form(f), key, True) for f in adjectives.split()]
        elif kind == "concept":
            lex.concepts += [(_form(f), key) for f in forms.split()]
        elif kind == "unit":
            lex.units += [(_form(f), key) for f in forms.split()]
        elif kind == "number":
            lex.numbers += [(_form(f), float(key)) for f in forms.split()]
        elif kind == "scale":
            lex.scales += [(_form(f), float(key)) for f in forms.split()]
        elif kind == "time":
            lex.times += [(_form(f), key) for f in forms.split()]
    # "4 Mrd. Euro": a short scale's period is an abbreviation's, not the sentence's end
    lex.scale_abbreviations = {
        f.words[0] for f, _ in lex.scales if len(f.words) == 1 and len(f.words[0]) <= 4
    }
    # Longest forms first, so "vereinigte staaten" wins over a shorter form.
    lex.entity_forms.sort(key=lambda x: (-len(x[0].words), -len(x[0].words[-1])))
    return lex


@dataclass
class Token:
    raw: str
    w: str
    i: int
    start: int
    end: int
    kind: str  # word | num | punct
    hyphen_after: bool = False
    concepts: set[str] = field(default_factory=set)
    entity: str | None = None
    adjective: bool = False


@dataclass
class Mention:
    id: str
    start: int  # token indices
    end: int
    adjective: bool


def _number_value(raw: str, language: str) -> float | None:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        return float(re.sub(r"[.,]", "", raw))
    if re.fullmatch(r"\d+[.,]\d{1,2}", raw):
        return float(raw.replace(",", "."))
    if raw.isdigit():
        return float(raw)
    return None


@dataclass(frozen=True)
class Condition:
    """ "nach einem Waffenstillstand", "sobald die Bedingungen erfüllt seien": its kind, the
    concepts of what it names, and those of the words it governs (its scope)."""

    kind: str  # before | after | other ("falls", "sobald", "im Falle")
    concepts: set[str]
    scope: set[str]
    words: tuple[str, ...] = ()  # the words its concepts come from, as written

    def same(self, other: Condition, words: Words | None = None) -> bool:
        """The same condition: "after a ceasefire" renders "im Falle/sobald einer Waffenruhe"
        (the bases come once there is one), but never "vor einer Waffenruhe". With `words`
        (an English word's German index tokens), an English condition matches a German one
        by a translated word too ("as soon as the talks start": "sobald die Verhandlungen
        beginnen")."""
        kinds = {self.kind, other.kind}
        if len(kinds) > 1 and "before" in kinds:
            return False
        if self.concepts & other.concepts:
            return True
        if words is None:
            return False
        theirs = {x for w in other.words for x in tokenize(w)}
        return any(set(words(w.lower())) & theirs for w in self.words)


class Text:
    """One sentence or quote, read once: tokens, names, numbers, negations, markers."""

    def __init__(
        self,
        text: str,
        language: str | None = None,
        known: tuple[str, ...] = (),
        speakers: tuple[str, ...] = (),
    ) -> None:
        """`known`: words that are names here even where the lexicon knows them as nouns;
        `speakers`: words of persons' names ("so Tiroler" for the speaker Hans
        Tiroler: a person, though "Tiroler" is a noun too)."""
        self.text = text
        self.language = language or detect_language(text)
        self.low = text.lower()
        lex = lexicon()
        self.tokens = [
            Token(m.group(), fold(m.group()), i, m.start(), m.end(), self._kind(m.group()))
            for i, m in enumerate(_TOKEN.finditer(text))
        ]
        for t in self.tokens:
            t.hyphen_after = text[t.end : t.end + 1] == "-"
        self.known = known + speakers
        self.speaker_words = speakers
        self.places: set[str] = set()  # names after "in", "nach", "aus": see _mentions
        self.persons: set[str] = set()  # names with a first name, and `known` ones
        self.mentions = self._mentions(lex)
        self.quoted_names: set[str] = set()  # see align
        self.numbers = self._numbers(lex)
        self._concepts(lex)
        self.parts = self._parts()
        self.negations = self._negations()
        self.neg_focus = {i for _, focus in self.negations for i in focus}

    @property
    def fragment(self) -> bool:
        """A bare answer ("Alan Hartley", "35", "In September", "Every day"): at most four
        words, none of which can be a verb. It names, and claims no action or modality."""
        words = [t for t in self.tokens if t.kind != "punct"]
        return 0 < len(words) <= 4 and all(
            t.kind == "num" or t.raw[:1].isupper() or t.w in _FRAGMENT_WORDS for t in words
        )

    @staticmethod
    def _kind(raw: str) -> str:
        if raw[0].isdigit():
            return "num"
        return "word" if raw[0].isalpha() else "punct"

    # -- reading -----------------------------------------------------------------------

    def _mentions(self, lex: Lexicon) -> list[Mention]:
        """Countries and institutions of the word list, and names: runs of name words."""
        out: list[Mention] = []
        i = 0
        while i < len(self.tokens):
            t = self.tokens[i]
            if t.kind != "word":
                i += 1
                continue
            found = None
            for form, key, adjective in lex.entity_forms:
                n = form.match(self.tokens, i, self.language)
                if n and (len(t.w) > 3 or t.raw.isupper() or len(form.words) > 1):
                    found = (key, n, adjective)
                    break
            if found is None and self._is_name(i):
                n = 1
                while i + n < len(self.tokens) and self._is_name(i + n):
                    n += 1
                last = self.tokens[i + n - 1].raw
                found = (NAME + (last if last.isupper() else name_key(last)), n, False)
                if i and self.tokens[i - 1].w in _PLACE_PREPOSITIONS[self.language]:
                    self.places.add(found[0])
                elif n > 1 or any(same_name(last, k) for k in self.speaker_words):
                    self.persons.add(found[0])
            if found is None:
                i += 1
                continue
            key, n, adjective = found
            out.append(Mention(key, i, i + n, adjective))
            for k in range(i, i + n):
                self.tokens[k].entity, self.tokens[k].adjective = key, adjective
            i += n
        return out

    def _is_name(self, i: int) -> bool:
        t = self.tokens[i]
        if t.kind != "word" or t.w in STOPWORDS or not t.raw[:1].isupper():
            return False
        if any(same_name(t.raw, k) for k in self.known):
            return not is_role_word(t.raw)
        return is_name(t.raw, t.w, self.language)

    def kind(self, key: str) -> str:
        """person | org | place | name: the word list's; else a name after "in", "nach",
        "aus" is a place, one with a first name (or a speaker's) a person, an acronym an
        organisation; any other name may be any of them."""
        info = lexicon().entities.get(key)
        if info:
            return info.type
        if key in self.places:
            return "place"
        if key in self.persons:
            return "person"
        return "org" if key[len(NAME) :].isupper() else "name"

    def _numbers(self, lex: Lexicon) -> list[tuple[float, str | None, int]]:
        """(value, unit, token) of every number: digits times the scale after them ("4
        Mrd." is 4e9, "2 Billionen" 2e12 but "2 billion" 2e9), and number words."""
        out = []
        scaled: set[int] = set()  # scale words a number before them took
        for t in self.tokens:
            value = None
            if t.i in scaled:
                continue
            if t.kind == "num":
                value = _number_value(t.raw, self.language)
                nxt = t.i + 1
                scale = next(
                    (v for form, v in lex.scales if form.match(self.tokens, nxt, self.language)),
                    None,
                )
                if value is not None and scale is not None:
                    value *= scale
                    scaled.add(nxt)
            elif t.kind == "word":
                # "zwölfmal": a number word and "mal" (times) count as the number
                times = t.w.endswith("mal") and [Token(t.raw, t.w[:-3], 0, 0, 0, "word")]
                for form, v in lex.numbers:
                    if form.match(self.tokens, t.i, self.language) or (
                        times and form.match(times, 0, self.language)
                    ):
                        value = v
                        break
            if value is not None:
                out.append((value, self._unit(t, lex), t.i))
        return out

    def counted(self, i: int) -> list[Token]:
        """The words right after the number at token `i`, up to punctuation or a stopword:
        what it counts ("400 Pensionisten", "1,000 inhabitants"); in German its nouns only
        ("2.000 anerkannte Flüchtlinge": Flüchtlinge)."""
        out = []
        for t in self.tokens[i + 1 : i + 5]:
            if t.kind != "word" or t.w in STOPWORDS:
                break
            out.append(t)
        return [t for t in out if t.raw[:1].isupper()] if self.language == "de" else out

    def _unit(self, t: Token, lex: Lexicon) -> str | None:
        after = fold(self.text[t.end : t.end + 14])
        if re.match(r"\s*-?\s*(jahrig|year-old|years?[- ]old)", after):
            return "age"
        k, seen = t.i + 1, 0
        while k < len(self.tokens) and seen < 3:
            u = self.tokens[k]
            abbreviation = u.raw == "." and self.tokens[k - 1].w in lex.scale_abbreviations
            if u.kind == "punct" and u.raw not in "-%" and not abbreviation:
                return None
            if u.raw == "%":
                return "percent"
            if u.kind == "word" and not u.hyphen_after:
                for form, key in lex.units:
                    if key != "age" and form.match(self.tokens, k, self.language):
                        return key
                if u.w not in STOPWORDS:
                    seen += 1
            k += 1
        return None

    def _concepts(self, lex: Lexicon) -> None:
        for t in self.tokens:
            if t.kind == "num":
                value = _number_value(t.raw, self.language)
                if value is not None:
                    t.concepts.add(f"N:{value:g}")
            if t.kind != "word":
                continue
            if t.entity:
                t.concepts.add(f"E:{t.entity}")
                continue
            if t.w in STOPWORDS:
                continue
            t.concepts |= self._word_concepts(t.i, lex)
        if self.language == "de":  # separable verbs: "tritt ... zurück" -> "zurücktritt"
            for segment in self.segments(_CLAUSE_PUNCT):
                last = [t for t in segment if t.kind == "word"]
                if not last or last[-1].w not in _PARTICLES:
                    continue
                particle = last[-1].w
                for t in last[:-1]:
                    if t.raw[:1].islower() and t.w not in STOPWORDS:
                        joined = Token(t.raw, particle + t.w, 0, 0, 0, "word")
                        t.concepts |= self._word_concepts(0, lex, [joined])

    def _word_concepts(self, i: int, lex: Lexicon, tokens: list[Token] | None = None) -> set[str]:
        tokens = tokens or self.tokens
        t = tokens[i]
        out = {f"C:{key}" for form, key in lex.concepts if form.match(tokens, i, self.language)}
        if len(t.w) >= 4:
            out.add(f"S:{t.w[:5]}")
        return out

    def segments(self, stops: frozenset[str]) -> list[list[Token]]:
        out: list[list[Token]] = [[]]
        for t in self.tokens:
            if t.kind == "punct" and t.raw in stops:
                out.append([])
            else:
                out[-1].append(t)
        return [s for s in out if s]

    def _parts(self) -> list[list[Token]]:
        """Clauses, cut at colons, semicolons and subordinating words."""
        parts: list[list[Token]] = [[]]
        for k, t in enumerate(self.tokens):
            previous = self.tokens[k - 1].raw if k else ""
            cut = (t.kind == "punct" and t.raw in ":;") or (
                t.kind == "word"
                and (
                    t.w in _SPLIT_ALWAYS[self.language]
                    or (t.w in _SPLIT_AFTER_COMMA[self.language] and previous == ",")
                )
            )
            if cut and parts[-1]:
                parts.append([])
            if not (t.kind == "punct" and t.raw in ":;"):
                parts[-1].append(t)
        return [p for p in parts if any(t.kind != "punct" for t in p)]

    def _negations(self) -> list[tuple[int, list[int]]]:
        """(negating token, the tokens it negates)."""
        grammatical, lexical = _NEGATION[self.language]
        out = []
        for pattern, is_lexical in ((grammatical, False), (lexical, True)):
            for m in re.finditer(pattern, self.low):
                k = self._token_at(m.start())
                if k is None:
                    continue
                out.append((k, self._focus(k, is_lexical, m.group())))
        return out

    def _focus(self, k: int, lexical: bool, negator: str) -> list[int]:
        focus: list[int] = []
        particle = {"l": "ab", "a": "ab", "s": "aus"}.get(negator[:1]) if lexical else None
        stops = _STOP_PUNCT if lexical else _STOP_PUNCT | {","}
        for t in self.tokens[k + 1 :]:
            if t.kind == "punct" and t.raw in stops:
                break
            if t.w in _CONTRAST:
                break
            if lexical and self.language == "de" and t.w == particle:
                break
            if focus and not lexical and t.w in _PREPOSITIONS:
                break
            if focus and not lexical and t.w in english.COORDINATORS:
                break  # "without notice and her colleagues": the negation ends
            if t.kind == "punct" or (t.w in STOPWORDS and not t.entity):
                continue
            if lexical:
                focus.append(t.i)
            elif self.language == "de":
                focus.append(t.i)
                if t.raw[:1].islower() and re.search(r"(e|en|er|es|em)$", t.w):
                    continue  # an adjective: its noun follows
                if t.raw[:1].isupper() or t.kind == "num":
                    focus += self._genitive_after(t.i)
                break
            else:
                focus.append(t.i)
                if len(focus) == 2:
                    break
        if lexical and not focus:  # "Den Plan lehnen wir ab": what it rejects came first
            focus = self._fronted(k)
        return focus

    def _fronted(self, k: int) -> list[int]:
        """The content words before token k in its clause."""
        out: list[int] = []
        for t in reversed(self.tokens[:k]):
            if (t.kind == "punct" and t.raw in _STOP_PUNCT | {","}) or t.w in _CONTRAST:
                break
            if t.kind != "punct" and not (t.w in STOPWORDS and not t.entity):
                out.insert(0, t.i)
        return out

    def _genitive_after(self, k: int) -> list[int]:
        """ "Angriff der Truppen": the genitive that follows a negated noun."""
        out: list[int] = []
        if k + 1 < len(self.tokens) and self.tokens[k + 1].w in ("der", "des"):
            for t in self.tokens[k + 2 : k + 5]:
                if t.kind == "punct":
                    break
                out.append(t.i)
                if t.raw[:1].isupper():
                    break
        return out

    def _token_at(self, offset: int) -> int | None:
        for t in self.tokens:
            if t.start <= offset < t.end or t.start >= offset:
                return t.i
        return None

    def align(self, *others: Text, translate: Translate | None = None) -> None:
        """Give each name of this text the id of the same name in `others` ("Zavadsky" is
        the quote's "Sawadskyj"; an English name also by its German forms in `translate`,
        the dictionary's: "Egypt" is "Ägypten", "UN" "Uno"), and what one text tells of it to
        all (a place after "in", a person by a first name); a name the others have only as a
        plain word ("Gärtner", a noun too) is noted in `quoted_names`."""
        theirs = [
            (o, m.id, [t.raw for t in o.tokens[m.start : m.end]])
            for o in others
            for m in o.mentions
            if m.id.startswith(NAME)
        ]
        words = [t.raw for o in others for t in o.tokens if t.raw[:1].isupper()]
        for m in self.mentions:
            if not m.id.startswith(NAME):
                continue
            mine = [t.raw for t in self.tokens[m.start : m.end]]
            if translate is not None and self.language == "en":
                # with the capitalised word before it: "South Korea" read as "Korea"
                before = self.tokens[m.start - 1].raw if m.start > 0 else ""
                wider = [before, *mine] if before[:1].isupper() else []
                mine += [
                    f
                    for phrase in (mine, wider)
                    if phrase
                    for f in translate(" ".join(phrase))
                    if len(f) >= MIN_FORM
                ]
            match = next(
                (
                    (o, key)
                    for o, key, name in theirs
                    if any(same_name(a, b) for a in mine for b in name)
                ),
                None,
            )
            if match is None:
                if any(same_name(a, b) for a in mine for b in words):
                    self.quoted_names.add(m.id)
                continue
            other, key = match
            for mine_kind, their_kind in (
                (self.places, other.places),
                (self.persons, other.persons),
            ):
                if m.id in mine_kind or key in their_kind:
                    mine_kind.add(key)
                    their_kind.add(key)
            for t in self.tokens[m.start : m.end]:
                t.entity = key
                t.concepts = {f"E:{key}" if c == f"E:{m.id}" else c for c in t.concepts}
            m.id = key

    # -- features ----------------------------------------------------------------------

    def concepts(self, tokens: list[Token] | None = None, skip: set[int] = frozenset()) -> set[str]:
        return {c for t in (tokens or self.tokens) if t.i not in skip for c in t.concepts}

    def entity_ids(self, tokens: list[Token] | None = None) -> set[str]:
        span = {t.i for t in tokens} if tokens is not None else None
        return {m.id for m in self.mentions if span is None or m.start in span}

    def modality(self, tokens: list[Token] | None = None) -> int:
        text = self._masked()
        if tokens is not None:
            text = text[tokens[0].start : tokens[-1].end]
        for level, pattern in _MODAL[self.language]:
            for m in re.finditer(pattern, text):
                after = text[m.end() : m.end() + 1]
                if not (level == 2 and m.group().startswith("möglich") and after.isalpha()):
                    return level
        return 0

    def _masked(self) -> str:
        """The lower-cased text with names blanked, and in English every capitalised word
        inside a sentence ("a May Day rally" is no modal)."""
        chars = list(self.low)
        spans = [(self.tokens[m.start].start, self.tokens[m.end - 1].end) for m in self.mentions]
        if self.language == "en":
            spans += [
                (t.start, t.end)
                for t in self.tokens[1:]
                if t.raw[:1].isupper() and self.tokens[t.i - 1].raw not in _OPENERS
            ]
        for a, b in spans:
            chars[a:b] = " " * (b - a)
        return "".join(chars)

    def conditions(self) -> list[Condition]:
        out = []
        for m in re.finditer(_CONDITION[self.language], self.low):
            k = self._token_at(m.end())
            if k is None:
                continue
            content = [t for t in self.tokens[k:] if t.concepts][:3]
            before = [t for t in self.tokens[: self._token_at(m.start()) or 0] if t.concepts]
            kind = "other"
            if re.match(r"(vor|before)\b", m.group()):
                kind = "before"
            elif re.match(r"(nach|after)\b", m.group()):
                kind = "after"
            concepts = {c for t in content for c in t.concepts}
            scope = concepts | {c for t in before[-CONDITION_SCOPE:] for c in t.concepts}
            out.append(Condition(kind, concepts, scope, tuple(t.raw for t in content)))
        return out

    def orders(self) -> set[str]:
        return {
            key for key, pattern in _ORDER[self.language].items() if re.search(pattern, self.low)
        }

    def times(self) -> set[str]:
        """The times it names; the longest form wins ("am Morgen" is the morning, not
        "morgen", tomorrow)."""
        return {key for key, _ in self._time_spans}

    @cached_property
    def _time_spans(self) -> list[tuple[str, range]]:
        """(time, its tokens) for every time form, the longest at each place."""
        lex = lexicon()
        out = []
        i = 0
        while i < len(self.tokens):
            found = [
                (n, key)
                for form, key in lex.times
                if self.tokens[i].kind == "word"
                and (n := form.match(self.tokens, i, self.language))
            ]
            longest = max((n for n, _ in found), default=1)
            out += [(key, range(i, i + n)) for n, key in found if n == longest]
            i += longest
        return out

    def speakers(self, lex: Lexicon) -> tuple[set[str], set[int]]:
        """Who the text says spoke, and the tokens of those speech frames."""
        speech = _SPEECH[self.language]
        found: set[str] = set()
        frame: set[int] = set()
        for t in self.tokens:
            if t.kind != "word":
                continue
            if t.w in speech:
                before = self.tokens[t.i - 1].raw if t.i else ""
                inverted = before in {",", '"', "“", "”", "»", "«"} or (
                    self.language == "de"
                    and t.i > 0
                    and self.tokens[t.i - 1].kind == "word"
                    and self.tokens[t.i - 1].w not in german.ARTICLES
                    and not self.tokens[t.i - 1].entity
                    and not self.tokens[t.i - 1].raw[:1].isupper()
                )
                relative = self.language == "de" and any(
                    self.tokens[j].w in ("der", "die") and self.tokens[j - 1].raw == ","
                    for j in range(max(1, t.i - 3), t.i)
                )
                if relative:
                    who = self._nearest(t.i, -1, 12, stop_at_punct=False)
                elif inverted:
                    who = self._nearest(t.i, +1, 6) or self._nearest(t.i, -1, 5)
                else:
                    who = self._nearest(t.i, -1, 5) or self._nearest(t.i, +1, 6)
                if who:
                    found.add(who[0])
                    frame |= set(range(min(who[1], t.i), max(who[1], t.i) + 1))
            elif (
                t.w in _FRAME_NEXT[self.language]
                or (
                    t.w == "according"
                    and t.i + 1 < len(self.tokens)
                    and self.tokens[t.i + 1].w == "to"
                )
                or (t.w == "nach" and self._angaben(t.i))
            ):
                who = self._nearest(t.i, +1, 7)
                if who:
                    found.add(who[0])
                    frame |= set(range(t.i, who[1] + 1))
            elif t.w == "zufolge":
                who = self._nearest(t.i, -1, 3)
                if who:
                    found.add(who[0])
                    frame |= set(range(who[1], t.i + 1))
        for k in sorted(frame):  # the whole name: "Alan Hartley", not only "Alan" or "Hartley"
            entity = self.tokens[k].entity
            for step in (1, -1):
                j = k + step
                while entity and 0 <= j < len(self.tokens) and self.tokens[j].entity == entity:
                    frame.add(j)
                    j += step
        return found, frame

    def _angaben(self, k: int) -> bool:
        window = [t.w for t in self.tokens[k + 1 : k + 4]]
        return "angaben" in window or "worten" in window

    def _nearest(
        self, k: int, step: int, window: int, stop_at_punct: bool = True
    ) -> tuple[str, int] | None:
        """The nearest person (else organisation or country) within `window` tokens."""
        best: tuple[str, int] | None = None
        j = k + step
        while 0 <= j < len(self.tokens) and abs(j - k) <= window:
            t = self.tokens[j]
            if stop_at_punct and t.kind == "punct" and t.raw in ".,;:":
                break
            if t.entity:
                kind = self.kind(t.entity)
                if kind == "person":
                    return t.entity, j
                if best is None and not (kind == "place" and not t.adjective and step > 0):
                    best = (t.entity, j)
            j += step
        return best

    def agent(self, tokens: list[Token], skip: set[int]) -> set[str]:
        """Entities of the first noun group that no preposition or genitive governs."""
        group: list[Token] = []
        for t in tokens:
            if t.i in skip:
                if group:
                    break
                continue
            if not group:
                if t.entity and not self._governed(t.i):
                    group.append(t)
                continue
            if t.entity:
                group.append(t)
            elif t.kind == "punct" or not (
                t.w in ("und", "and") or t.raw[:1].isupper() or t.w in ENGLISH_NOT_NAMES
            ):
                break
        people = {t.entity for t in group if self.kind(t.entity) == "person"}
        return people or {t.entity for t in group}

    def passive_agent(self, tokens: list[Token]) -> set[str]:
        """The entities named in the few words after "von"/"vom", people first."""
        for k, t in enumerate(tokens):
            if t.w in ("von", "vom"):
                found = []
                for u in tokens[k + 1 : k + 6]:
                    if u.kind == "punct":
                        break
                    if u.entity:
                        found.append(u.entity)
                people = {e for e in found if self.kind(e) == "person"}
                return people or set(found)
        return set()

    def _governed(self, k: int) -> bool:
        for j in range(k - 1, max(-1, k - 4), -1):
            t = self.tokens[j]
            if t.kind == "punct":
                return False
            if t.w in _PREPOSITIONS or t.raw in ("'s", "’s"):
                return True
            # A genitive attribute: "das Vorgehen der USA" (a noun, then der/des).
            if j == k - 1 and t.w in ("der", "des") and j > 0:
                noun = self.tokens[j - 1]
                if noun.kind == "word" and noun.raw[:1].isupper() and not noun.entity:
                    return True
            if t.entity and self.tokens[j + 1].raw[:1] in "'’":
                return True
        return False

    def place_claims(self) -> list[tuple[str, str, bool]]:
        """(place, "loc"|"dir", negated) for places after a locative/directional word."""
        out = []
        for t in self.tokens:
            if t.kind != "word":
                continue
            kind = None
            nxt = self.tokens[t.i + 1].w if t.i + 1 < len(self.tokens) else ""
            if t.w in _LOCATIVE[self.language]:
                kind = "loc"
                if self.language == "de" and nxt in german.ACCUSATIVE_ARTICLES:
                    kind = "dir"
            elif self.language == "de" and t.w == "auf" and _DE_AUF_DATIVE.match(nxt):
                kind = "loc"
            elif t.w in _DIRECTIONAL[self.language]:
                kind = "dir"
            if kind is None:
                continue
            for u in self.tokens[t.i + 1 : t.i + 4]:
                if u.kind == "punct":
                    break
                if u.entity and self.kind(u.entity) == "place" and not u.adjective:
                    negated = u.i in self.neg_focus or any(
                        self.tokens[j].w in ("nicht", "not") for j in range(max(0, t.i - 2), t.i)
                    )
                    out.append((u.entity, kind, negated))
                    break
        return out

    def nouns(self) -> list[Token]:
        """Its common nouns: capitalised words inside the sentence that are no name and no
        time ("am Morgen"); a German noun (the first word may be any word)."""
        times = {i for _, span in self._time_spans for i in span}
        return [
            t
            for t in self.tokens[1:]
            if t.kind == "word"
            and t.raw[:1].isupper()
            and not t.entity
            and t.w not in STOPWORDS
            and len(t.w) > 3
            and t.i not in times
            and self.tokens[t.i - 1].raw not in _OPENERS
        ]

    def hedged(self) -> set[str]:
        """Concepts of the nouns a hedge adjective qualifies ("ein mutmaßlicher
        Diebstahl"): what the text only calls possible or alleged."""
        out: set[str] = set()
        for t in self.tokens[:-1]:
            if t.kind == "word" and t.w.startswith(_HEDGES) and t.raw[:1].islower():
                noun = self.tokens[t.i + 1]
                if noun.kind == "word" and noun.raw[:1].isupper():
                    out |= noun.concepts
        return out

    def hedges(self) -> bool:
        """Does it hedge anything ("möglich", "mutmaßlich", "alleged", "possibly")?"""
        return any(t.w.startswith(_HEDGES) or t.w in english.HEDGE_WORDS for t in self.tokens)

    def compound_places(self) -> set[str]:
        """Places that lead a hyphenated compound: "Ukraine-Krieg", "Nato-Gebiet"."""
        return {t.entity for t in self.tokens if t.entity and t.hyphen_after}

    def segment_start(self, i: int) -> int:
        """Index of the first token of the colon-separated segment holding token i."""
        start = 0
        for t in self.tokens[:i]:
            if t.kind == "punct" and t.raw in ":;":
                start = t.i + 1
        return start

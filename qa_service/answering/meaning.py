"""MeaningCheck: a generated sentence is kept only if what it claims is in its quote.

Similarity is not meaning: "Brunner said all pensions would rise by three percent at
once" shares most words with a quote that says *after the budget vote*, *the minimum
pension*, *could*. So a sentence is read for the claims a small model
gets wrong, and each must be found in the quote (German or English on either side; word lists
in `data/meaning_lexicon.tsv` hold only general language: countries, institutions a dictionary
has, words, numbers, units, times - no person, city or organisation of any corpus):

- who: every name it uses is in the quote or its speaker's line, in any spelling (names are
  read from the text, `name_words.py`); a country only where the quote names it, also as the
  speaker's ("des britischen Premierministers"); the speaker it names is the quote's speaker;
  the actor of its clause is not someone the quote names in another role ("Fenwick
  informed Petrenko" for "Petrenko hatte Fenwick informiert"), and a person stays in the
  clause the quote puts them in;
- roles: "the chancellor", "Vizekanzler" only where the quote or its speaker's line gives that
  role (no role is taken to name a person: who is "Kanzler" depends on the corpus);
- numbers and what they count ("40 Drohnen" is not "40 missiles");
- negation: what the quote negates is not stated, and nothing the quote states is negated
  ("rejected", "ruled out", "criticised" count as negations);
- modality: no firmer than the quote (könnte < wollen/sollen < fact);
- condition: the quote's condition is kept and is the same ("nach einem Waffenstillstand"
  is not "in the event of a war"); none is invented; "before" is not "after";
- place: "in X" only where the quote has X as a location, negated alike;
- time: weekdays, months, "again", "yesterday", ... only those the quote has;
- and it must share something with the quote at all (a name, a number, a word); a German
  sentence over a German quote, half its content words.

The rules are deliberately strict: a dropped faithful sentence costs a fallback to the
extractive answer, a kept distortion costs the user's trust. Measured on
tests/data/meaning_pairs.jsonl (README, "Meaning check").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from qa_service.answering.name_words import ENGLISH_NOT_NAMES, is_name, is_role_word, same_name
from qa_service.lang import english, german
from qa_service.language import detect_language
from qa_service.spelling import fold, name_key

LEXICON = Path(__file__).resolve().parent.parent / "data" / "meaning_lexicon.tsv"
# A German sentence over a German quote: at least this share of its content words (stems or
# word-list concepts) must be the quote's. Faithful paraphrases in the labelled set: >= 0.56.
MIN_SHARED_WORDS = 0.5
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


def _any_word(words: frozenset[str]) -> str:
    """A regex for any of the words, whole."""
    return r"\b(?:" + "|".join(sorted(words)) + r")\b"


STOPWORDS = _folded(german.CLAIM_STOPWORDS, english.CLAIM_STOPWORDS)
_SPEECH = {"de": _folded(german.SPEECH_FORMS), "en": english.SPEECH_FORMS}
_FRAME_NEXT = {"de": german.SOURCE_MARKERS, "en": frozenset()}
_PREPOSITIONS = _folded(german.GOVERNING_WORDS, english.GOVERNING_WORDS)
_PRONOUNS = german.PERSON_REFERENCES | english.PERSON_REFERENCES
_PARTICLES = _folded(german.SEPARABLE_PARTICLES)
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
    "de": (_any_word(german.NEGATIONS), german.REJECTION_PATTERN),
    "en": (
        _any_word(english.NEGATIONS) + "|" + english.CONTRACTED_NEGATION,
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
_DE_AUF_DATIVE = re.compile(german.AUF_LOCATIVE_PATTERN)
_DIRECTIONAL = {"de": german.DIRECTIONAL_PREPOSITIONS, "en": english.DIRECTIONAL_PREPOSITIONS}
_PASSIVE = re.compile(_any_word(german.PASSIVE_AUXILIARIES | english.PASSIVE_AUXILIARIES))
_FRAGMENT_WORDS = german.FRAGMENT_WORDS | english.FRAGMENT_WORDS
_PASSIVE_AGENT = re.compile(german.PASSIVE_AGENT_PATTERN)


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
        elif kind == "time":
            lex.times += [(_form(f), key) for f in forms.split()]
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

    def same(self, other: Condition) -> bool:
        """The same condition: "after a ceasefire" renders "im Falle/sobald einer Waffenruhe"
        (the bases come once there is one), but never "vor einer Waffenruhe"."""
        kinds = {self.kind, other.kind}
        return bool(self.concepts & other.concepts) and (len(kinds) == 1 or "before" not in kinds)


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
        `speakers`: words of persons' names ("so Salzburger" for the speaker Walter
        Salzburger: a person, though "Salzburger" is a noun too)."""
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
        out = []
        for t in self.tokens:
            value = None
            if t.kind == "num":
                value = _number_value(t.raw, self.language)
            elif t.kind == "word":
                for form, v in lex.numbers:
                    if form.match(self.tokens, t.i, self.language):
                        value = v
                        break
            if value is not None:
                out.append((value, self._unit(t, lex), t.i))
        return out

    def _unit(self, t: Token, lex: Lexicon) -> str | None:
        after = fold(self.text[t.end : t.end + 14])
        if re.match(r"\s*-?\s*(jahrig|year-old|years?[- ]old)", after):
            return "age"
        k, seen = t.i + 1, 0
        while k < len(self.tokens) and seen < 3:
            u = self.tokens[k]
            if u.kind == "punct" and u.raw not in "-%":
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
            for segment in self._segments(_CLAUSE_PUNCT):
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

    def _segments(self, stops: frozenset[str]) -> list[list[Token]]:
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
        return focus

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

    def align(self, *others: Text) -> None:
        """Give each name of this text the id of the same name in `others` ("Zavadsky" is
        the quote's "Sawadskyj"), and what one text tells of it to all (a place after "in",
        a person by a first name); a name the others have only as a plain word ("Gärtner", a
        noun too) is noted in `quoted_names`."""
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
            out.append(Condition(kind, concepts, scope))
        return out

    def orders(self) -> set[str]:
        return {
            key for key, pattern in _ORDER[self.language].items() if re.search(pattern, self.low)
        }

    def times(self) -> set[str]:
        lex = lexicon()
        out = set()
        for t in self.tokens:
            if t.kind == "word":
                for form, key in lex.times:
                    if form.match(self.tokens, t.i, self.language):
                        out.add(key)
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
        for k in sorted(frame):  # the whole name: "Alan Hartley", not only "Alan"
            j = k + 1
            while (
                j < len(self.tokens)
                and self.tokens[k].entity
                and (self.tokens[j].entity == self.tokens[k].entity)
            ):
                frame.add(j)
                j += 1
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

    def compound_places(self) -> set[str]:
        """Places that lead a hyphenated compound: "Ukraine-Krieg", "Nato-Gebiet"."""
        return {t.entity for t in self.tokens if t.entity and t.hyphen_after}


def _segment_start(q: Text, i: int) -> int:
    """Index of the first token of the colon-separated segment holding token i."""
    start = 0
    for t in q.tokens[:i]:
        if t.kind == "punct" and t.raw in ":;":
            start = t.i + 1
    return start


@dataclass(frozen=True)
class Verdict:
    faithful: bool
    reasons: tuple[str, ...] = ()  # "kind: detail", the first word is the rule that failed


class MeaningCheck:
    """Is what `sentence` claims in `quote`? `speaker` is who the article says spoke the
    quote; `context` is other text the claim may rest on (the citation's date)."""

    def check(
        self,
        sentence: str,
        quote: str,
        *,
        speaker: str | None = None,
        context: str = "",
        language: str | None = None,
    ) -> Verdict:
        # The speaker is a name wherever it appears, and so is every name of the quote.
        spoke = tuple(w for w in re.findall(r"[^\W\d_]+", speaker or "") if w[:1].isupper())
        q = Text(quote, speakers=spoke)
        extra = Text(f"{speaker or ''} {context}".strip() or ".", q.language, speakers=spoke)
        named = tuple(t.raw for x in (q, extra) for t in x.tokens if t.entity)
        s = Text(sentence, language, known=named, speakers=spoke)
        s.align(q, extra)
        reasons = []
        for rule in (
            self._topic,
            self._who,
            self._roles,
            self._numbers,
            self._negation,
            self._modality,
            self._condition,
            self._place,
            self._time,
            self._untranslated,
        ):
            reasons += rule(s, q, extra, speaker)
        return Verdict(not reasons, tuple(reasons))

    # -- rules ---------------------------------------------------------------------------

    def _topic(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        """A sentence must be about its quote at all ("Der Mond besteht aus Käse" is not)."""
        quoted = q.concepts() | extra.concepts()
        allowed = self._allowed(q, extra) | s.quoted_names
        if not (s.concepts() & quoted or s.entity_ids() & allowed):
            return ["topic: nothing in common with the quote"]
        words = {c for c in s.concepts() if c[:2] in ("C:", "S:")}
        same_language = s.language == q.language == "de"  # then its words must recur
        if same_language and words and len(words & quoted) < MIN_SHARED_WORDS * len(words):
            return ["topic: most of its words are not in the quote"]
        return []

    def _allowed(self, q: Text, extra: Text) -> set[str]:
        allowed = q.entity_ids() | extra.entity_ids()
        for e in list(allowed):
            if affiliation(e):
                allowed.add(affiliation(e))
        return allowed

    def _who(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        lex = lexicon()
        out = []
        allowed = self._allowed(q, extra) | s.quoted_names
        for e in sorted(s.entity_ids() - allowed):
            out.append(f"subject: {e.removeprefix(NAME)} is not in the quote")
        s_speakers, s_frame = s.speakers(lex)
        q_speakers, q_frame = q.speakers(lex)
        q_speakers |= {m.id for m in extra.mentions if extra.kind(m.id) != "place"}
        # "the British prime minister said" names Hartley by the country the quote gives him
        # ("nach den Worten des britischen Premierministers Alan Hartley").
        q_countries = {affiliation(e) for e in q_speakers} - {None}
        q_countries |= {q.tokens[k].entity for k in q_frame if q.tokens[k].entity}
        if s_speakers and q_speakers and not s_speakers <= q_speakers | q_countries:
            said = ", ".join(sorted(s_speakers - q_speakers - q_countries))
            out.append(
                f"speaker: {said} did not say this (the quote's speaker: "
                f"{', '.join(sorted(q_speakers))})"
            )
        s_part, q_part = self._best_parts(s, q)
        acts = not s.fragment and not _PASSIVE.search(s.low)
        if s_part is not None and q_part is not None and acts:
            a_s = s.agent(s_part, s_frame)
            # A German passive names who acts after "von": "wird von Haberl vertreten".
            passive = _PASSIVE_AGENT.search(q.low)
            a_q = q.passive_agent(q_part) if passive else q.agent(q_part, q_frame)
            if a_s and a_q and not a_s & a_q and a_s <= q.entity_ids() | q_speakers:
                out.append(
                    f"subject: {', '.join(sorted(a_s))} is not who acts in the quote "
                    f"({', '.join(sorted(a_q))})"
                )
        if len(q.parts) > 1:
            out += self._binding(s, q, s_speakers | q_speakers)
        return out

    def _roles(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        """A role the sentence gives ("the chancellor", "Vizekanzler", "vice-chancellor") is
        one the quote or its speaker's line gives: the same word or its translation."""
        quoted = q.concepts() | extra.concepts()
        out = []
        for t in s.tokens:
            if t.kind != "word" or not is_role_word(t.raw):
                continue
            chain = [t]  # "vice-chancellor": the words joined to it by hyphens
            while chain[0].i > 0 and s.tokens[chain[0].i - 1].hyphen_after:
                chain.insert(0, s.tokens[chain[0].i - 1])
            for u in chain:
                if u.entity:  # "US-President": the country is the who rule's
                    continue
                meanings = {c for c in u.concepts if c.startswith("C:")} or u.concepts
                if meanings and not meanings <= quoted:
                    out.append(f"role: {'-'.join(u.raw for u in chain)} is not the quote's")
                    break
        return out

    def _binding(self, s: Text, q: Text, speakers: set[str]) -> list[str]:
        """A person stays in the clause the quote puts them in."""
        out = []
        for part in s.parts:
            people = {e for e in s.entity_ids(part) if s.kind(e) == "person" and e not in speakers}
            if not people:
                continue
            concepts = {c for c in s.concepts(part) if not c.startswith("E:")}
            scored = [
                (len(concepts & {c for c in q.concepts(p) if not c.startswith("E:")}), p)
                for p in q.parts
            ]
            best = max(score for score, _ in scored)
            if best == 0:
                continue
            homes = [p for score, p in scored if score == best]
            home = set().union(*(q.entity_ids(p) for p in homes))
            if any(t.w in _PRONOUNS for p in homes for t in p):  # "dass er ...": anyone before
                first = min(p[0].i for p in homes)
                home |= {m.id for m in q.mentions if m.start < first}
            for e in sorted(people - home):
                if e in q.entity_ids():
                    out.append(f"subject: {e} is in another clause of the quote")
        return out

    def _best_parts(self, s: Text, q: Text):
        """The sentence's main clause and the quote clause it best matches."""
        if not s.parts or not q.parts:
            return None, None
        best, pair = -1, (None, None)
        for sp in s.parts:
            cs = s.concepts(sp)
            for qp in q.parts:
                score = len(cs & q.concepts(qp))
                if score > best:
                    best, pair = score, (sp, qp)
        return pair if best > 0 else (None, None)

    def _numbers(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        out = []
        known = q.numbers + extra.numbers
        for value, unit, _ in s.numbers:
            same = [u for v, u, _ in known if v == value]
            if not same:
                out.append(f"number: {value:g} is not in the quote")
            elif unit and any(same) and unit not in same:
                units = ", ".join(sorted({u for u in same if u}))
                out.append(f"number: {value:g} counts {unit}, the quote's {units}")
        return out

    def _negation(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        q_neg = q.concepts([q.tokens[i] for i in q.neg_focus]) if q.neg_focus else set()
        q_pos = q.concepts(skip=q.neg_focus | {k for k, _ in q.negations})
        s_neg = s.concepts([s.tokens[i] for i in s.neg_focus]) if s.neg_focus else set()
        s_pos = s.concepts(skip=s.neg_focus | {k for k, _ in s.negations})
        out = []
        dropped = sorted((s_pos & q_neg) - q_pos - s_neg)
        if dropped and not s_neg & q_neg:  # negated alike, if with another scope
            out.append(f"negation: the quote negates {dropped[0]}")
        added = sorted((s_neg & q.concepts()) - q_neg)
        if added:
            out.append(f"negation: the quote does not negate {added[0]}")
        return out

    def _untranslated(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        """An English sentence over a German quote says it in English: two or more of the
        quote's own lower-case words ("geschützte", "militärische") mean it was not."""
        if s.language != "en" or q.language != "de":
            return []
        quoted = {t.w for t in q.tokens if t.kind == "word"}
        left = [
            t.raw
            for t in s.tokens
            if t.kind == "word"
            and t.raw.islower()
            and len(t.w) >= 4
            and t.w in quoted
            and t.w not in german.SHARED_WITH_ENGLISH
        ]
        return (
            [f"language: German words left untranslated ({', '.join(left)})"]
            if len(left) > 1
            else []
        )

    def _modality(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        if s.fragment:
            return []
        _, q_part = self._best_parts(s, q)
        if q_part is None:
            quote_level = q.modality()
        else:  # the clause and the clauses governing it ("kann gehören, dass wir ...")
            upto = [t for t in q.tokens if t.i <= q_part[-1].i]
            quote_level = q.modality(upto[_segment_start(q, q_part[0].i) :])
        if s.modality() < quote_level:
            names = {0: "a fact", 1: "intended", 2: "possible"}
            return [f"modality: stated as {names[s.modality()]}, the quote: {names[quote_level]}"]
        return []

    def _condition(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        out = []
        qc = q.conditions()
        segments = q._segments(frozenset(":;"))
        covering = qc if len(segments) < 2 else self._segment_conditions(s, q)
        quote_concepts = q.concepts()
        sc = s.conditions()
        for own in sc:
            if any(own.same(c) for c in qc):
                continue
            if not qc and own.kind in ("before", "after") and own.concepts & quote_concepts:
                continue  # "nach einem Angriff" where the quote reports the attack
            out.append(
                "condition: not the quote's condition"
                if qc
                else "condition: the quote has no condition"
            )
            break
        claimed, orders = s.concepts(), s.orders()
        if not sc and any(
            c.scope & claimed  # "signed ... before the press conference" claims no deployment
            and not (
                c.concepts & claimed and ("before" if c.kind == "before" else "after") in orders
            )
            for c in covering
        ):
            out.append("condition: the quote's condition is missing")
        opposite = {"before": "after", "after": "before"}
        so, qo = s.orders(), q.orders()
        for order in sorted(so - qo):
            if opposite[order] in qo:
                out.append(f"time: {order}, the quote: {opposite[order]}")
        return out

    def _segment_conditions(self, s: Text, q: Text) -> list:
        """Conditions in the colon-separated part of the quote the sentence matches."""
        cs = s.concepts()
        segments = q._segments(frozenset(":;"))
        best = max(segments, key=lambda seg: len(cs & q.concepts(seg)))
        text = q.low[best[0].start : best[-1].end]
        return Text(text, q.language).conditions()

    def _place(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        q_claims = q.place_claims()
        q_compounds = q.compound_places()
        q_negated = {p for p, _, neg in q_claims if neg}
        out = []
        for place, kind, negated in s.place_claims():
            if kind == "loc":
                ok = any(p == place and k == "loc" and n == negated for p, k, n in q_claims)
                ok = ok or (not negated and place in q_compounds and place not in q_negated)
            else:
                ok = any(p == place and n == negated for p, _, n in q_claims) or (
                    place in q.entity_ids() and place not in q_negated and not negated
                )
            if not ok:
                out.append(f"place: {'not ' if negated else ''}{kind} {place} is not the quote's")
        return out

    def _time(self, s: Text, q: Text, extra: Text, speaker: str | None) -> list[str]:
        missing = s.times() - q.times() - extra.times()
        return [f"time: {', '.join(sorted(missing))} is not in the quote"] if missing else []

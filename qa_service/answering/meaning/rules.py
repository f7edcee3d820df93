"""The rules of the meaning check, one class each: what a generated sentence may not claim
beyond its quote.

A rule reads a `Reading` (the sentence, the quote and the speaker's line, each read once by
`reader.Text`) and returns its reasons, each "kind: detail"; none means it finds nothing
wrong. A new rule is a class here, listed in `RULES`, with its cases in
`tests/data/meaning_rules/<name>.jsonl`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Protocol

from qa_service.answering.meaning.reader import (
    NAME,
    STOPWORDS,
    Text,
    Token,
    Translate,
    Words,
    affiliation,
    any_word,
    lexicon,
)
from qa_service.answering.name_words import is_role_word
from qa_service.lang import english, german
from qa_service.retrieval.tokens import tokenize
from qa_service.spelling import fold

# A German sentence over a German quote: at least this share of its content words (stems or
# word-list concepts) must be the quote's. Faithful paraphrases in the labelled set: >= 0.56.
MIN_SHARED_WORDS = 0.5

_PASSIVE = re.compile(any_word(german.PASSIVE_AUXILIARIES | english.PASSIVE_AUXILIARIES))
_PASSIVE_AGENT = re.compile(german.PASSIVE_AGENT_PATTERN)
_PRONOUNS = german.PERSON_REFERENCES | english.PERSON_REFERENCES
_REFERRING = german.REFERRING_PRONOUNS


@dataclass
class Reading:
    """A sentence read beside its quote: `extra` is the speaker's line and the context the
    claim may rest on (the citation's date); `speaker` who the article says spoke."""

    sentence: Text
    quote: Text
    extra: Text
    speaker: str | None
    words: Words | None = None  # an English word's German index tokens

    @classmethod
    def of(
        cls,
        sentence: str,
        quote: str,
        speaker: str | None,
        context: str,
        language: str | None,
        translate: Translate | None = None,
        words: Words | None = None,
    ) -> Reading:
        """Read the three together: the speaker is a name wherever it appears, and so is
        every name of the quote; the sentence's names take the ids of the quote's (an English
        one by its German forms in `translate`)."""
        spoke = tuple(w for w in re.findall(r"[^\W\d_]+", speaker or "") if w[:1].isupper())
        q = Text(quote, speakers=spoke)
        extra = Text(f"{speaker or ''} {context}".strip() or ".", q.language, speakers=spoke)
        named = tuple(t.raw for x in (q, extra) for t in x.tokens if t.entity)
        s = Text(sentence, language, known=named, speakers=spoke)
        s.align(q, extra, translate=translate)
        return cls(s, q, extra, speaker, words)

    @cached_property
    def allowed(self) -> frozenset[str]:
        """Entities the sentence may name: the quote's and the speaker line's, and the
        countries of their institutions."""
        allowed = self.quote.entity_ids() | self.extra.entity_ids()
        allowed |= {affiliation(e) for e in allowed} - {None}
        return frozenset(allowed | self.sentence.quoted_names)

    @cached_property
    def best_parts(self) -> tuple[list[Token] | None, list[Token] | None]:
        """The sentence's clause and the quote clause it best matches (by shared concepts)."""
        s, q = self.sentence, self.quote
        best, pair = 0, (None, None)
        for sp in s.parts:
            cs = s.concepts(sp)
            for qp in q.parts:
                score = len(cs & q.concepts(qp))
                if score > best:
                    best, pair = score, (sp, qp)
        return pair


class Rule(Protocol):
    name: ClassVar[str]  # its cases file: tests/data/meaning_rules/<name>.jsonl

    def check(self, r: Reading) -> list[str]: ...


class Topic:
    """A sentence must be about its quote at all ("Der Mond besteht aus Käse" is not); a
    German sentence over a German quote shares half its content words."""

    name = "topic"

    def check(self, r: Reading) -> list[str]:
        s, q, extra = r.sentence, r.quote, r.extra
        quoted = q.concepts() | extra.concepts()
        if not (s.concepts() & quoted or s.entity_ids() & r.allowed):
            return ["topic: nothing in common with the quote"]
        words = {c for c in s.concepts() if c[:2] in ("C:", "S:")}
        same_language = s.language == q.language == "de"  # then its words must recur
        if same_language and words and len(words & quoted) < MIN_SHARED_WORDS * len(words):
            return ["topic: most of its words are not in the quote"]
        return []


class Nouns:
    """A German sentence over a German quote names things with the quote's nouns: each of
    its nouns is one of the quote's, or the end of one (the sentence may drop a modifier:
    "Ausschuss" for "Finanzausschuss"), never one with another modifier or another noun
    ("Innenministerium" for "Justizministerium", "Bahnhof" for "Flughafen"). A role noun
    is the Roles rule's."""

    name = "nouns"

    def check(self, r: Reading) -> list[str]:
        s, q = r.sentence, r.quote
        if not s.language == q.language == "de":
            return []
        theirs = {t.w for x in (q, r.extra) for t in x.tokens if t.kind == "word"}
        # the quote's "diese" may stand for a noun the sentence names; roles are Roles'
        unmatched = -sum(t.w in _REFERRING for t in q.tokens)
        for noun in s.nouns():
            if not _one_of(noun.w, theirs) and not is_role_word(noun.raw):
                unmatched += 1
                if unmatched > 0:
                    return [f"subject: {noun.raw} is not in the quote"]
        return []


def _stem(word: str) -> str:
    """A German noun past its inflection: "Punkten", "Punkte" -> "punkt"."""
    return word[: max(5, len(word) - 3)]


def _one_of(noun: str, words: set[str]) -> bool:
    """Is `noun` one of `words`, the end of one ("Ausschuss": "Finanzausschuss"), or two of
    them joined ("Landesmittel": "Mittel des Landes")?"""
    stem = _stem(noun)
    if any(w.startswith(stem) or stem in w[1:] for w in words):
        return True
    return any(
        len(w) >= 5
        and (at := noun.find(_stem(w), 3)) > 0
        and any(v.startswith(noun[:at][:5]) for v in words if len(v) >= 3)
        for w in words
    )


class Who:
    """Every name is the quote's or its speaker line's; the speaker named is the quote's;
    the actor of the clause is not someone the quote gives another role ("Fenwick informed
    Petrenko" for "Petrenko hatte Fenwick informiert"); a person stays in their clause."""

    name = "who"

    def check(self, r: Reading) -> list[str]:
        s, q, extra = r.sentence, r.quote, r.extra
        lex = lexicon()
        out = [
            f"subject: {e.removeprefix(NAME)} is not in the quote"
            for e in sorted(s.entity_ids() - r.allowed)
        ]
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
        s_part, q_part = r.best_parts
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

    @staticmethod
    def _binding(s: Text, q: Text, speakers: set[str]) -> list[str]:
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


class Roles:
    """A role the sentence gives ("the chancellor", "Vizekanzler", "vice-chancellor") is one
    the quote or its speaker's line gives: the same word or its translation (no role is taken
    to name a person: who holds it depends on the corpus)."""

    name = "roles"

    def check(self, r: Reading) -> list[str]:
        s = r.sentence
        quoted = r.quote.concepts() | r.extra.concepts()
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


class Numbers:
    """Every number is the quote's, counting the same: a unit of the word list ("40
    Drohnen" is not "40 missiles"), else the words after it ("400 pensioners per 1,000
    inhabitants" is not "auf 1.000 Erwerbstätige"; an English word by its German
    translations)."""

    name = "numbers"

    def check(self, r: Reading) -> list[str]:
        out = []
        for value, unit, i in r.sentence.numbers:
            same = [(u, x, k) for x in (r.quote, r.extra) for v, u, k in x.numbers if v == value]
            units = {u for u, _, _ in same if u}
            if not same and not _converted(value, unit, r.quote.numbers + r.extra.numbers):
                out.append(f"number: {value:g} is not in the quote")
            elif unit and units and unit not in units:
                theirs = ", ".join(sorted(units))
                out.append(f"number: {value:g} counts {unit}, the quote's {theirs}")
            elif not unit:
                mine = r.sentence.counted(i)
                theirs = [t for _, x, k in same for t in x.counted(k)]
                if _counts_other(r, mine, theirs):
                    said = " ".join(t.raw for t in mine)
                    quoted = " ".join(t.raw for t in theirs)
                    out.append(f"number: {value:g} counts {said}, the quote's {quoted}")
        return out


# One span in two units: "two weeks" are "14 Tage".
_SPANS = {("week", "day"): 7}


def _converted(value: float, unit: str | None, quoted: list[tuple[float, str | None, int]]) -> bool:
    """Is the number the quote's in another unit of the same span?"""
    for (big, small), factor in _SPANS.items():
        for v, u, _ in quoted:
            if (unit, u) == (big, small) and v == value * factor:
                return True
            if (unit, u) == (small, big) and v * factor == value:
                return True
    return False


def _counts_other(r: Reading, mine: list[Token], theirs: list[Token]) -> bool:
    """Do a number's counted words name something else than the quote's for it? Not
    where either side has none, nor an English word the word list cannot translate."""
    if not mine or not theirs:
        return False
    quoted = {x for t in theirs for x in tokenize(t.raw)}
    said = {x for t in mine for x in tokenize(t.raw)}
    if r.sentence.language == "en" and r.quote.language == "de":
        if r.words is None:
            return False
        words = [t.raw.lower() for t in mine]
        words += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        german_ = {x for w in words for x in (*r.words(w), *r.words(w.removesuffix("s")))}
        if not german_:
            return False
        said |= german_
    return not any(a == b or (len(a) >= 4 and (a in b or b in a)) for a in said for b in quoted)


# Longest first: "nicht mehr als" is a bound from above, "mehr als" one from below.
_BOUNDS = sorted(
    [(tuple(fold(b).split()), "from below") for b in german.LOWER_BOUNDS + english.LOWER_BOUNDS]
    + [(tuple(fold(b).split()), "from above") for b in german.UPPER_BOUNDS + english.UPPER_BOUNDS],
    key=lambda bound: -len(bound[0]),
)


def _bounds(text: Text) -> dict[float, str]:
    """Each number's bound, by the words right before it ("bis zu 5.000": from above)."""
    out = {}
    for value, _, i in text.numbers:
        before = tuple(t.w for t in text.tokens[max(0, i - 3) : i])
        bound = next(
            (b for words, b in _BOUNDS if before[len(before) - len(words) :] == words), None
        )
        if bound:
            out[value] = bound
    return out


class Bounds:
    """A number bounded as the quote bounds it: "more than 5,000" is not "bis zu 5.000"."""

    name = "bounds"

    def check(self, r: Reading) -> list[str]:
        quoted = _bounds(r.quote)
        return [
            f"bounds: {value:g} {bound}, the quote's {quoted[value]}"
            for value, bound in _bounds(r.sentence).items()
            if quoted.get(value, bound) != bound
        ]


_MULTIPLES = re.compile(
    "|".join(rf"\b{re.escape(stem)}\w*" for stem in (*german.MULTIPLES, *english.MULTIPLES))
)
_FACTOR = {**german.MULTIPLES, **english.MULTIPLES}


def _factors(text: Text) -> set[float]:
    return {
        next(f for stem, f in _FACTOR.items() if m.group().startswith(stem))
        for m in _MULTIPLES.finditer(text.low)
    }


class Multiples:
    """A change by the quote's factor: "tripled" is not "verdoppelt"."""

    name = "multiples"

    def check(self, r: Reading) -> list[str]:
        said, quoted = _factors(r.sentence), _factors(r.quote)
        if said and quoted and not said & quoted:
            return [f"multiples: by {min(said):g}, the quote by {min(quoted):g}"]
        return []


_REASON = re.compile(f"{german.REASON_PATTERN}|{english.REASON_PATTERN}")
_CAUSAL = re.compile(f"{any_word(german.CAUSAL_WORDS | english.CAUSAL_WORDS)}|{_REASON.pattern}")


class Reasons:
    """A reason only where the quote gives one: "thanks to a faster rise …" or "because he
    lacked training" added to a quote that says no why is an invented cause."""

    name = "reasons"

    def check(self, r: Reading) -> list[str]:
        said = _REASON.search(r.sentence.low)
        if said and not (_CAUSAL.search(r.quote.low) or _CAUSAL.search(r.extra.low)):
            return [f"reasons: '{said.group()}' gives a reason the quote does not"]
        return []


class Negation:
    """What the quote negates is not stated, and nothing the quote states is negated
    ("rejected", "ruled out", "criticised" count as negations)."""

    name = "negation"

    def check(self, r: Reading) -> list[str]:
        s, q = r.sentence, r.quote
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
        if not out and not s.negations:
            out += _negated_in_translation(r)
        return out


def _negated_in_translation(r: Reading) -> list[str]:
    """An English sentence negating nothing states a word whose German translation the
    quote negates, and only negates ("justifiable" for "nicht vertretbar"): the word
    list's concepts do not reach words the bilingual word list has."""
    s, q = r.sentence, r.quote
    if r.words is None or not (s.language == "en" and q.language == "de") or not q.neg_focus:
        return []
    negated = {x for i in q.neg_focus for x in tokenize(q.tokens[i].raw)}
    stated = {x for t in q.tokens if t.i not in q.neg_focus for x in tokenize(t.raw)}
    for t in s.tokens:
        if t.kind == "word" and t.w not in STOPWORDS:
            hit = (set(r.words(t.raw.lower())) & negated) - stated
            if hit:
                return [f"negation: the quote negates {t.raw} ({min(hit)})"]
    return []


_RISING = re.compile(f"{german.RISING_PATTERN}|{english.RISING_PATTERN}")
_FALLING = re.compile(f"{german.FALLING_PATTERN}|{english.FALLING_PATTERN}")


def _directions(text: Text) -> set[str]:
    return {way for way, p in (("rising", _RISING), ("falling", _FALLING)) if p.search(text.low)}


class Direction:
    """An amount or a standing goes the quote's way: "higher" is not "geringer", "still
    losing" not "gewinnen wieder". Only where neither negates ("nicht höher" may well be
    "geringer"), and a quote that goes both ways lets either pass."""

    name = "direction"

    def check(self, r: Reading) -> list[str]:
        s, q = r.sentence, r.quote
        if s.negations or q.negations:
            return []
        said, quoted = _directions(s), _directions(q)
        if said and quoted and not said & quoted:
            return [f"direction: {min(said)} where the quote's is {min(quoted)}"]
        return []


class Modality:
    """No firmer than the quote: possible (könnte) < intended (wollen, sollen) < fact."""

    name = "modality"

    def check(self, r: Reading) -> list[str]:
        s, q = r.sentence, r.quote
        if s.fragment:
            return []
        _, q_part = r.best_parts
        if q_part is None:
            quote_level = q.modality()
        else:  # the clause and the clauses governing it ("kann gehören, dass wir ...")
            upto = [t for t in q.tokens if t.i <= q_part[-1].i]
            quote_level = q.modality(upto[q.segment_start(q_part[0].i) :])
        if s.modality() < quote_level:
            names = {0: "a fact", 1: "intended", 2: "possible"}
            return [f"modality: stated as {names[s.modality()]}, the quote: {names[quote_level]}"]
        return []


class Hedges:
    """What the quote only calls possible or alleged ("als mutmaßlichen Diebstahl")
    the sentence does not state as the thing itself, unless it hedges too."""

    name = "hedges"

    def check(self, r: Reading) -> list[str]:
        kept = sorted(r.quote.hedged() & r.sentence.concepts())
        if kept and not r.sentence.hedges():
            return [f"modality: the quote calls {kept[0]} possible or alleged"]
        return []


class Conditions:
    """The quote's condition is kept and is the same ("nach einem Waffenstillstand" is not
    "in the event of a war"); none is invented; "before" is not "after"."""

    name = "conditions"

    def check(self, r: Reading) -> list[str]:
        s, q = r.sentence, r.quote
        out = []
        qc = q.conditions()
        segments = q.segments(frozenset(":;"))
        covering = qc if len(segments) < 2 else self._segment_conditions(s, q)
        quote_concepts = q.concepts()
        sc = s.conditions()
        across = r.words if s.language == "en" and q.language == "de" else None
        for own in sc:
            if any(own.same(c, across) for c in qc):
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

    @staticmethod
    def _segment_conditions(s: Text, q: Text) -> list:
        """Conditions in the colon-separated part of the quote the sentence matches."""
        cs = s.concepts()
        segments = q.segments(frozenset(":;"))
        best = max(segments, key=lambda seg: len(cs & q.concepts(seg)))
        text = q.low[best[0].start : best[-1].end]
        return Text(text, q.language).conditions()


class Place:
    """ "in X" only where the quote has X as a location, negated alike."""

    name = "place"

    def check(self, r: Reading) -> list[str]:
        q = r.quote
        q_claims = q.place_claims()
        q_compounds = q.compound_places()
        q_negated = {p for p, _, neg in q_claims if neg}
        out = []
        for place, kind, negated in r.sentence.place_claims():
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


class Time:
    """Weekdays, months, "again", "yesterday" ... only those the quote or its date has."""

    name = "time"

    def check(self, r: Reading) -> list[str]:
        missing = r.sentence.times() - r.quote.times() - r.extra.times()
        return [f"time: {', '.join(sorted(missing))} is not in the quote"] if missing else []


class Untranslated:
    """An English sentence over a German quote says it in English: two or more of the
    quote's own lower-case words ("geschützte", "militärische") mean it was not."""

    name = "untranslated"

    def check(self, r: Reading) -> list[str]:
        s, q = r.sentence, r.quote
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


RULES: tuple[Rule, ...] = (
    Topic(),
    Nouns(),
    Who(),
    Roles(),
    Numbers(),
    Bounds(),
    Multiples(),
    Reasons(),
    Negation(),
    Direction(),
    Modality(),
    Hedges(),
    Conditions(),
    Place(),
    Time(),
    Untranslated(),
)

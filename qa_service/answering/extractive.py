"""ExtractiveAnswerer: the model-free default. Quotes the article sentences that answer.

It works on sentence units (the corpus snapshot's sentences with speaker and ticker time)
and on what the question asks (`QuestionAnalysis`):
1. Candidates are the sentences of the retrieved passages, each near-duplicate group once
   (the same dpa sentence in three outlets is one candidate, cited with `also_in`). A
   said-what question about someone the articles quote takes only that speaker's
   sentences, from the passages and from everything the corpus quotes of them; a question
   with a time range only sentences from that range (their ticker entry's time, else the
   article date).
2. Each candidate gets its features (cosine, the question's words and names it holds, the
   kind of thing the question asks for, its speaker, its passage's rank ...), and the
   learned selector (`selection.py`, fitted by `qa train`) turns them into the probability
   that it answers, and the question's into the probability that the articles answer it at
   all; below the selector's threshold for the question's language it refuses, and says why.
3. The chosen sentences are completed with the context they need (compose.py), framed with
   who said them where and when, and quoted unchanged, so every word quoted is the article's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from qa_service.analysis.question import QuestionAnalysis, analyse
from qa_service.answering import answer_types
from qa_service.answering.alignment import Aligned, Alignment
from qa_service.answering.base import AnswerEvent, AnswerRequest, Draft, TextPiece
from qa_service.answering.compose import (
    MAX_ANSWER_CHARS,
    citation,
    complete,
    focus,
    format_when,
    frame,
    merge,
    shorten,
)
from qa_service.answering.refusal import Refusal, below_bar, refusal_draft, unstated_kind
from qa_service.answering.selection import QuestionFacts, Selector, question_features, rows
from qa_service.answering.sentence_vectors import SentenceVectors, StoredSentenceVectors
from qa_service.bilingual import Dictionary
from qa_service.corpus.attribution import SentenceUnit
from qa_service.corpus.names import is_person_noun, is_role, person_key
from qa_service.corpus.snapshot import CorpusSnapshot, RoleHolder
from qa_service.lang import english
from qa_service.models import Language
from qa_service.prompts import PromptLibrary
from qa_service.protocols import Embedder
from qa_service.retrieval.cross_language import content_terms
from qa_service.retrieval.name_translations import shared_translations
from qa_service.retrieval.tokens import STOPWORDS, tokenize
from qa_service.spelling import fold, skeleton

_MIN_WORDS = 5
_WORDS = re.compile(r"[^\W\d_][\w-]*")
_ENDS_SENTENCE = re.compile(r"[.!?…:][\"'“”»«)]*$|[\"“”»]$")
MAX_SPEAKER_SENTENCES = 64
TOPIC_WINDOW = 4  # sentences either side of a statement that may name its topic
TOPIC_MIN = 0.5  # idf-weighted share of the question's known topic words that must be there


@dataclass
class _Candidate:
    unit: SentenceUnit
    rank: int  # the passage's rank; speaker sentences from elsewhere rank after all passages
    also: list[SentenceUnit] = field(default_factory=list)
    cosine: float = 0.0
    lexical: float = 0.0
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)

    @property
    def ends(self) -> bool:
        return bool(_ENDS_SENTENCE.search(self.unit.text))


class ExtractiveAnswerer:
    """An `Answerer` without a language model; not a LangChain Runnable, so a cold `qa ask`
    does not import LangChain (a second of its start)."""

    def __init__(
        self,
        prompts: PromptLibrary,
        embedder: Embedder,
        max_sentences: int = 3,
        max_candidates: int = 24,
        sentence_vectors: SentenceVectors | None = None,
        unit_vectors: StoredSentenceVectors | None = None,
        today: dt.date | None = None,
        selector_file: Path | None = None,
        dictionary: Dictionary | None = None,
        alignment: Alignment | None = None,
    ) -> None:
        self.prompts, self.embedder = prompts, embedder
        self.max_sentences, self.max_candidates = max_sentences, max_candidates
        self.sentence_vectors = sentence_vectors or SentenceVectors(embedder)
        self.unit_vectors = unit_vectors
        self.today = today
        self.selector_file = selector_file
        self.dictionary = dictionary
        # None (an encoder without token vectors, the fast tests' fakes): the feature is 0
        self.alignment = alignment

    @cached_property
    def selector(self) -> Selector:
        """The learned selector (`selector_file`, else the packaged one), read when first
        needed: `qa train` collects features with code whose model it has yet to fit."""
        return Selector.load(self.selector_file)

    def invoke(self, input: AnswerRequest, config=None, **_) -> Draft:
        snapshot = input.snapshot
        if snapshot is None:
            raise ValueError("an extractive answer needs the corpus snapshot it retrieved from")
        analysis = input.analysis or analyse(
            input.question, input.language, self.today or dt.date.today()
        )
        analysis = self.with_role_speaker(analysis, input, snapshot)
        if self._only_absent_names(input, analysis, snapshot):
            refusal = Refusal("absent_name", names=", ".join(input.missing_names))
            return refusal_draft(refusal, self.prompts, input.language)
        speaker = analysis.speaker if analysis.type == "said_what" else None
        if speaker and person_key(speaker) not in snapshot.speakers:
            speaker = None  # not someone the articles quote: "not quoted on this" would mislead
        try:
            candidates, confidence = self.scored(input, analysis)
            if speaker:
                self._on_topic(analysis, candidates, snapshot)
            bar = self.required_confidence(input)
            # The reader is told every word the articles lack, nouns too ("Segelflieger")
            absent = input.missing_names + input.missing_nouns
            if refusal := below_bar(confidence, bar, speaker, absent):
                raise refusal
        except Refusal as refusal:
            return refusal_draft(refusal, self.prompts, input.language)
        chosen = self._choose(candidates, person_key(speaker) if speaker else None)
        stated = (answer_types.states(analysis.type, c.unit, analysis.amount) for c in chosen)
        if refusal := unstated_kind(analysis.type, stated, confidence):
            return refusal_draft(refusal, self.prompts, input.language)
        words = frozenset(tokenize(input.question))
        why = analysis.type == "why"
        completed = merge(
            [
                complete(
                    c.unit, snapshot, then=why and not answer_types.prefers(analysis.type, c.unit)
                )
                for c in chosen
            ]
        )
        quotes = [shorten(q, snapshot, words) for q in completed]
        also = {id(c.unit): c.also for c in chosen}
        citations, parts = [], []
        for n, q in enumerate(quotes, start=1):
            c = citation(q, n, snapshot, also.get(id(q.unit), ()))
            part = frame(c, snapshot.documents[c.doc_id], self.prompts, input.language)
            if parts and sum(map(len, parts)) + len(part) > MAX_ANSWER_CHARS:
                break  # concise: the best quote first, the others while they fit
            citations.append(c)
            parts.append(part)
        text = self.prompts.render("extractive_answer", input.language, quotes="\n".join(parts))
        return Draft(
            text=text,
            citations=tuple(citations),
            confidence=confidence,
            focus=tuple(focus(q, snapshot) for q in quotes[: len(citations)]),
        )

    def warm_up(self) -> None:
        self.embedder.warm_up()

    def events(self, input: AnswerRequest) -> Iterator[AnswerEvent]:
        draft = self.invoke(input)
        yield TextPiece(draft.text)
        yield draft

    def scored(
        self, input: AnswerRequest, analysis: QuestionAnalysis
    ) -> tuple[list[_Candidate], float]:
        """The candidates, each with its features and score (the probability that it
        answers), and the answer's confidence: the probability that the question is
        answerable. Raises Refusal where the question rules every candidate out."""
        candidates, facts = self.featured(input, analysis)
        matrix = rows([c.features for c in candidates])
        probabilities = self.selector.sentence_probabilities(matrix)
        for c, p in zip(candidates, probabilities, strict=True):
            c.score = float(p)
        question = question_features(probabilities, matrix, facts)
        return candidates, self.selector.answerable(question)

    def featured(
        self, input: AnswerRequest, analysis: QuestionAnalysis
    ) -> tuple[list[_Candidate], QuestionFacts]:
        """The candidates with their features, and the question's facts (what `qa train`
        learns from); `analysis` as `with_role_speaker` left it."""
        snapshot = input.snapshot
        assert snapshot is not None
        candidates = self._candidates(input, analysis, snapshot)
        coverage, uncovered, aligned = self._score(input, analysis, candidates)
        names = [n for n in analysis.names if n != analysis.speaker]
        facts = QuestionFacts(
            missing=len(input.missing_names),
            names=len(names) + len(input.missing_names),
            nouns_missing=len(input.missing_nouns),
            english=input.language == "en",
            speaker_asked=analysis.type == "said_what" and analysis.speaker is not None,
            coverage=coverage,
            uncovered=uncovered,
            amount=analysis.amount is not None,
            aligned_coverage=aligned.coverage,
            aligned_weakest=aligned.weakest,
        )
        return candidates, facts

    def required_confidence(self, input: AnswerRequest) -> float:
        """The selector's bar for the question's language (chosen on the development data
        for at most 3 % false refusals)."""
        return self.selector.thresholds[input.language]

    # -- candidates --------------------------------------------------------------------

    def _candidates(
        self,
        input: AnswerRequest,
        analysis: QuestionAnalysis,
        snapshot: CorpusSnapshot,
    ) -> list[_Candidate]:
        speaker = analysis.speaker if analysis.type == "said_what" else None
        key = person_key(speaker) if speaker else None
        if speaker and _mentions_missing(speaker, input.missing_names):
            raise Refusal("absent_name", names=speaker)
        if key is not None and key not in snapshot.speakers and not _named(speaker, snapshot):
            # "the British prime minister": no name the articles use; answer on the topic.
            speaker = key = None
        # "What did X say": X's own words, wherever the articles quote X at all; a speaker
        # they never quote (named by role only, or not attributed) is one feature among many.
        only_speaker = key is not None and key in snapshot.speakers
        out: list[_Candidate] = []
        groups: dict[int, _Candidate] = {}
        seen: set[tuple[str, int]] = set()

        def add(unit: SentenceUnit, rank: int) -> None:
            if (unit.doc_id, unit.start) in seen or len(unit.text.split()) < _MIN_WORDS:
                return
            if only_speaker and unit.speaker_key != key:
                return
            seen.add((unit.doc_id, unit.start))
            group = snapshot.group_of(unit)
            if group is not None and group in groups:
                first = groups[group]
                docs = {first.unit.doc_id} | {u.doc_id for u in first.also}
                if unit.doc_id not in docs:  # a ticker repeating itself is not another outlet
                    first.also.append(unit)
                return
            c = _Candidate(unit, rank)
            out.append(c)
            if group is not None:
                groups[group] = c

        for rank, p in enumerate(input.passages):
            for unit in snapshot.sentences_in(p.doc_id, p.start, p.end):
                add(unit, rank)
        if key is not None:
            docs = {p.doc_id for p in input.passages}
            statements = sorted(
                snapshot.speakers.get(key, ()),
                key=lambda u: (u.doc_id not in docs, -_overlap(analysis, u)),
            )
            filters = input.filters
            for unit in statements[:MAX_SPEAKER_SENTENCES]:
                doc = snapshot.documents[unit.doc_id]
                if filters is None or filters.matches(doc.date, doc.source):
                    add(unit, len(input.passages))
        if not out:
            raise Refusal("not_close_enough")
        out = self._in_time(out, analysis, snapshot, input.language)
        return out[: max(self.max_candidates, MAX_SPEAKER_SENTENCES if key else 0)]

    def _in_time(
        self,
        candidates: list[_Candidate],
        analysis: QuestionAnalysis,
        snapshot: CorpusSnapshot,
        language: Language,
    ) -> list[_Candidate]:
        time = analysis.time
        if time.date_from is None and time.date_to is None:
            return candidates
        kept = []
        # An event is often reported the day after ("in der Nacht zum 5. Januar" in an
        # article of the 6th), or names its own day in the text.
        latest = time.date_to + dt.timedelta(days=1) if time.date_to else None
        for c in candidates:
            day = _when(c.unit, snapshot)
            named = time.expression is not None and time.expression.lower() in c.unit.text.lower()
            # An undated article cannot be ruled out by a date (encyclopaedic text, XQuAD).
            if not named and day is not None:
                if time.date_from and day.date() < time.date_from:
                    continue
                if latest and day.date() > latest:
                    continue
            kept.append(c)
        if not kept:
            period = time.expression or format_when(time.date_from, None, language)
            raise Refusal("outside_time_range", period=period)
        return kept

    # -- scoring and choosing ------------------------------------------------------------

    def _score(
        self, input: AnswerRequest, analysis: QuestionAnalysis, candidates: list[_Candidate]
    ) -> tuple[float, float, Aligned]:
        """Each candidate's features; returns how much of the question's wording the
        candidates' windows hold (idf-weighted share, and the rarest word they lack as a share
        of the rarest word's weight), and the question's alignment with them."""
        snapshot = input.snapshot
        assert snapshot is not None
        query = input.query_vector or self.embedder.embed_query(input.question)
        if self.unit_vectors is not None:
            vectors = self.unit_vectors([c.unit for c in candidates])
        else:
            vectors = self.sentence_vectors([c.unit.text for c in candidates])
        cosines = vectors @ np.asarray(query, dtype=np.float32)
        aligned = (
            self.alignment(input.question, [c.unit for c in candidates])
            if self.alignment is not None
            else Aligned(np.full(len(candidates), np.nan), math.nan, math.nan)
        )
        idf = snapshot.idf
        terms = {t: idf.get(t, 0.0) for t in set(tokenize(input.question))}
        total = sum(terms.values()) or 1.0
        best = float(np.max(cosines))
        order = {i: r for r, i in enumerate(np.argsort(-cosines))}
        names = [n for n in analysis.names if n != analysis.speaker]

        def people(unit: SentenceUnit) -> list[str]:
            return [p.name for p in snapshot.people_in.get(unit.doc_id, ())]

        spellings = [self._spellings(n, input.language) for n in names]
        # The question's names, an English one in its German forms too: "From which country
        # does Talvoria …" does not ask for "in Talvorien".
        asked = {w for n in analysis.names for w in n.split()}
        asked |= {w for forms in spellings for form in forms for w in form}
        key = person_key(analysis.speaker) if analysis.speaker else None
        said = [self._spellings(analysis.speaker, input.language)] if key else []
        english = float(input.language == "en")
        translations = self._translations(input) if english else {}
        weights = {
            w: max((idf.get(t, 0.0) for t in ts), default=0.0) for w, ts in translations.items()
        }
        weight_total = sum(weights.values()) or 1.0

        def translated(found: set[str]) -> float:
            hits = sum(weights[w] for w, ts in translations.items() if _holds(ts, found))
            return hits / weight_total

        # Each question word with the index tokens that count as it (an English word: its
        # German translations; the names as they are).
        wording = (
            [(weights[w], frozenset(ts)) for w, ts in translations.items()]
            + [(idf.get(t, 0.0), frozenset({t})) for n in names for t in tokenize(n)]
            if english
            else [(w, frozenset({t})) for t, w in terms.items()]
        )
        term_tokens = frozenset(t for _, ts in wording for t in ts)
        local: dict[str, list[float]] = {}
        in_article: dict[str, float] = {}  # doc id -> share of the question's names it holds
        around: set[str] = set()
        for i, (c, cos) in enumerate(zip(candidates, cosines, strict=True)):
            found = set(tokenize(c.unit.text))
            c.lexical = sum(w for t, w in terms.items() if t in found) / total
            c.cosine = float(cos)
            window = _window(c.unit, snapshot)
            near = set(tokenize(window))
            around |= near
            units = snapshot.sentences.get(c.unit.doc_id, ())
            if c.unit.doc_id not in local:
                local[c.unit.doc_id] = _local_weights(wording, units)
                doc = snapshot.documents.get(c.unit.doc_id)
                in_article[c.unit.doc_id] = (
                    _name_share(spellings, doc.text, article=True) if doc else 0.0
                )
            c.features = {
                "cosine": c.cosine,
                "cosine_gap": c.cosine - best,
                "cosine_rank": 1 / (1 + order[i]),
                "alignment": float(aligned.per_unit[i]),
                "lexical": c.lexical,
                "lexical_window": sum(w for t, w in terms.items() if t in near) / total,
                "translated": translated(found) if english else c.lexical,
                "translated_window": translated(near)
                if english
                else sum(w for t, w in terms.items() if t in near) / total,
                "distinctive": _distinctive(wording, local[c.unit.doc_id], found),
                "names": _name_share(spellings, c.unit.text),
                "names_window": _name_share(spellings, window),
                "names_article": in_article[c.unit.doc_id],
                "passage_rank": 1 / (1 + c.rank) if c.rank < len(input.passages) else 0.0,
                "ends": float(c.ends),
                "fits": float(
                    answer_types.fits(analysis.type, c.unit, asked, people(c.unit), analysis.amount)
                ),
                "near": float(
                    answer_types.near(analysis.type, c.unit.text, term_tokens, analysis.amount)
                ),
                "reason": float(answer_types.prefers(analysis.type, c.unit)),
                "speaker": float(c.unit.speaker is not None),
                "speaker_match": float(key is not None and c.unit.speaker_key == key),
                # the asked speaker speaks it or is named around it (words the text does
                # not attribute: "Quendlinger" two sentences before)
                "speaker_named": float(
                    key is not None and (c.unit.speaker_key == key or _name_share(said, window) > 0)
                ),
                "said_what_speaker": float(
                    analysis.type == "said_what" and c.unit.speaker is not None
                ),
                "position": c.unit.index / max(1, len(units) - 1),
                "length": math.log(1 + len(c.unit.text)),
                "english": english,
                "english_cosine": english * c.cosine,
                "english_lexical": english * c.lexical,
            }
        # Relative to the question's other candidates, as the cosine gap is: the sentence
        # holding most of the question's words stands out however many words that is.
        for name in ("translated", "lexical", "distinctive", "alignment"):
            top = max(c.features[name] for c in candidates)
            for c in candidates:
                c.features[f"{name}_gap"] = c.features[name] - top
                is_top = float(c.features[name] == top)
                c.features[f"{name}_top"] = math.nan if math.isnan(top) else is_top
        newest = sorted(
            candidates, key=lambda c: _when(c.unit, snapshot) or dt.datetime.min, reverse=True
        )
        for i, c in enumerate(newest):
            c.features["newest"] = (1 - i / len(newest)) if analysis.time.latest else 0.0
        return (*_coverage(wording, around), aligned)

    def with_role_speaker(
        self, analysis: QuestionAnalysis, input: AnswerRequest, snapshot: CorpusSnapshot
    ) -> QuestionAnalysis:
        """ "Was sagte die Vorsitzende Richterin?", "What did the transport minister say?": the
        person the articles name with that role (the corpus name index, read at ingest),
        preferring the retrieved articles, when the articles quote them. The whole role
        phrase first, then its head noun; an English one through the bilingual word list. An
        organisation asked by one form and quoted under another is asked by that one."""
        said = analysis.speaker
        if analysis.type == "said_what" and said and person_key(said) not in snapshot.speakers:
            # "Was sagte der VBZ?" where the articles quote it under its full name, or back
            forms = snapshot.organisation_forms(said)
            if quoted := [f for f in forms if person_key(f) in snapshot.speakers]:
                return dataclasses.replace(analysis, speaker=quoted[0])
        if analysis.type != "said_what" or (
            said
            and (person_key(said) in snapshot.speakers or not _role_phrase(said, input.language))
        ):
            return analysis  # a name the question gives, or a speaker the articles quote
        english_role = _english_role(said, input.language)
        docs = [p.doc_id for p in input.passages]
        words = [w.strip(",.;:!?\"„“'’") for w in input.question.split()[1:]]
        if input.language == "en":
            phrases = _english_roles(words)
            if english_role:
                phrases = [said.split(), said.split()[-1:], *phrases]
            found = [
                holders
                for phrase in phrases
                for tokens in [*self._german_roles(phrase), self._german_tokens(phrase)]
                if (holders := snapshot.people_by_role_tokens(tokens, docs))
            ]
        else:
            roles = [w for w in words if w[:1].isupper() and is_person_noun(w)]
            found = [snapshot.people_by_role(p, docs) for p in (roles, roles[-1:]) if roles]
        quoted = [[h for h in holders if h.key in snapshot.speakers] for holders in found]

        def in_best_article(holders: list[RoleHolder]) -> list[RoleHolder]:
            """Those the best-ranked retrieved article that gives the role to any gives it."""
            return next(
                (ks for d in docs
                 if (ks := [h._replace(docs=frozenset({d})) for h in holders if d in h.docs])),
                [],
            )  # fmt: skip

        # The best-ranked retrieved article's holder (its "Gouverneur", not a "Chef" further
        # down, the word list's looser sense of "governor"), the fullest phrase first; only
        # then, where no retrieved article gives the role, anyone the articles quote: a holder
        # of the fuller phrase in an article not retrieved ("bank governor" -> a
        # "Gruppen-Chef") loses to the one the retrieved article names. One person, or "the
        # minister" of two is no one.
        best = [in_best_article(holders) for holders in quoted]
        elsewhere = [hs for hs, b in zip(quoted, best, strict=True) if not b]
        for holders in [*best, *elsewhere]:
            if len(holders) == 1:
                speaker = _holder_name(holders[0], snapshot)
                return dataclasses.replace(analysis, speaker=speaker)
        # A role no one quoted holds is no one to look for: the answer is on the topic.
        return dataclasses.replace(analysis, speaker=None)

    def _german_roles(self, phrase: list[str]) -> list[list[set[str]]]:
        """A role phrase the dictionary holds whole, as its German words ("transport
        minister" -> Verkehrsminister, where "transport" alone gives no "Verkehr")."""
        if self.dictionary is None or len(phrase) < 2:
            return []
        forms = shared_translations(self.dictionary.source).forms(" ".join(phrase))
        return [[set(tokenize(form))] for form in forms if " " not in form]

    def _german_tokens(self, words: list[str]) -> list[set[str]]:
        """Each English word as the German index tokens it may be (itself too: "minister")."""
        out = []
        for w in words:
            found = set(tokenize(w))
            if self.dictionary is not None:
                found.update(self.dictionary.translations(w))
            out.append(found)
        return out

    def _only_absent_names(
        self, input: AnswerRequest, analysis: QuestionAnalysis, snapshot: CorpusSnapshot
    ) -> bool:
        """Every name the question asks about is one the articles never mention, in any
        spelling or (for English names) translation: "the price of Bitcoin" cannot be in
        them. ("Federal Constitutional Court" is not absent where they say Gericht.)"""
        missing = set(input.missing_names)
        names = analysis.names
        # One-word names only: a run of English words ("Regional Forestry Office")
        # is more often an institution the articles name in German than one they lack.
        if not missing or not names or any(n not in missing for n in names):
            return False
        idf = snapshot.idf
        for name in missing:
            for word in name.split():
                if self.dictionary is not None and self.dictionary.translations(word, idf):
                    return False
        return True

    def _spellings(self, name: str, language: str) -> list[tuple[str, ...]]:
        """A name as the folded words that count as it in German text: its last word, and
        for an English name its German forms from the dictionary ("Syria" -> Syrien,
        "European Central Bank" -> EZB); two-letter country codes are left out."""
        out = [(fold(name.split()[-1].lower()),)]
        if language == "en" and self.dictionary is not None:
            table = shared_translations(self.dictionary.source)
            for form in {*table.forms(name), *table.forms(name.split()[-1])}:
                if len(form) >= 4:
                    out.append(tuple(form.split()))
        return out

    def _translations(self, input: AnswerRequest) -> dict[str, list[str]]:
        """The English question's content words (two as one term where the word list has
        them: "real estate") and their German index tokens."""
        if self.dictionary is None:
            return {}
        idf = input.snapshot.idf if input.snapshot is not None else None
        words = (w.lower() for _, w in content_terms(input.question, self.dictionary))
        return {w: ts for w in words if (ts := self.dictionary.translations(w, idf))}

    def _on_topic(
        self, analysis: QuestionAnalysis, candidates: list[_Candidate], snapshot: CorpusSnapshot
    ) -> None:
        """A speaker's statement answers "what did X say about Y" only if the text around it
        is about Y: the cosine of X's words to the question stays high when Y is something
        X never spoke of ("Brunner" + "Treffen in Dornbach"). So the topic words the corpus
        knows (idf-weighted) must mostly occur within a few sentences of a statement."""
        idf = snapshot.idf
        # Each topic word as the index tokens that count as it.
        topic = [{t} for t in analysis.topic]
        if analysis.language != "de":
            # English words stem into German ones by accident ("send", "attack"): across
            # languages only the names of the question are looked for in German text, those
            # the word list holds ("Regional Forestry Office") as its German words.
            names = [n for n in analysis.names if n != analysis.speaker]
            topic = [
                {t, *(self.dictionary.translations(w, idf) if self.dictionary else ())}
                for n in names
                for w in n.split()
                for t in tokenize(w)
            ]
        terms = [(max(idf.get(t, 0.0) for t in ts), ts) for ts in topic]
        terms = [(w, ts) for w, ts in terms if w > 0]
        if not terms:
            return
        total = sum(w for w, _ in terms)
        for c in candidates:
            window = " ".join(
                u.text
                for step in range(-TOPIC_WINDOW, TOPIC_WINDOW + 1)
                if (u := snapshot.neighbour(c.unit, step)) is not None
            )
            found = set(tokenize(window))
            # A word counts inside a compound too ("amt" in "Forstamt").
            joined = " ".join(found)
            hits = sum(
                w for w, ts in terms if ts & found or any(len(t) >= 4 and t in joined for t in ts)
            )
            if hits >= TOPIC_MIN * total:
                return
        raise Refusal(
            "speaker_not_quoted",
            max(c.cosine for c in candidates),
            speaker=analysis.speaker or "",
        )

    def _choose(self, candidates: list[_Candidate], speaker: str | None) -> list[_Candidate]:
        """The best candidate and the further quotes nearly as likely to answer: sentences,
        not headlines; for "What did X say?" answered in X's words (`speaker`: X's person
        key), X's words only, as the reader asked for them and not someone else's."""
        ranked = sorted(candidates, key=lambda c: (-c.score, c.rank, c.unit.start))
        best = ranked[0]
        floor = best.score * self.selector.further_quote
        own = speaker is not None and best.unit.speaker_key == speaker
        chosen = [
            best,
            *(
                c
                for c in ranked[1:]
                if c.score >= floor and c.ends and (not own or c.unit.speaker_key == speaker)
            ),
        ]
        return _reading_order(chosen[: self.max_sentences])


def _holder_name(holder: RoleHolder, snapshot: CorpusSnapshot) -> str:
    """A role's holder as an article giving them the role names them: one entry of the name
    index may hold two people whose surnames share a skeleton ("Hugo Fischer" the mayor,
    "Anna Fischer" the president)."""
    for doc in sorted(holder.docs):
        for person in snapshot.people_in.get(doc, ()):
            if person.key == holder.key:
                return person.name
    return snapshot.people[holder.key].name


def _english_role(said: str | None, language: Language) -> bool:
    """ "the political scientist": an English role in lower case, which the articles name in
    German ("Politikwissenschafter")."""
    return language == "en" and said is not None and said.islower()


def _role_phrase(said: str, language: Language) -> bool:
    """Does a said-what question ask for a role rather than a name: "der Verteidiger",
    "Quendlingers Anwalt" (a person noun after a genitive), "the political scientist"?"""
    if _english_role(said, language):
        return True
    words = said.split()
    return is_person_noun(words[-1]) and all(
        is_person_noun(w) or w.endswith("s") for w in words[:-1]
    )


def _english_roles(words: list[str]) -> list[list[str]]:
    """An English role phrase with the word before its role noun, then the role noun alone:
    "the transport minister" -> [transport, minister], [minister]; "the vice-rector" ->
    [vice, rector], [rector]."""
    # "Lorbach's president": the owner is the modifier ("Lorbach-Präsident")
    words = [part for w in words for part in re.sub(r"['’]s$", "", w).split("-") if part]
    for i, w in enumerate(words):
        if is_role(w.lower()) and w.lower() not in english.ROLE_PREFIXES:
            before = words[i - 1].lower() if i else ""
            modifier = [before] if before and before not in STOPWORDS else []
            return [[*modifier, w.lower()], [w.lower()]] if modifier else [[w.lower()]]
    return []


def _reading_order(chosen: list[_Candidate]) -> list[_Candidate]:
    """The best first; the others as the reader meets them, article by article."""
    first, rest = chosen[0], chosen[1:]
    order = {c.unit.doc_id: i for i, c in reversed(list(enumerate(chosen)))}
    rest.sort(key=lambda c: (order[c.unit.doc_id], c.unit.start))
    return [first, *rest]


def _window(unit: SentenceUnit, snapshot: CorpusSnapshot, width: int = 2) -> str:
    return " ".join(
        u.text
        for step in range(-width, width + 1)
        if (u := snapshot.neighbour(unit, step)) is not None
    )


def _name_share(spellings: list[list[tuple[str, ...]]], text: str, article: bool = False) -> float:
    """The share of the names (each as its `_spellings`) that occur in `text`: a spelling's
    words all there, folded, or a one-word spelling with the same consonant skeleton
    (Zavadsky/Sawadskyj) or starting a word ("Syrien" in "Syriens"). A whole `article`'s
    words are read once for all questions (1 ms an article, on every ask that names
    someone)."""
    if not spellings:
        return 0.0
    words, skeletons = (_article_forms if article else _word_forms)(text)

    def found(form: tuple[str, ...]) -> bool:
        if len(form) > 1:
            return all(w in words for w in form)
        (w,) = form
        return (
            w in words
            or len(w) >= 4
            and (skeleton(w) in skeletons or len(w) >= 5 and any(v.startswith(w) for v in words))
        )

    return sum(any(map(found, forms)) for forms in spellings) / len(spellings)


def _word_forms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A text's words, folded, and the consonant skeletons of those of four letters or more."""
    words = frozenset(fold(w.lower()) for w in _WORDS.findall(text))
    return words, frozenset(skeleton(w) for w in words if len(w) >= 4)


_article_forms = lru_cache(maxsize=2048)(_word_forms)  # by the snapshot's document text


def _local_weights(
    wording: list[tuple[float, frozenset[str]]], units: Sequence[SentenceUnit]
) -> list[float]:
    """Each question word's weight within one article: its idf times how few of the
    article's sentences hold it (log (1 + n) / (1 + holding)), so the words every sentence
    of the article repeats (its topic) count little and the words of one passage much."""
    sentences = [set(tokenize(u.text)) for u in units]
    n = len(sentences)
    holding = [sum(_holds(ts, s) for s in sentences) for _, ts in wording]
    return [w * math.log((1 + n) / (1 + h)) for (w, _), h in zip(wording, holding, strict=True)]


def _distinctive(
    wording: list[tuple[float, frozenset[str]]], weights: list[float], found: set[str]
) -> float:
    """The share of the question's article-local word weight (`_local_weights`) a sentence's
    tokens `found` hold."""
    total = sum(weights)
    if not total:
        return 0.0
    return sum(w for w, (_, ts) in zip(weights, wording, strict=True) if _holds(ts, found)) / total


def _holds(tokens: Iterable[str], found: set[str]) -> bool:
    """One of `tokens` is in `found`, or for a long one inside a found compound ("Lösegeld" in
    "Lösegeldforderung")."""
    return any(t in found or (len(t) >= 5 and any(t in f for f in found)) for t in tokens)


def _coverage(wording: list[tuple[float, frozenset[str]]], found: set[str]) -> tuple[float, float]:
    """The idf-weighted share of the question's words `found` (`_holds`), and the weight of
    the rarest word not found as a share of the rarest word's."""
    total = sum(w for w, _ in wording)
    if not total:
        return 1.0, 0.0
    missing = [w for w, ts in wording if not _holds(ts, found)]
    return 1.0 - sum(missing) / total, max(missing, default=0.0) / max(w for w, _ in wording)


def _when(unit: SentenceUnit, snapshot: CorpusSnapshot) -> dt.datetime | None:
    """When a sentence was published: its ticker entry's time, else its article's date."""
    if unit.section_time is not None:
        return unit.section_time
    doc = snapshot.documents.get(unit.doc_id)
    if doc is None or doc.date is None:
        return None
    return dt.datetime.combine(doc.date, dt.time())


def _named(name: str, snapshot: CorpusSnapshot) -> bool:
    """Do the articles name `name` (in any spelling), so that not quoting them is the answer?
    "British" in "the British prime minister" is no name they use."""
    surname = name.split()[-1]
    vocabulary = snapshot.vocabulary
    return fold(surname.lower()) in vocabulary.words or skeleton(surname) in vocabulary.skeletons


def _overlap(analysis: QuestionAnalysis, unit: SentenceUnit) -> int:
    return len(set(analysis.topic) & set(tokenize(unit.text)))


def _mentions_missing(name: str, missing: tuple[str, ...]) -> bool:
    """Is the asked-about speaker's surname one the corpus never mentions?"""
    return bool(name.split()) and name.split()[-1] in missing

"""ExtractiveAnswerer: the model-free default. Quotes the article sentences that answer.

It works on sentence units (the corpus snapshot's sentences with speaker and ticker time)
and on what the question asks (`QuestionAnalysis`):
1. Candidates are the sentences of the retrieved passages, each near-duplicate group once
   (the same dpa sentence in three outlets is one candidate, cited with `also_in`). A
   said-what question takes only sentences its speaker says, from the passages and from
   everything the corpus quotes of that speaker; a question with a time range only
   sentences from that range (their ticker entry's time, else the article date).
2. Answer types are required: a where-answer names a place, a when-answer carries a date
   or time, a how-many answer a number, a who-answer a person.
3. Each candidate scores its cosine to the question, plus the question's words it holds
   (idf-weighted: rare names count more) and a little for its passage's rank. The best
   cosine is the confidence; below the calibrated bar for the question's language (raised
   when the question names what the corpus never mentions) it refuses, and says why.
4. The chosen sentences are completed with the context they need (compose.py), framed with
   who said them where and when, and quoted unchanged, so every word quoted is the article's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from langchain_core.runnables import Runnable, RunnableConfig

from qa_service.analysis.question import QuestionAnalysis, analyse
from qa_service.answering import answer_types
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
from qa_service.answering.sentence_vectors import SentenceVectors, StoredSentenceVectors
from qa_service.corpus.attribution import SentenceUnit
from qa_service.corpus.names import person_key
from qa_service.corpus.snapshot import CorpusSnapshot
from qa_service.models import Language, RefusalReason
from qa_service.prompts import PromptLibrary
from qa_service.protocols import Embedder
from qa_service.retrieval.entities import skeleton
from qa_service.retrieval.tokens import fold, tokenize

_MIN_WORDS = 5
_ENDS_SENTENCE = re.compile(r"[.!?…:][\"'“”»«)]*$|[\"“”»]$")
LEXICAL_WEIGHT = 0.1
RANK_WEIGHT = 0.02
HEADING_PENALTY = 0.1  # a headline names a topic; a sentence states what happened
REASON_BONUS = 0.02
RECENCY_WEIGHT = 0.05  # "zuletzt", "latest": the newest entries first
KEYWORD_MIN = 0.5  # idf-weighted share of the question's words a keyword sentence must hold
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

    @property
    def ends(self) -> bool:
        return bool(_ENDS_SENTENCE.search(self.unit.text))


class _Refusal(Exception):
    def __init__(self, reason: RefusalReason, confidence: float | None = None, **values: str):
        super().__init__(reason)
        self.reason, self.confidence, self.values = reason, confidence, values


class ExtractiveAnswerer(Runnable[AnswerRequest, Draft]):
    def __init__(
        self,
        prompts: PromptLibrary,
        embedder: Embedder,
        thresholds: Mapping[str, float],
        name_margins: Mapping[str, float] | None = None,
        max_sentences: int = 3,
        max_candidates: int = 24,
        margin: float = 0.1,
        sentence_vectors: SentenceVectors | None = None,
        unit_vectors: StoredSentenceVectors | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.prompts, self.embedder = prompts, embedder
        self.thresholds = dict(thresholds)
        self.name_margins = dict(name_margins or {})
        self.max_sentences, self.max_candidates, self.margin = max_sentences, max_candidates, margin
        self.sentence_vectors = sentence_vectors or SentenceVectors(embedder)
        self.unit_vectors = unit_vectors
        self.today = today

    def invoke(self, input: AnswerRequest, config: RunnableConfig | None = None, **_) -> Draft:
        snapshot = input.snapshot
        if snapshot is None:
            raise ValueError("an extractive answer needs the corpus snapshot it retrieved from")
        analysis = input.analysis or analyse(
            input.question, input.language, self.today or dt.date.today()
        )
        try:
            candidates = self._candidates(input, analysis, snapshot)
            self._score(input, analysis, candidates)
            confidence = max(c.cosine for c in candidates)
            if analysis.type == "said_what" and analysis.speaker:
                self._on_topic(analysis, candidates, snapshot)
            if confidence < self.required_confidence(input):
                if analysis.type == "said_what" and analysis.speaker:
                    raise _Refusal("speaker_not_quoted", confidence, speaker=analysis.speaker)
                if input.missing_names:
                    raise _Refusal("absent_name", confidence, names=_names(input.missing_names))
                raise _Refusal("not_close_enough", confidence)
        except _Refusal as refusal:
            text = self.prompts.render(
                f"no_answer_{refusal.reason}", input.language, **refusal.values
            )
            return Draft(
                text=text,
                answered=False,
                confidence=refusal.confidence,
                refusal_reason=refusal.reason,
            )
        chosen = self._choose(candidates)
        words = frozenset(tokenize(input.question))
        completed = merge([complete(c.unit, snapshot) for c in chosen])
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

    def required_confidence(self, input: AnswerRequest) -> float:
        """The calibrated bar, raised when the question names what the corpus never does."""
        bar = self.thresholds.get(input.language, 0.0)
        if input.missing_names:
            bar += self.name_margins.get(input.language, 0.0)
        return bar

    # -- candidates --------------------------------------------------------------------

    def _candidates(
        self, input: AnswerRequest, analysis: QuestionAnalysis, snapshot: CorpusSnapshot
    ) -> list[_Candidate]:
        speaker = analysis.speaker if analysis.type == "said_what" else None
        key = person_key(speaker) if speaker else None
        if speaker and _mentions_missing(speaker, input.missing_names):
            raise _Refusal("absent_name", names=speaker)
        if key is not None and key not in snapshot.speakers and not _named(speaker, snapshot):
            # "the British prime minister": no name the articles use; answer on the topic.
            speaker = key = None
        out: list[_Candidate] = []
        groups: dict[int, _Candidate] = {}
        seen: set[tuple[str, int]] = set()

        def add(unit: SentenceUnit, rank: int) -> None:
            if (unit.doc_id, unit.start) in seen or len(unit.text.split()) < _MIN_WORDS:
                return
            if key is not None and unit.speaker_key != key:
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
                raise _Refusal("speaker_not_quoted", speaker=speaker)
        if not out:
            raise _Refusal("not_close_enough")
        out = self._in_time(out, analysis, snapshot, input.language)
        if answer_types.required(analysis.type):
            # People, not places or bodies: speakers the text names with a first name.
            people = frozenset(k for k, us in snapshot.speakers.items() if " " in us[0].speaker)
            fitting = [c for c in out if answer_types.fits(analysis.type, c.unit, people)]
            if not fitting:
                raise _Refusal("not_close_enough")
            out = fitting
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
            raise _Refusal("outside_time_range", period=period)
        return kept

    # -- scoring and choosing ------------------------------------------------------------

    def _score(
        self, input: AnswerRequest, analysis: QuestionAnalysis, candidates: list[_Candidate]
    ) -> None:
        snapshot = input.snapshot
        assert snapshot is not None
        query = input.query_vector or self.embedder.embed_query(input.question)
        if self.unit_vectors is not None:
            vectors = self.unit_vectors([c.unit for c in candidates])
        else:
            vectors = self.sentence_vectors([c.unit.text for c in candidates])
        cosines = vectors @ np.asarray(query, dtype=np.float32)
        idf = snapshot.idf
        terms = {t: idf.get(t, 0.0) for t in set(tokenize(input.question))}
        total = sum(terms.values()) or 1.0
        for c, cos in zip(candidates, cosines, strict=True):
            found = set(tokenize(c.unit.text))
            c.lexical = sum(w for t, w in terms.items() if t in found) / total
            c.cosine = float(cos)
            c.score = c.cosine + LEXICAL_WEIGHT * c.lexical + RANK_WEIGHT / (1 + c.rank)
            if not c.ends:
                c.score -= HEADING_PENALTY
            if answer_types.prefers(analysis.type, c.unit):
                c.score += REASON_BONUS
        if analysis.time.latest:
            newest = sorted(
                candidates, key=lambda c: _when(c.unit, snapshot) or dt.datetime.min, reverse=True
            )
            for i, c in enumerate(newest):
                c.score += RECENCY_WEIGHT * (1 - i / len(newest))

    def _on_topic(
        self, analysis: QuestionAnalysis, candidates: list[_Candidate], snapshot: CorpusSnapshot
    ) -> None:
        """A speaker's statement answers "what did X say about Y" only if the text around it
        is about Y: the cosine of X's words to the question stays high when Y is something
        X never spoke of ("Merz" + "Gipfel in Washington"). So the topic words the corpus
        knows (idf-weighted) must mostly occur within a few sentences of a statement."""
        idf = snapshot.idf
        topic = analysis.topic
        if analysis.language != "de":
            # English words stem into German ones by accident ("send", "attack"): across
            # languages only the names of the question can be looked for in German text.
            names = [n for n in analysis.names if n != analysis.speaker]
            topic = tuple(t for n in names for t in tokenize(n))
        terms = {t: idf[t] for t in topic if t in idf}
        if not terms:
            return
        total = sum(terms.values())
        for c in candidates:
            window = " ".join(
                u.text
                for step in range(-TOPIC_WINDOW, TOPIC_WINDOW + 1)
                if (u := snapshot.neighbour(c.unit, step)) is not None
            )
            found = set(tokenize(window))
            if sum(w for t, w in terms.items() if t in found) >= TOPIC_MIN * total:
                return
        raise _Refusal(
            "speaker_not_quoted",
            max(c.cosine for c in candidates),
            speaker=analysis.speaker or "",
        )

    def _choose(self, candidates: list[_Candidate]) -> list[_Candidate]:
        ranked = sorted(candidates, key=lambda c: (-c.score, c.rank, c.unit.start))
        best = ranked[0].score
        chosen: list[_Candidate] = []
        for c in ranked:
            if len(chosen) >= self.max_sentences or c.score < best - self.margin:
                break
            if chosen and not c.ends:  # a headline only when nothing better is there
                continue
            chosen.append(c)
        # The sentence sharing most of the question's rare words is a second opinion that
        # cosine alone misses ("Bundeswehr-Soldaten" for "Merz zur Bundeswehr"): keep it.
        keyword = max(candidates, key=lambda c: (c.lexical, c.score))
        if keyword.lexical >= KEYWORD_MIN and keyword not in chosen and keyword.ends:
            chosen = chosen[: self.max_sentences - 1] + [keyword]
        # The best first; the others as the reader meets them, article by article.
        first, rest = chosen[0], chosen[1:]
        order = {c.unit.doc_id: i for i, c in reversed(list(enumerate(chosen)))}
        rest.sort(key=lambda c: (order[c.unit.doc_id], c.unit.start))
        return [first, *rest]


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


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names)

"""ExtractiveAnswerer: the model-free default. Quotes the retrieved sentences that answer.

Each candidate sentence of the top passages is embedded (cached per sentence) and scored by
its cosine to the question, plus the question terms it contains (idf-weighted: rare names
count more) and a little for its passage's rank. Sentence cosine works across languages,
where shared words do not; the best cosine is also the answerer's confidence, and below the
calibrated threshold for the question's language it refuses. The answer quotes the chosen
sentences unchanged, so every word a user reads comes from an article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

import numpy as np
from langchain_core.runnables import Runnable, RunnableConfig

from qa_service.answering.base import AnswerEvent, AnswerRequest, Draft, TextPiece
from qa_service.answering.sentence_vectors import SentenceVectors
from qa_service.models import Passage, cite
from qa_service.prompts import PromptLibrary
from qa_service.protocols import Embedder
from qa_service.retrieval.tokens import tokenize
from qa_service.sentences import split_sentences

_MIN_WORDS = 5
_SPACE = re.compile(r"\s+")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'“”»«)]*$|[\"“”»]$")
LEXICAL_WEIGHT = 0.1
RANK_WEIGHT = 0.02
HEADING_PENALTY = 0.1  # a headline names a topic; a sentence states what happened
KEYWORD_MIN = 0.5  # idf-weighted share of the question's words a keyword sentence must hold


def _ends(c: _Candidate) -> bool:
    return bool(_ENDS_SENTENCE.search(c.text))


class _Candidate:
    __slots__ = ("passage", "rank", "start", "end", "text", "cosine", "lexical", "score")

    def __init__(self, passage: Passage, rank: int, start: int, end: int) -> None:
        self.passage, self.rank, self.start, self.end = passage, rank, start, end
        self.text = passage.text[start - passage.start : end - passage.start]
        self.cosine = self.lexical = self.score = 0.0


class ExtractiveAnswerer(Runnable[AnswerRequest, Draft]):
    def __init__(
        self,
        prompts: PromptLibrary,
        embedder: Embedder,
        idf: Callable[[], Mapping[str, float]],
        thresholds: Mapping[str, float],
        name_margins: Mapping[str, float] | None = None,
        max_sentences: int = 3,
        max_candidates: int = 24,
        margin: float = 0.1,
        sentence_vectors: SentenceVectors | None = None,
    ) -> None:
        self.prompts, self.embedder, self._idf = prompts, embedder, idf
        self.thresholds = dict(thresholds)
        self.name_margins = dict(name_margins or {})
        self.max_sentences, self.max_candidates, self.margin = max_sentences, max_candidates, margin
        self.sentence_vectors = sentence_vectors or SentenceVectors(embedder)

    def invoke(self, input: AnswerRequest, config: RunnableConfig | None = None, **_) -> Draft:
        candidates = self._candidates(list(input.passages))
        if not candidates:
            return self._refuse(input, None)
        self._score(input, candidates)
        confidence = max(c.cosine for c in candidates)
        if confidence < self.required_confidence(input):
            return self._refuse(input, confidence)
        chosen = self._choose(candidates)
        citations, parts = [], []
        for n, c in enumerate(chosen, start=1):
            citations.append(cite(c.passage, n, c.start, c.end))
            parts.append(f"{_SPACE.sub(' ', c.text)} [{n}]")
        text = self.prompts.render("extractive_answer", input.language, quotes=" ".join(parts))
        return Draft(text=text, citations=tuple(citations), confidence=confidence)

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

    def _refuse(self, input: AnswerRequest, confidence: float | None) -> Draft:
        text = self.prompts.render("no_answer", input.language)
        return Draft(text=text, answered=False, confidence=confidence)

    def _candidates(self, passages: list[Passage]) -> list[_Candidate]:
        """Full sentences of the passages in rank order, each text once."""
        out: list[_Candidate] = []
        seen: set[str] = set()
        for rank, p in enumerate(passages):
            for s, e in split_sentences(p.text):
                c = _Candidate(p, rank, p.start + s, p.start + e)
                key = _SPACE.sub(" ", c.text).lower()
                if len(c.text.split()) < _MIN_WORDS or key in seen:
                    continue
                seen.add(key)
                out.append(c)
                if len(out) >= self.max_candidates:
                    return out
        return out

    def _score(self, input: AnswerRequest, candidates: list[_Candidate]) -> None:
        query = input.query_vector or self.embedder.embed_query(input.question)
        vectors = self.sentence_vectors([c.text for c in candidates])
        cosines = vectors @ np.asarray(query, dtype=np.float32)
        idf = self._idf()
        terms = {t: idf.get(t, 0.0) for t in set(tokenize(input.question))}
        total = sum(terms.values()) or 1.0
        for c, cos in zip(candidates, cosines, strict=True):
            found = set(tokenize(c.text))
            c.lexical = sum(w for t, w in terms.items() if t in found) / total
            c.cosine = float(cos)
            c.score = c.cosine + LEXICAL_WEIGHT * c.lexical + RANK_WEIGHT / (1 + c.rank)
            if not _ends(c):
                c.score -= HEADING_PENALTY

    def _choose(self, candidates: list[_Candidate]) -> list[_Candidate]:
        ranked = sorted(candidates, key=lambda c: (-c.score, c.rank, c.start))
        best = ranked[0].score
        chosen: list[_Candidate] = []
        for c in ranked:
            if len(chosen) >= self.max_sentences or c.score < best - self.margin:
                break
            if any(
                o.passage.doc_id == c.passage.doc_id and o.start < c.end and c.start < o.end
                for o in chosen
            ):
                continue
            chosen.append(c)
        # The sentence sharing most of the question's rare words is a second opinion that
        # cosine alone misses ("Bundeswehr-Soldaten" for "Merz zur Bundeswehr"): keep it.
        keyword = max(candidates, key=lambda c: (c.lexical, c.score))
        if keyword.lexical >= KEYWORD_MIN and keyword not in chosen and _ends(keyword):
            chosen = chosen[: self.max_sentences - 1] + [keyword]
        return chosen

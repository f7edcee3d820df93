"""Turn a model's prose with [n] markers into sentences that each rest on a verbatim quote.

A small model cites badly: it forgets markers, points them at the wrong passage and writes
"quotes" no article contains. So nothing it says about its sources is taken on trust. Each
answer sentence is matched against the sentences of the passages its markers name (failing
those, of every retrieved passage) by embedding cosine plus shared words - that finds what
the sentence is about - and a passage sentence may support it only if the meaning check
(`meaning/`) finds every claim of the sentence in it: the same words with the negation,
the speaker or the condition changed do not count. The best such sentence that clears
`min_support` becomes the quote, cut from the document by offsets; a sentence nothing
supports is dropped."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from qa_service.answering.meaning import MeaningCheck
from qa_service.answering.sentence_vectors import SentenceVectors
from qa_service.models import Passage
from qa_service.protocols import Embedder
from qa_service.retrieval.tokens import tokenize
from qa_service.sentences import split_sentences

MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")
_MIN_WORDS = 3
LEXICAL_WEIGHT = 0.1


@dataclass(frozen=True)
class Source:
    passage: Passage
    start: int  # document offsets of the supporting sentence
    end: int
    support: float


@dataclass(frozen=True)
class ResolvedSentence:
    text: str  # the model's sentence, markers removed
    markers: tuple[int, ...]
    sources: tuple[Source, ...]

    @property
    def supported(self) -> bool:
        return bool(self.sources)


@dataclass
class _Candidate:
    passage: int
    start: int
    end: int
    text: str
    tokens: frozenset[str]


def markers_of(sentence: str) -> tuple[tuple[int, ...], str]:
    """The [n] numbers in a sentence, and the sentence without them."""
    numbers: list[int] = []
    for m in MARKER.finditer(sentence):
        numbers.extend(int(n) for n in re.split(r"\s*[,;]\s*", m.group(1)))
    text = _SPACE.sub(" ", MARKER.sub(" ", sentence)).strip()
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return tuple(dict.fromkeys(numbers)), text


def _numbers(text: str) -> set[str]:
    return {n.rstrip(".,") for n in _NUMBER.findall(text)}


class CitationResolver:
    """Resolves answer sentences against the passages the model was shown (numbered from 1)."""

    def __init__(
        self,
        passages: Sequence[Passage],
        embedder: Embedder,
        sentence_vectors: SentenceVectors,
        min_support: float,
        max_sources: int = 2,
        second_margin: float = 0.03,
        meaning: MeaningCheck | None = None,
    ) -> None:
        self.passages = list(passages)
        self.meaning = meaning or MeaningCheck()
        self.embedder, self.min_support, self.max_sources = embedder, min_support, max_sources
        self.second_margin = second_margin
        self._candidates: list[_Candidate] = []
        for i, p in enumerate(self.passages):
            for s, e in split_sentences(p.text):
                text = p.text[s:e]
                if len(text.split()) >= _MIN_WORDS:
                    c = _Candidate(i, p.start + s, p.start + e, text, frozenset(tokenize(text)))
                    self._candidates.append(c)
        self._vectors = (
            sentence_vectors([c.text for c in self._candidates]) if self._candidates else None
        )
        self._passage_numbers = [
            _numbers(f"{p.title} {p.text} {p.date or ''}") for p in self.passages
        ]

    def resolve(self, sentence: str) -> ResolvedSentence:
        markers, text, scores, eligible = self._eligible(sentence)
        usable = [
            i
            for i in eligible
            if scores[i] >= self.min_support
            and self.meaning.check(text, self._candidates[i].text).faithful
        ]
        named = [i for i in usable if self._candidates[i].passage + 1 in markers]
        chosen = self._best_per_passage(named or usable, scores)
        return ResolvedSentence(text, markers, tuple(chosen))

    def best_support(self, sentence: str, exclude: frozenset[str] = frozenset()) -> float:
        """The best score any passage sentence gives `sentence` (chunks in `exclude` left out),
        ignoring `min_support`; -1 when none can support it. For calibration."""
        _, _, scores, eligible = self._eligible(sentence, exclude)
        return max((float(scores[i]) for i in eligible), default=-1.0)

    def _eligible(
        self, sentence: str, exclude: frozenset[str] = frozenset()
    ) -> tuple[tuple[int, ...], str, np.ndarray, list[int]]:
        """(markers, text, scores, candidates that may support it): a candidate may only if
        its passage holds every number of the sentence and is not in `exclude`."""
        markers, text = markers_of(sentence)
        if self._vectors is None or len(text.split()) < 2:
            return markers, text, np.empty(0), []
        scores, numbers = self._scores(text), _numbers(text)
        eligible = [
            i
            for i, c in enumerate(self._candidates)
            if numbers <= self._passage_numbers[c.passage]
            and self.passages[c.passage].chunk_id not in exclude
        ]
        return markers, text, scores, eligible

    def _scores(self, text: str) -> np.ndarray:
        query = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        cosines = self._vectors @ query
        words = set(tokenize(text))
        lexical = np.array(
            [len(words & c.tokens) / len(words) if words else 0.0 for c in self._candidates]
        )
        return cosines + LEXICAL_WEIGHT * lexical

    def _best_per_passage(self, indices: list[int], scores: np.ndarray) -> list[Source]:
        """The best sentence, plus the best of another passage that supports it nearly as well."""
        out: list[Source] = []
        seen: set[int] = set()
        for i in sorted(indices, key=lambda i: -scores[i]):
            c = self._candidates[i]
            if c.passage in seen:
                continue
            if out and scores[i] < out[0].support - self.second_margin:
                break
            seen.add(c.passage)
            out.append(Source(self.passages[c.passage], c.start, c.end, float(scores[i])))
            if len(out) >= self.max_sources:
                break
        return out


class SentenceBuffer:
    """Collects streamed text and hands out sentences once they are certainly complete.

    A sentence is complete when the text after it has begun with something other than a
    marker: "... Rentenreform. [1] Er" completes "... Rentenreform. [1]".
    """

    def __init__(self) -> None:
        self.text = ""
        self._done = 0

    def feed(self, piece: str) -> Iterator[str]:
        self.text += piece
        spans = _sentences(self.text[self._done :])
        if len(spans) < 2:
            return
        for s, e in spans[:-1]:
            yield self.text[self._done + s : self._done + e]
        self._done += spans[-1][0]

    def close(self) -> Iterator[str]:
        for s, e in _sentences(self.text[self._done :]):
            yield self.text[self._done + s : self._done + e]
        self._done = len(self.text)


_LEADING_MARKERS = re.compile(r"(?:\s*\[[\d\s,;]*\]?)+")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans with leading markers moved to the sentence before them."""
    spans: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        lead = _LEADING_MARKERS.match(text, s)
        if spans and lead and lead.end() > s:
            cut = min(lead.end(), e)
            spans[-1] = (spans[-1][0], cut)
            if not text[cut:e].strip():
                continue
            s = cut
        spans.append((s, e))
    return spans

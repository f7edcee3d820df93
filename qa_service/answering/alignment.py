"""Alignment: how much of a question each candidate sentence says, word by word.

For every question word the closest word of the sentence in the encoder's contextual space
(a word's vector: the mean of its tokens' outputs), averaged (`token_vectors.closest`).
Unlike the sentence cosine it does not blur a sentence into one vector, and unlike the word
features it needs no shared spelling or dictionary entry: an English question's "began"
finds the German sentence's "begann", its "building permit" the "Baugenehmigung".
A selector feature (out of fold on the
development questions: first sentence right 0.723 -> 0.762 for English XQuAD questions,
0.536 -> 0.583 for English GNAD ones; `qa_service/data/selector.md`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa_service.corpus.attribution import SentenceUnit
from qa_service.embedders.query_tokens import QueryTokens
from qa_service.embedders.token_vectors import TokenProjection, closest, unpack
from qa_service.protocols import Store, TokenSpanEmbedder
from qa_service.retrieval.tokens import STOPWORDS


class SentenceTokens:
    """Each sentence's word vectors: stored at ingest, read per document (an LRU of
    `documents` ids; a document id names one text, so they never go stale). A sentence
    stored without them (indexed before they existed, or with another projection) is encoded
    here on its own, until its document is ingested again."""

    def __init__(
        self,
        store: Store,
        embedder: TokenSpanEmbedder,
        projection: TokenProjection,
        documents: int = 512,
        sentences: int = 20_000,
    ) -> None:
        self.store, self.embedder, self.projection = store, embedder, projection
        self.documents, self.sentences = documents, sentences
        self._by_doc: OrderedDict[str, dict[tuple[int, int], np.ndarray]] = OrderedDict()
        self._encoded: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, units: Sequence[SentenceUnit]) -> list[np.ndarray]:
        doc_ids = list(dict.fromkeys(u.doc_id for u in units))
        with self._lock:
            missing = [d for d in doc_ids if d not in self._by_doc]
        if missing:
            fresh: dict[str, dict[tuple[int, int], np.ndarray]] = {d: {} for d in missing}
            wanted = self.projection.id
            for s in self.store.get_sentences(missing):
                if s.tokens is not None and s.tokens_id == wanted:
                    fresh[s.doc_id][(s.start, s.end)] = unpack(s.tokens)
            with self._lock:
                self._by_doc.update(fresh)
                while len(self._by_doc) > self.documents:
                    self._by_doc.popitem(last=False)
        with self._lock:
            found = [self._by_doc.get(u.doc_id, {}).get((u.start, u.end)) for u in units]
        unstored = [u.text for u, t in zip(units, found, strict=True) if t is None]
        encoded = iter(self._encode(unstored) if unstored else ())
        return [t if t is not None else next(encoded) for t in found]

    def _encode(self, texts: list[str]) -> list[np.ndarray]:
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._encoded))
        if todo:
            _, _, packed = self.embedder.embed_documents_with_span_tokens(
                todo, [[(0, len(t))] for t in todo], self.projection
            )
            with self._lock:
                for text, tokens in zip(todo, packed, strict=True):
                    self._encoded[text] = unpack(tokens[0]) if tokens and tokens[0] else _NONE
                while len(self._encoded) > self.sentences:
                    self._encoded.popitem(last=False)
        with self._lock:
            return [self._encoded.get(t, _NONE) for t in texts]


@dataclass(frozen=True)
class Aligned:
    """A question's alignment with its candidates: each candidate's, and over all of them
    how well the question's content words are said, each word by its closest match in any
    candidate (mean), and the least well said word's match (`weakest`: the one thing asked
    that nothing says, which the mean of a long question hides). An on-topic question the
    articles cannot answer often asks for what no sentence says ("Wie alt ist …" of a person
    whose age no article gives) in any wording or language; the abstainer reads it beside
    the idf-weighted word coverage, which needs the words themselves (out of fold:
    unanswerable questions refused 59.4 -> 61.9 % German, 41.3 -> 42.6 % English at the same
    2.9 % false refusals with the mean; GNAD's 0.404 -> 0.442 / 0.154 -> 0.173 with the
    weakest beside it; `qa_service/data/selector.md`)."""

    per_unit: np.ndarray
    coverage: float = 1.0
    weakest: float = 1.0


class Alignment:
    """`__call__(question, units)`: the question's `Aligned` with the units."""

    def __init__(self, question_tokens: QueryTokens, sentence_tokens: SentenceTokens) -> None:
        self.question_tokens, self.sentence_tokens = question_tokens, sentence_tokens

    def __call__(self, question: str, units: Sequence[SentenceUnit]) -> Aligned:
        words, asked = self.question_tokens.words(question)
        content = np.asarray([w.lower() not in STOPWORDS for w in words], dtype=bool)
        if not content.any():
            content[:] = True  # all function words ("Wer war es?"): they are what is asked
        means, best = [], np.zeros(len(words))
        for sentence in self.sentence_tokens(units):
            matches = closest(asked, sentence)
            if len(matches):
                means.append(float(matches.mean()))
                best = np.maximum(best, matches)
            else:
                means.append(0.0)
        if not len(words):
            return Aligned(np.asarray(means))
        return Aligned(np.asarray(means), float(best[content].mean()), float(best[content].min()))


_NONE = np.empty((0, 0), dtype=np.float32)

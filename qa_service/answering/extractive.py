"""ExtractiveAnswerer: the model-free default. Picks the retrieved sentences that answer.

Sentences are scored by the question terms they contain (weighted by BM25 idf, so rare
names count more than common words) and by the rank of their passage; the answer quotes
them unchanged, so every word a user reads comes from an article.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from langchain_core.runnables import Runnable, RunnableConfig

from ingest.sentences import split_sentences
from qa_service.answering.base import AnswerRequest, Draft
from qa_service.models import Citation, Passage
from qa_service.prompts import PromptLibrary
from qa_service.retrieval.tokens import tokenize

_MIN_WORDS = 5
_SPACE = re.compile(r"\s+")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'“”»«)]*$|[\"“”»]$")
_HEADING_PENALTY = 0.5  # a headline names a topic; a sentence states what happened


class ExtractiveAnswerer(Runnable[AnswerRequest, Draft]):
    def __init__(
        self,
        prompts: PromptLibrary,
        idf: Callable[[], dict[str, float]],
        max_sentences: int = 3,
        keep_ratio: float = 0.7,
    ) -> None:
        self.prompts, self._idf = prompts, idf
        self.max_sentences, self.keep_ratio = max_sentences, keep_ratio

    def invoke(self, input: AnswerRequest, config: RunnableConfig | None = None, **_) -> Draft:
        chosen = self._select(input.question, list(input.passages))
        if not chosen:
            return Draft(text=self.prompts.render("no_answer", input.language), answered=False)
        citations, parts = [], []
        for n, (passage, start, end) in enumerate(chosen, start=1):
            quote = passage.text[start - passage.start : end - passage.start]
            citations.append(
                Citation(
                    n=n,
                    doc_id=passage.doc_id,
                    title=passage.title,
                    source=passage.source,
                    date=passage.date,
                    publisher=passage.publisher,
                    start=start,
                    end=end,
                    quote=quote,
                )
            )
            parts.append(f"{_SPACE.sub(' ', quote)} [{n}]")
        text = self.prompts.render("extractive_answer", input.language, quotes=" ".join(parts))
        return Draft(text=text, citations=tuple(citations))

    def _select(self, question: str, passages: list[Passage]) -> list[tuple[Passage, int, int]]:
        idf = self._idf()
        terms = {t: idf.get(t, 0.0) for t in set(tokenize(question))}
        total = sum(terms.values()) or 1.0
        scored: list[tuple[float, int, Passage, int, int]] = []
        for rank, passage in enumerate(passages):
            prior = 1.0 / (1.0 + 0.35 * rank)
            for s, e in split_sentences(passage.text):
                sentence = passage.text[s:e]
                if len(sentence.split()) < _MIN_WORDS:
                    continue
                found = set(tokenize(sentence))
                lexical = sum(w for t, w in terms.items() if t in found) / total
                order_bonus = 0.05 / math.sqrt(1 + s)  # earlier sentences lead, on ties
                score = prior * (0.4 + lexical) + order_bonus
                if not _ENDS_SENTENCE.search(sentence):
                    score *= _HEADING_PENALTY
                scored.append((score, rank, passage, passage.start + s, passage.start + e))
        scored.sort(key=lambda x: (-x[0], x[1], x[3]))
        chosen: list[tuple[Passage, int, int]] = []
        seen: set[str] = set()
        spans: list[tuple[str, int, int]] = []
        for score, _, passage, start, end in scored:
            if len(chosen) >= self.max_sentences or (chosen and score < self.keep_ratio * scored[0][0]):
                break
            key = _SPACE.sub(" ", passage.text[start - passage.start : end - passage.start]).lower()
            overlaps = any(d == passage.doc_id and s < end and start < e for d, s, e in spans)
            if key in seen or overlaps:
                continue
            seen.add(key)
            spans.append((passage.doc_id, start, end))
            chosen.append((passage, start, end))
        return chosen

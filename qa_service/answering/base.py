"""What an answerer receives and returns (the generative answerer is also a LangChain Runnable)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from qa_service.analysis.question import QuestionAnalysis
from qa_service.corpus.snapshot import CorpusSnapshot
from qa_service.models import (
    Citation,
    Filters,
    Generation,
    Language,
    Mode,
    Passage,
    RefusalReason,
)


class AnswerRequest(BaseModel):
    """Everything an answerer may use, built from one retrieval: the question as analysed,
    the passages, and the corpus snapshot they were found in (sentences, speakers, idf)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    question: str
    language: Language
    passages: tuple[Passage, ...]
    analysis: QuestionAnalysis | None = None
    filters: Filters | None = None  # the caller's, which retrieval applied to the passages
    snapshot: CorpusSnapshot | None = None
    query_vector: tuple[float, ...] | None = None  # reused, so the question is embedded once
    missing_names: tuple[str, ...] = ()  # names in the question the corpus never mentions
    missing_nouns: tuple[str, ...] = ()  # German nouns of the question it never uses


class Draft(BaseModel):
    """An answer before verification: citations still have to prove they are verbatim."""

    model_config = ConfigDict(frozen=True)

    text: str
    citations: tuple[Citation, ...] = ()
    answered: bool = True
    mode: Mode = "extractive"
    confidence: float | None = None
    generation: Generation | None = None
    refusal_reason: RefusalReason | None = None
    # Per citation, the sentence it was chosen for: a language model reads these rather than
    # the widened quotes, since every prompt token costs time on a CPU.
    focus: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextPiece:
    """Answer text that may be shown now: the pieces so far concatenate to the answer."""

    text: str


@dataclass(frozen=True)
class Reset:
    """Forget the pieces sent so far; the answer that follows replaces them (a fallback)."""


AnswerEvent = TextPiece | Reset | Draft


class Answerer(Protocol):
    """Answers from retrieved passages. `events()` streams; its last event is the Draft."""

    def warm_up(self) -> None:
        """Load what the first answer would otherwise wait for."""

    def invoke(self, input: AnswerRequest, config=None, **kwargs) -> Draft: ...

    def events(self, input: AnswerRequest) -> Iterator[AnswerEvent]: ...

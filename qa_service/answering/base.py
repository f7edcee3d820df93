"""What an answerer receives and returns; answerers are LangChain Runnables over these."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from qa_service.models import Citation, Language, Mode, Passage


class AnswerRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    question: str
    language: Language
    passages: tuple[Passage, ...]
    query_vector: tuple[float, ...] | None = None  # reused, so the question is embedded once
    missing_names: tuple[str, ...] = ()  # names in the question the corpus never mentions


class Draft(BaseModel):
    """An answer before verification: citations still have to prove they are verbatim."""

    model_config = ConfigDict(frozen=True)

    text: str
    citations: tuple[Citation, ...] = ()
    answered: bool = True
    mode: Mode = "extractive"
    confidence: float | None = None

"""GenerativeAnswerer: a language model writes the answer; only verified sentences reach users.

The order of decisions:
1. The extractive answerer runs first (about 0.1 s). Below its calibrated confidence the
   question is refused without asking the model: small models answer what the articles do
   not hold ("Germany won the 2026 World Cup"), retrieval confidence does not.
2. The model writes prose over the numbered passages (a LangChain chat model: ChatOpenAI for
   any OpenAI-compatible server, or the in-process llama.cpp model). Its text is cut into
   sentences as it streams; each sentence is resolved to the passage sentences that support
   it (`resolve.py`) and only then shown, with its verified quote numbers.
3. At the end: if the model refused although retrieval was confident, if fewer than
   `min_supported` of its sentences found support, or if the model failed, the extractive
   answer replaces what was shown (`mode="extractive_fallback"`, with the reason).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableConfig

from qa_service.answering.base import AnswerEvent, AnswerRequest, Draft, Reset, TextPiece
from qa_service.answering.extractive import ExtractiveAnswerer
from qa_service.answering.resolve import CitationResolver, Numbering, SentenceBuffer
from qa_service.errors import LLMError
from qa_service.models import Generation, Passage
from qa_service.prompts import PromptLibrary

log = logging.getLogger(__name__)

_SPACE = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\w]+")
# Besides the fixed phrase we ask for, what small models write when they decline.
_REFUSALS = re.compile(
    r"keine (angaben|informationen|antwort)|nicht (enthalten|beantwort)|"
    r"(do|does) not (say|contain|mention)|no information|cannot (answer|be answered)",
    re.IGNORECASE,
)


def is_refusal(sentence: str, no_answer: str) -> bool:
    """The fixed no-answer phrase we asked for, or a small model's own way of declining."""
    phrase = _LETTERS.sub(" ", no_answer).lower().strip()
    return phrase in _LETTERS.sub(" ", sentence).lower() or bool(_REFUSALS.search(sentence))


def format_passages(passages: tuple[Passage, ...], max_chars: int) -> str:
    """Numbered passages for the prompt, each cut to an equal share of `max_chars`."""
    share = max(200, max_chars // max(1, len(passages)))
    blocks = []
    for n, p in enumerate(passages, start=1):
        date = f", {p.date.isoformat()}" if p.date else ""
        text = _SPACE.sub(" ", p.text).strip()
        if len(text) > share:
            text = text[:share].rsplit(" ", 1)[0] + " …"
        blocks.append(f"[{n}] ({p.title}{date}) {text}")
    return "\n\n".join(blocks)


class _StreamStats:
    """Time to first token and streamed pieces (one per token from llama.cpp and vLLM)."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.first: float | None = None
        self.tokens = 0

    def token(self) -> None:
        self.tokens += 1
        if self.first is None:
            self.first = time.perf_counter() - self.t0

    def generation(self, model: str, sentences: int, supported: int) -> Generation:
        elapsed = time.perf_counter() - self.t0
        rate = None
        if self.first is not None and self.tokens > 1 and elapsed > self.first:
            rate = round((self.tokens - 1) / (elapsed - self.first), 1)
        return Generation(
            model=model,
            sentences=sentences,
            supported=supported,
            first_token_ms=None if self.first is None else round(self.first * 1000, 1),
            tokens=self.tokens,
            tokens_per_s=rate,
        )


class GenerativeAnswerer(Runnable[AnswerRequest, Draft]):
    def __init__(
        self,
        chat_model: BaseChatModel,
        prompts: PromptLibrary,
        extractive: ExtractiveAnswerer,
        *,
        model_name: str,
        min_support: Mapping[str, float],
        min_supported: float,
        max_context_chars: int = 5000,
    ) -> None:
        self.chat_model, self.prompts, self.extractive = chat_model, prompts, extractive
        self.model_name = model_name
        self.min_support, self.min_supported = dict(min_support), min_supported
        self.max_context_chars = max_context_chars

    def warm_up(self) -> None:
        self.extractive.warm_up()
        load = getattr(self.chat_model, "warm_up", None)  # an in-process model loads weights
        if load is not None:
            load()

    def invoke(self, input: AnswerRequest, config: RunnableConfig | None = None, **_) -> Draft:
        *_, draft = self.events(input)
        assert isinstance(draft, Draft)
        return draft

    def events(self, input: AnswerRequest) -> Iterator[AnswerEvent]:
        base = self.extractive.invoke(input)
        if not base.answered:
            yield TextPiece(base.text)
            yield base
            return
        resolver = CitationResolver(
            input.passages,
            self.extractive.embedder,
            self.extractive.sentence_vectors,
            self.min_support[input.language],
        )
        numbering, buffer, stats = Numbering(), SentenceBuffer(), _StreamStats()
        no_answer = self.prompts.render("no_answer", input.language)
        shown: list[str] = []
        sentences = supported = 0
        refused = False
        error: str | None = None
        try:
            for sentence in self._sentences(input, buffer, stats):
                if is_refusal(sentence, no_answer):  # never shown, whatever it resembles
                    refused = True
                    continue
                sentences += 1
                resolved = resolver.resolve(sentence)
                if resolved.supported:
                    supported += 1
                    shown.append(("" if not shown else " ") + numbering.render(resolved))
                    yield TextPiece(shown[-1])
        except (LLMError, openai.APIError) as exc:
            log.warning("language model failed, answering extractively: %s", exc)
            error = "llm_error"
        generation = stats.generation(self.model_name, sentences, supported)
        reason = error or self._fallback_reason(refused, sentences, supported)
        if reason is not None:
            if shown:
                yield Reset()
            yield TextPiece(base.text)
            yield base.model_copy(
                update={
                    "mode": "extractive_fallback",
                    "generation": generation.model_copy(update={"fallback_reason": reason}),
                }
            )
            return
        yield Draft(
            text="".join(shown),
            citations=tuple(numbering.citations),
            mode="generated",
            confidence=base.confidence,
            generation=generation,
        )

    def _sentences(
        self, input: AnswerRequest, buffer: SentenceBuffer, stats: _StreamStats
    ) -> Iterator[str]:
        """The model's sentences, each as soon as it is complete."""
        for chunk in self.chat_model.stream(self._messages(input)):
            piece = chunk.content if isinstance(chunk.content, str) else ""
            if piece:
                stats.token()
                yield from buffer.feed(piece)
        yield from buffer.close()

    def _messages(self, input: AnswerRequest):
        prompt = self.prompts.chat("generate_system", "generate_user", input.language)
        return prompt.format_messages(
            no_answer=self.prompts.render("no_answer", input.language),
            passages=format_passages(input.passages, self.max_context_chars),
            question=input.question,
        )

    def _fallback_reason(self, refused: bool, sentences: int, supported: int) -> str | None:
        if refused and supported == 0:
            return "model_refused"
        if supported == 0 or supported < self.min_supported * sentences:
            return "unsupported"
        return None

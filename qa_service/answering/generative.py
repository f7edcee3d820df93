"""GenerativeAnswerer: the model chooses and introduces the evidence; quotes carry the claims.

A 1.5B model asked to write prose over passages writes fluent sentences its quotes do not
support ("the USA ... would", "in the event of a war"). So it is given less to do:

1. The extractive answerer runs first (about 0.1 s). Below the abstainer's threshold the
   question is refused without asking the model. Its selected sentences (`Draft.citations`,
   with speaker, outlet, date) are the evidence.
2. The model sees the evidence numbered, one line each, after a fixed system text with the
   rules and one example (byte-identical across questions, so llama.cpp reuses its KV cache
   and reads only evidence + question). It answers with one line per quote it chooses, best
   first: "[2] Brunner: pensions could rise by three percent in July" - a short introduction,
   in the question's language. A model that writes "sentence [n]." instead is read the same.
3. Each line becomes a sentence from a template: the model's phrase, then who said it where
   and when (from the citation, never from the model), then the verbatim German quote:
   "Brunner: pensions could … – Elias Brunner (Tagesblatt, 15 January 2026): „Die Renten …“ [1]".
   The phrase is kept only if the meaning check (`meaning/`) finds everything it claims in
   its quote; otherwise it is dropped and the quote its number names is shown bare. A line
   whose phrase its quote does not hold is resolved against the retrieved passages first
   (`resolve.py`, same check). A phrase that copies its quote is not shown either.
4. At the end: if the model refused although retrieval was confident, if fewer than
   `min_supported` of its lines were kept, or if the model failed (`LLMError`), the
   extractive answer replaces what was shown (`mode="extractive_fallback"`, with the reason).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableConfig

from qa_service.answering.base import AnswerEvent, AnswerRequest, Draft, Reset, TextPiece
from qa_service.answering.extractive import ExtractiveAnswerer
from qa_service.answering.meaning import MeaningCheck
from qa_service.answering.resolve import CitationResolver, SentenceBuffer, markers_of
from qa_service.date_words import clock_time, long_date, month_name, weekday_name
from qa_service.errors import LLMError
from qa_service.models import Citation, Generation, Language, cite
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
EVIDENCE_CHARS = 200
_ITEM_START = re.compile(r"\n+|(?<=[.!?])\s+(?=\[\s*\d)")


def is_refusal(sentence: str, no_answer: str) -> bool:
    """The fixed no-answer phrase we asked for, or a small model's own way of declining."""
    phrase = _LETTERS.sub(" ", no_answer).lower().strip()
    return phrase in _LETTERS.sub(" ", sentence).lower() or bool(_REFUSALS.search(sentence))


def when(c: Citation, language: Language) -> str | None:
    """The citation's ticker time, else its date: "7. Januar 2026" / "7 January 2026"."""
    moment = c.section_time or c.date
    if moment is None:
        return None
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    text = long_date(day, language)
    if isinstance(moment, dt.datetime):
        text += f", {clock_time(moment, language)}"
    return text


def source_of(c: Citation, language: Language) -> str:
    """Who said it where and when, from the citation: "Elias Brunner (Tagesblatt,
    15. Januar 2026)"."""
    outlet = ", ".join(x for x in (c.publisher or c.title, when(c, language)) if x)
    return f"{c.speaker} ({outlet})" if c.speaker else outlet


def format_evidence(citations: Sequence[Citation], focus: Sequence[str] = ()) -> str:
    """The evidence lines of the prompt: "[n] Speaker: quote".

    Every prompt token costs about 25 ms on two CPU cores, so a line carries only what the
    model's phrase needs: the speaker (who said it) and the quote, or for a long quote the
    sentence it was chosen for, cut to `EVIDENCE_CHARS`. Outlet and date are not the model's
    to say: the template adds them from the citation (an ISO date alone is ten tokens)."""
    lines = []
    for n, c in enumerate(citations, start=1):
        text = _SPACE.sub(" ", c.quote).strip()
        if len(text) > EVIDENCE_CHARS and n <= len(focus):
            text = _SPACE.sub(" ", focus[n - 1]).strip()
        if len(text) > EVIDENCE_CHARS:
            text = text[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"
        lines.append(f"[{n}] {c.speaker}: {text}" if c.speaker else f"[{n}] {text}")
    return "\n".join(lines)


def copies(phrase: str, quote: str) -> bool:
    """The phrase is the quote's own wording (eight words or more, nine in ten of them from
    the quote): put before the quote it would say the same thing twice."""
    words = _LETTERS.sub(" ", phrase).casefold().split()
    quoted = set(_LETTERS.sub(" ", quote).casefold().split())
    return len(words) >= 8 and sum(w in quoted for w in words) >= 0.9 * len(words)


def date_context(c: Citation) -> str:
    """The citation's date in words of both languages, so "on Tuesday" can rest on it."""
    moment = c.section_time or c.date
    if moment is None:
        return ""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    words = [
        f"{weekday_name(day, lang)} {day.day} {month_name(day.month, lang)}"
        for lang in ("de", "en")
    ]
    return " ".join(words) + f" {day.year}"


class ItemBuffer:
    """The model's lines as they complete. "[1] phrase\\n[2] phrase" is two items, and so is
    "phrase [1]. phrase [2]." (sentences, cut as `SentenceBuffer` cuts them)."""

    def __init__(self) -> None:
        self.text = ""
        self._sentences: SentenceBuffer | None = None
        self._done = 0

    def feed(self, piece: str) -> Iterator[str]:
        self.text += piece
        if self._sentences is not None:
            yield from self._sentences.feed(piece)
            return
        head = self.text.lstrip()
        if not head:
            return
        if head[0] != "[":  # prose: "sentence [n]. sentence [n]."
            self._sentences = SentenceBuffer()
            yield from self._sentences.feed(self.text)
            return
        pieces = _ITEM_START.split(self.text[self._done :])
        for item in pieces[:-1]:
            if item.strip():
                yield item.strip()
        self._done = len(self.text) - len(pieces[-1])

    def close(self) -> Iterator[str]:
        if self._sentences is not None:
            yield from self._sentences.close()
            return
        for item in _ITEM_START.split(self.text[self._done :]):
            if item.strip():
                yield item.strip()
        self._done = len(self.text)


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


class _Composer:
    """Turns the model's items into template sentences over verified quotes, numbered in order
    of first use; an item whose phrase claims what its quote does not is dropped."""

    def __init__(
        self,
        evidence: Sequence[Citation],
        resolver: CitationResolver,
        prompts: PromptLibrary,
        language: Language,
        meaning: MeaningCheck,
    ) -> None:
        self.evidence, self.resolver, self.prompts = list(evidence), resolver, prompts
        self.language, self.meaning = language, meaning
        self.citations: list[Citation] = []
        self._keys: set[tuple[str, int, int]] = set()
        self._phrases: set[str] = set()

    def compose(self, item: str) -> tuple[str, bool]:
        """The text to show ("" if nothing new) and whether the model's phrase held. A phrase
        that does not hold is never shown; the quote its number names still is (the answerer
        selected it as evidence, the model chose it as an answer)."""
        markers, phrase = markers_of(item)
        phrase = phrase.strip().rstrip(".").strip(" -–:")
        quote = self._quote(markers, phrase)
        held = quote is not None
        if quote is None:
            named = self._named(markers)
            if not named:
                return "", False
            quote, phrase = named[0], ""
        key = (quote.doc_id, quote.start, quote.end)
        if key in self._keys:
            return "", held  # a second line on a quote already shown: nothing new to show
        self._keys.add(key)
        n = len(self.citations) + 1
        self.citations.append(quote.model_copy(update={"n": n}))
        values = {
            "source": source_of(quote, self.language),
            "quote": _SPACE.sub(" ", quote.quote).strip(),
            "n": str(n),
        }
        # A small model repeats itself, or copies the quote: shown once, the quote says it.
        if not phrase or phrase.casefold() in self._phrases or copies(phrase, quote.quote):
            return self.prompts.render("generate_quote", self.language, **values), held
        self._phrases.add(phrase.casefold())
        return self.prompts.render("generate_item", self.language, clause=phrase, **values), held

    def _named(self, markers: tuple[int, ...]) -> list[Citation]:
        """The evidence the line's numbers name, ignoring numbers out of range."""
        return [self.evidence[m - 1] for m in markers if 1 <= m <= len(self.evidence)]

    def _quote(self, markers: tuple[int, ...], phrase: str) -> Citation | None:
        for c in self._named(markers):
            if not phrase or self._faithful(phrase, c):
                return c
        if not phrase:
            return None
        # No valid number, or its quote does not hold the phrase: any retrieved sentence that
        # does (the model often points at the wrong number).
        resolved = self.resolver.resolve(phrase)
        if not resolved.sources:
            return None
        s = resolved.sources[0]
        return cite(s.passage, 0, s.start, s.end)

    def _faithful(self, phrase: str, c: Citation) -> bool:
        verdict = self.meaning.check(
            phrase, c.quote, speaker=c.speaker, context=date_context(c), language=self.language
        )
        if not verdict.faithful:
            log.info("dropped a generated phrase", extra={"reasons": list(verdict.reasons)})
        return verdict.faithful


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
        meaning: MeaningCheck | None = None,
    ) -> None:
        self.chat_model, self.prompts, self.extractive = chat_model, prompts, extractive
        self.model_name = model_name
        self.min_support, self.min_supported = dict(min_support), min_supported
        self.meaning = meaning or MeaningCheck()

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
            meaning=self.meaning,
        )
        composer = _Composer(base.citations, resolver, self.prompts, input.language, self.meaning)
        stats = _StreamStats()
        no_answer = self.prompts.render("no_answer", input.language)
        shown: list[str] = []
        waiting: list[str] = []  # bare quotes, shown once some phrase has held
        sentences = supported = 0
        refused = False
        error: str | None = None
        try:
            for item in self._items(input, base, stats):
                if is_refusal(item, no_answer):  # never shown, whatever it resembles
                    refused = True
                    continue
                sentences += 1
                sentence, held = composer.compose(item)
                supported += held
                if sentence:
                    waiting.append(sentence)
                if supported:
                    yield from self._show(waiting, shown)
        except LLMError as exc:
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
        yield from self._show(waiting, shown)
        yield Draft(
            text="".join(shown),
            citations=tuple(composer.citations),
            mode="generated",
            confidence=base.confidence,
            generation=generation,
        )

    @staticmethod
    def _show(waiting: list[str], shown: list[str]) -> Iterator[TextPiece]:
        for sentence in waiting:
            shown.append(("" if not shown else " ") + sentence)
            yield TextPiece(shown[-1])
        waiting.clear()

    def _items(self, input: AnswerRequest, base: Draft, stats: _StreamStats) -> Iterator[str]:
        """The model's lines, each as soon as it is complete."""
        buffer = ItemBuffer()
        messages = self.messages(input.question, input.language, base.citations, base.focus)
        for chunk in self.chat_model.stream(messages):
            piece = chunk.content if isinstance(chunk.content, str) else ""
            if piece:
                stats.token()
                yield from buffer.feed(piece)
        yield from buffer.close()

    def messages(
        self,
        question: str,
        language: Language,
        evidence: Sequence[Citation],
        focus: Sequence[str] = (),
    ):
        """System text (fixed per language), then the numbered evidence and the question."""
        prompt = self.prompts.chat("generate_system", "generate_user", language)
        return prompt.format_messages(
            no_answer=self.prompts.render("no_answer", language),
            evidence=format_evidence(evidence, focus),
            question=question,
        )

    def _fallback_reason(self, refused: bool, sentences: int, supported: int) -> str | None:
        if refused and supported == 0:
            return "model_refused"
        if supported == 0 or supported < self.min_supported * sentences:
            return "unsupported"
        return None

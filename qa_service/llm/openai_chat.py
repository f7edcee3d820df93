"""OpenAIChatModel: langchain's ChatOpenAI for any OpenAI-compatible server, failing as LLMError.

The answerers catch LLMError only, whichever backend runs; this subclass turns the openai SDK's
errors (unreachable, timed out, 4xx/5xx), httpx errors (a stream cut off mid-answer) and a
stream that ends without any chunk into it, for invoke, stream and their async forms.
Everything else is ChatOpenAI's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import openai
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI

from qa_service.errors import LLMError

_FAILURES = (openai.OpenAIError, httpx.HTTPError)
# llama.cpp's server ends a stream without a single event when the prompt exceeds its context.
_EMPTY = ValueError("the stream ended without any chunk")


class OpenAIChatModel(ChatOpenAI):
    def _failed(self, exc: Exception) -> LLMError:
        return LLMError(f"the language model at {self.openai_api_base} failed: {exc}")

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        try:
            return super()._generate(*args, **kwargs)
        except _FAILURES as exc:
            raise self._failed(exc) from exc

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        chunks = 0
        try:
            for chunk in super()._stream(*args, **kwargs):
                chunks += 1
                yield chunk
        except _FAILURES as exc:
            raise self._failed(exc) from exc
        if not chunks:
            raise self._failed(_EMPTY)

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        try:
            return await super()._agenerate(*args, **kwargs)
        except _FAILURES as exc:
            raise self._failed(exc) from exc

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        chunks = 0
        try:
            async for chunk in super()._astream(*args, **kwargs):
                chunks += 1
                yield chunk
        except _FAILURES as exc:
            raise self._failed(exc) from exc
        if not chunks:
            raise self._failed(_EMPTY)

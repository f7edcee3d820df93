"""OpenAIChatModel: langchain's ChatOpenAI for any OpenAI-compatible server, failing as LLMError.

The answerers catch LLMError only, whichever backend runs; this subclass turns the openai SDK's
errors (unreachable, timed out, 4xx/5xx) and httpx errors (a stream cut off mid-answer) into
it, for invoke, stream and their async forms. Everything else is ChatOpenAI's.
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


class OpenAIChatModel(ChatOpenAI):
    def _failed(self, exc: Exception) -> LLMError:
        return LLMError(f"the language model at {self.openai_api_base} failed: {exc}")

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        try:
            return super()._generate(*args, **kwargs)
        except _FAILURES as exc:
            raise self._failed(exc) from exc

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        try:
            yield from super()._stream(*args, **kwargs)
        except _FAILURES as exc:
            raise self._failed(exc) from exc

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        try:
            return await super()._agenerate(*args, **kwargs)
        except _FAILURES as exc:
            raise self._failed(exc) from exc

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        try:
            async for chunk in super()._astream(*args, **kwargs):
                yield chunk
        except _FAILURES as exc:
            raise self._failed(exc) from exc

"""LlamaCppChatModel: a GGUF model run in-process by llama-cpp-python, as a LangChain chat model.

The weights and the lock that serialises generations are shared per process (see
`qa_service.llm.runtime`); at most `queue_size` requests wait for that lock - the next one
gets AnswererBusyError (HTTP 503 with Retry-After) at once instead of a timeout minutes later.
LangChain's community ChatLlamaCpp has neither the lock nor the bound, and would pull in
langchain-community for ~80 lines.

Every result carries llama.cpp's token counts: `usage_metadata` (input, output, total, and
`input_token_details.cache_read` = prompt tokens served from the KV cache) and
`response_metadata["prompt_tokens_evaluated"]` (prompt tokens actually processed - what a
byte-identical prompt prefix saves). Failures raise LLMError and nothing else.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LangSmithParams
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage, UsageMetadata
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr, model_validator

from qa_service.errors import AnswererBusyError, ConfigError, LLMError

log = logging.getLogger(__name__)

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_PER_CALL = frozenset({"temperature", "max_tokens", "timeout"})


class LlamaCppChatModel(BaseChatModel):
    model_path: Path
    model_name: str | None = None
    """Reported as `response_metadata["model_name"]` and `ls_model_name`; the file name if
    unset."""
    n_threads: int = 2
    n_ctx: int = 4096
    n_batch: int = 512
    queue_size: int = 4
    seed: int = 0
    temperature: float = Field(0.0, ge=0.0)
    max_tokens: int = Field(320, ge=1)
    stop: list[str] | None = None
    """Stop sequences for every call; a call's own `stop` is added to these."""
    timeout: float | None = Field(None, gt=0)
    """Seconds one generation (prompt evaluation included) may take before it is aborted
    with LLMError; None waits as long as it takes."""
    max_retries: int = Field(0, ge=0)
    """Accepted for parity with remote chat models, not used: a local failure (the prompt
    exceeds the context, the timeout) would fail the same way again, so nothing is retried."""

    _model: Any = PrivateAttr(default=None)
    _load_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _run_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _slots: threading.BoundedSemaphore | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx}

    @model_validator(mode="after")
    def _name_from_file(self) -> LlamaCppChatModel:
        self.model_name = self.model_name or self.model_path.name
        return self

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider="llamacpp",
            ls_model_name=kwargs.get("model", self.model_name),
            ls_model_type="chat",
            ls_temperature=kwargs.get("temperature", self.temperature),
            ls_max_tokens=kwargs.get("max_tokens", self.max_tokens),
        )
        if stops := self._stops(stop):
            params["ls_stop"] = stops
        return params

    def _stops(self, stop: list[str] | None) -> list[str]:
        return list(dict.fromkeys([*(self.stop or []), *(stop or [])]))

    def warm_up(self) -> None:
        """Load the weights (a few seconds); the first question would otherwise wait for it."""
        with self._load_lock:
            if self._model is not None:
                return
            try:
                from qa_service.llm import runtime
            except ImportError as exc:
                raise ConfigError(
                    "QA_ANSWERER=local needs llama-cpp-python: pip install -e '.[llm]'"
                ) from exc
            if not self.model_path.is_file():
                raise ConfigError(
                    f"no GGUF model at {self.model_path}; run `qa models fetch-local` "
                    "or set QA_LLM_MODEL_PATH"
                )
            self._model = runtime.load(
                self.model_path,
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_batch=self.n_batch,
                seed=self.seed,
            )
            self._run_lock = self._model.lock
            self._slots = threading.BoundedSemaphore(self.queue_size + 1)
            log.info("loaded %s", self.model_path.name)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        if unknown := set(kwargs) - _PER_CALL:
            raise TypeError(f"LlamaCppChatModel does not take {sorted(unknown)}")
        self.warm_up()
        assert self._slots is not None
        if not self._slots.acquire(blocking=False):
            raise AnswererBusyError("the language model is busy; try again shortly", 15)
        try:
            with self._run_lock:
                yield from self._run(messages, self._stops(stop), run_manager, **kwargs)
        finally:
            self._slots.release()

    def _run(
        self,
        messages: list[BaseMessage],
        stop: list[str],
        run_manager: CallbackManagerForLLMRun | None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama = self._model.llama
        timeout = kwargs.get("timeout", self.timeout)
        started = time.monotonic()
        llama.set_deadline(None if timeout is None else started + timeout)
        chat = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
        finish_reason = None
        first_token_s = None
        stream = None
        try:
            stream = llama.create_chat_completion(
                messages=chat,
                stream=True,
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                temperature=kwargs.get("temperature", self.temperature),
                stop=stop or None,
            )
            for part in stream:
                choice = part["choices"][0]
                finish_reason = choice.get("finish_reason") or finish_reason
                delta = choice["delta"].get("content")
                if delta:
                    if first_token_s is None:
                        first_token_s = time.monotonic() - started
                    if run_manager is not None:
                        run_manager.on_llm_new_token(delta)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=delta))
        except (ValueError, RuntimeError) as exc:
            # ValueError: the prompt exceeds the context; RuntimeError: llama_decode failed,
            # or was aborted by the deadline.
            if timeout is not None and time.monotonic() - started > timeout:
                raise LLMError(f"the local model took longer than {timeout:g} s") from exc
            raise LLMError(f"the local model failed: {exc}") from exc
        finally:
            if stream is not None:
                stream.close()
            llama.set_deadline(None)
        yield self._last_chunk(llama.completion, finish_reason, first_token_s, started)

    def _last_chunk(
        self, counts, finish_reason: str | None, first_token_s: float | None, started: float
    ) -> ChatGenerationChunk:
        """The empty closing chunk with llama.cpp's counts (LangChain sums usage over chunks)."""
        usage = UsageMetadata(
            input_tokens=counts.prompt_tokens,
            output_tokens=counts.output_tokens,
            total_tokens=counts.prompt_tokens + counts.output_tokens,
            input_token_details={"cache_read": counts.cached_tokens},
        )
        metadata = {
            "model_name": self.model_name,
            "model_provider": "llamacpp",
            "finish_reason": finish_reason,
            "prompt_tokens_evaluated": counts.prompt_evaluated or 0,
            "first_token_ms": None if first_token_s is None else round(first_token_s * 1000, 1),
            "generation_ms": round((time.monotonic() - started) * 1000, 1),
        }
        message = AIMessageChunk(
            content="",
            usage_metadata=usage,
            response_metadata=metadata,
            chunk_position="last",
        )
        return ChatGenerationChunk(message=message)

"""LlamaCppChatModel: a GGUF model run in-process by llama-cpp-python, as a LangChain chat model.

One model instance per process, because it holds ~1.9 GB and llama.cpp contexts are not
thread-safe: generations run one at a time behind a lock, and at most `queue_size` requests
wait for it - the next one gets AnswererBusyError (HTTP 503 with Retry-After) at once instead
of a timeout minutes later. LangChain's community ChatLlamaCpp has neither the lock nor the
bound, and would pull in langchain-community for ~80 lines.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from qa_service.errors import AnswererBusyError, ConfigError, LLMError

log = logging.getLogger(__name__)

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChatModel(BaseChatModel):
    model_path: Path
    n_threads: int = 2
    n_ctx: int = 4096
    n_batch: int = 512
    max_tokens: int = 320
    temperature: float = 0.0
    queue_size: int = 4
    seed: int = 0

    _llama: Any = PrivateAttr(default=None)
    _load_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _run_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _slots: threading.BoundedSemaphore | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx}

    def warm_up(self) -> None:
        """Load the weights (a few seconds); the first question would otherwise wait for it."""
        with self._load_lock:
            if self._llama is not None:
                return
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ConfigError(
                    "QA_ANSWERER=local needs llama-cpp-python: pip install -e '.[llm]'"
                ) from exc
            if not self.model_path.is_file():
                raise ConfigError(
                    f"no GGUF model at {self.model_path}; run `qa models fetch-local` "
                    "or set QA_LLM_MODEL_PATH"
                )
            self._slots = threading.BoundedSemaphore(self.queue_size + 1)
            self._llama = Llama(
                model_path=str(self.model_path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_batch=self.n_batch,
                seed=self.seed,
                verbose=False,
            )
            log.info("loaded %s", self.model_path.name)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.warm_up()
        assert self._slots is not None
        if not self._slots.acquire(blocking=False):
            raise AnswererBusyError("the language model is busy; try again shortly", 15)
        try:
            with self._run_lock:
                yield from self._run(messages, stop, run_manager)
        finally:
            self._slots.release()

    def _run(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        run_manager: CallbackManagerForLLMRun | None,
    ) -> Iterator[ChatGenerationChunk]:
        chat = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
        try:
            stream = self._llama.create_chat_completion(
                messages=chat,
                stream=True,
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                stop=stop,
            )
            for part in stream:
                delta = part["choices"][0]["delta"].get("content")
                if delta:
                    if run_manager is not None:
                        run_manager.on_llm_new_token(delta)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=delta))
        except ValueError as exc:  # llama.cpp's way to say "prompt exceeds the context"
            raise LLMError(f"the local model failed: {exc}") from exc

"""The loaded llama.cpp model: shared per process, counting what each completion really cost.

Imported only when a local model is loaded (it imports llama_cpp).

- One `Llama` per (file, context settings) and process: the weights are mapped once, and
  every LlamaCppChatModel over the same file shares them and the one lock that serialises
  generations (llama.cpp contexts are not thread-safe).
- The kept `Llama` keeps its KV cache between completions: `Llama.generate` re-evaluates only
  the tokens after the longest prefix the new prompt shares with the previous one. A prompt
  whose fixed part comes first therefore costs only its variable tail. `Completion` records
  how many prompt tokens were actually evaluated, so that saving is measured, not assumed.
- A deadline per completion, checked before every decode and, during the prompt, by llama.cpp
  between graph nodes (its abort callback), so a timeout also stops a long prompt evaluation.
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import llama_cpp

_NO_CALLBACK = llama_cpp.ggml_abort_callback()  # NULL


class DeadlineExceeded(RuntimeError):
    """A completion ran past its deadline and was stopped."""


@dataclass
class Completion:
    """Token counts of the latest completion, as llama.cpp processed them."""

    prompt_tokens: int = 0  # the whole prompt
    prompt_evaluated: int | None = None  # of those, evaluated (the rest came from the cache)
    output_tokens: int = 0  # sampled tokens, without the end-of-generation token

    @property
    def cached_tokens(self) -> int:
        return self.prompt_tokens - (self.prompt_evaluated or 0)


class CountingLlama(llama_cpp.Llama):
    """A `Llama` that records a `Completion` per generation and honours a deadline."""

    def __init__(self, **kwargs) -> None:
        self.completion = Completion()
        self.deadline: float | None = None  # time.monotonic() after which decoding aborts
        self._abort = llama_cpp.ggml_abort_callback(self._past_deadline)
        super().__init__(**kwargs)

    def set_deadline(self, deadline: float | None) -> None:
        """The time.monotonic() after which this completion stops (None: no limit)."""
        self.deadline = deadline

    def _past_deadline(self, _data: ctypes.c_void_p = None) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def generate(self, tokens, *args, **kwargs):
        self.completion = Completion(prompt_tokens=len(tokens))
        return super().generate(tokens, *args, **kwargs)

    def eval(self, tokens) -> None:
        """generate() first evaluates the prompt after its cached prefix in one call (possibly
        empty), then one call per sampled token. The deadline is checked before each call and,
        for the prompt (seconds of work), by llama.cpp between graph nodes via its abort
        callback - armed only then, as a Python call per node would slow every token."""
        prompt = self.completion.prompt_evaluated is None
        if prompt:
            self.completion.prompt_evaluated = len(tokens)
        if self._past_deadline():
            raise DeadlineExceeded("the completion's deadline passed")
        if not (prompt and tokens and self.deadline is not None):
            super().eval(tokens)
            return
        llama_cpp.llama_set_abort_callback(self._ctx.ctx, self._abort, None)
        try:
            super().eval(tokens)
        except RuntimeError as exc:  # llama_decode returned 2: aborted
            if self._past_deadline():
                raise DeadlineExceeded("the completion's deadline passed") from exc
            raise
        finally:
            llama_cpp.llama_set_abort_callback(self._ctx.ctx, _NO_CALLBACK, None)

    def sample(self, *args, **kwargs) -> int:
        token = super().sample(*args, **kwargs)
        if not llama_cpp.llama_vocab_is_eog(self._model.vocab, token):
            self.completion.output_tokens += 1
        return token


@dataclass
class LoadedModel:
    llama: CountingLlama
    lock: threading.Lock  # one generation at a time on this context


_loaded: dict[tuple, LoadedModel] = {}
_loading = threading.Lock()


def load(model_path: Path, *, n_ctx: int, n_threads: int, n_batch: int, seed: int) -> LoadedModel:
    """The process's model for these settings, loaded on first use (a few seconds)."""
    key = (str(model_path.resolve()), n_ctx, n_threads, n_batch, seed)
    with _loading:
        if key not in _loaded:
            llama = CountingLlama(
                model_path=str(model_path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_batch=n_batch,
                seed=seed,
                verbose=False,
            )
            _loaded[key] = LoadedModel(llama, threading.Lock())
        return _loaded[key]

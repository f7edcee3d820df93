"""The loaded llama.cpp model: shared per process, counting what each completion really cost.

Imported only when a local model is loaded (it imports llama_cpp).

- One `Llama` per (file, context settings) and process: the weights are mapped once, and
  every LlamaCppChatModel over the same file shares them and the one lock that serialises
  generations (llama.cpp contexts are not thread-safe).
- The kept `Llama` keeps its KV cache between completions: `Llama.generate` re-evaluates only
  the tokens after the longest prefix the new prompt shares with the previous one. A prompt
  whose fixed part comes first therefore costs only its variable tail. `Completion` records
  how many prompt tokens were actually evaluated, so that saving is measured, not assumed.
- A few earlier prompts' KV states are kept too (`Stem`): when a prompt shares more with one
  of them than with the live state (a German question after an English one: two system
  texts), that state is restored instead of evaluating the other system text again (~8 s).
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


@dataclass
class Stem:
    """An earlier prompt's tokens and its KV cache (sequence 0), to restore on a switch back."""

    tokens: list[int]
    kv: bytes


class CountingLlama(llama_cpp.Llama):
    """A `Llama` that records a `Completion` per generation, honours a deadline and keeps the
    KV states of a few earlier prompts."""

    STEMS = 4  # kept states (~30 KB per token each: a 600-token prompt is ~17 MB)
    MIN_STEM = 64  # tokens a state must share with the new prompt to be worth keeping

    def __init__(self, **kwargs) -> None:
        self.completion = Completion()
        self.stems: list[Stem] = []
        self.deadline: float | None = None  # time.monotonic() after which decoding aborts
        self._abort = llama_cpp.ggml_abort_callback(self._past_deadline)
        super().__init__(**kwargs)

    def set_deadline(self, deadline: float | None) -> None:
        """The time.monotonic() after which this completion stops (None: no limit)."""
        self.deadline = deadline

    def _past_deadline(self, _data: ctypes.c_void_p = None) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def generate(self, tokens, *args, **kwargs):
        tokens = list(tokens)
        self.completion = Completion(prompt_tokens=len(tokens))
        self._switch_stem(tokens)
        return super().generate(tokens, *args, **kwargs)

    def _switch_stem(self, tokens: list[int]) -> None:
        """Before `generate` matches `tokens` against the live KV cache: keep the live state if
        the new prompt would throw it away, and restore a kept one that shares more."""
        shared = self.longest_token_prefix
        live = self.input_ids[: self.n_tokens].tolist()
        live_shared = shared(live, tokens)
        if live_shared < self.MIN_STEM and len(live) >= self.MIN_STEM:
            self._keep(live)
        scored = [(shared(s.tokens, tokens), s) for s in self.stems]
        best_shared, best = max(scored, key=lambda x: x[0], default=(0, None))
        if best is not None and best_shared >= live_shared + self.MIN_STEM:
            self._restore(best)

    def _keep(self, live: list[int]) -> None:
        """Save the live state, replacing a kept one of the same stem (the newest wins)."""
        ctx = self._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        n = llama_cpp.llama_state_seq_get_data(ctx, buffer, size, 0)
        stem = Stem(live, bytes(buffer[:n]))
        self.stems = [
            s for s in self.stems if self.longest_token_prefix(s.tokens, live) < self.MIN_STEM
        ]
        self.stems = [*self.stems, stem][-self.STEMS :]

    def _restore(self, stem: Stem) -> None:
        self._ctx.kv_cache_seq_rm(-1, 0, -1)
        buffer = (ctypes.c_uint8 * len(stem.kv)).from_buffer_copy(stem.kv)
        if llama_cpp.llama_state_seq_set_data(self._ctx.ctx, buffer, len(stem.kv), 0) == 0:
            self.n_tokens = 0  # not restored: generate() evaluates the whole prompt
            return
        self.input_ids[: len(stem.tokens)] = stem.tokens
        self.n_tokens = len(stem.tokens)
        self._requires_eval = True

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

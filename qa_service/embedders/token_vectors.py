"""Word vectors from the encoder's token outputs, kept small.

A question's words meet a sentence's words in the encoder's contextual token space, where
"begin" meets "begonnen" and "rule" meets "entschied" (the answer's alignment, a selector
feature: for each question word the closest sentence word, averaged; "MaxSim"). A word's
vector is the mean of its tokens' outputs. Stored per sentence at ingest from the
late-chunking pass, so a question costs only its own words.

The vectors are centred and projected onto the 96 principal directions of article words
(`qa_service/data/token_projection.npz`, fitted by `qa train --projection`; data card
`qa_service/data/token_projection.md`), normalised and stored as int8 (96 bytes a word).
Centring removes the direction every token of this encoder shares, which carries no
meaning and made every pair of words look alike.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "token_projection.npz"
DIM = 96
_SCALE = 127.0
# Punctuation and the tokenizer's bare word-start mark carry no meaning to align.
_NO_MEANING = re.compile(r"^▁?[^\w]*$")


def meaningful(token: str) -> bool:
    return not _NO_MEANING.match(token)


@dataclass(frozen=True)
class TokenProjection:
    mean: np.ndarray  # (384,)
    matrix: np.ndarray  # (384, DIM)

    @cached_property
    def id(self) -> str:
        """Names this projection in stored sentences: other ones' bytes are not read."""
        digest = hashlib.sha256(self.mean.tobytes() + self.matrix.tobytes()).hexdigest()
        return digest[:12]

    def project(self, tokens: np.ndarray) -> np.ndarray:
        """Rows of encoder outputs -> unit rows in the projected space (float32)."""
        z = (np.asarray(tokens, dtype=np.float32) - self.mean) @ self.matrix
        norms = np.linalg.norm(z, axis=1, keepdims=True)
        return (z / np.where(norms == 0, 1.0, norms)).astype(np.float32)

    def pack(self, words: np.ndarray) -> bytes:
        """Encoder output rows of a sentence (its words) -> int8 bytes for the store."""
        return quantize(self.project(words))

    def pack_tensor(self, words) -> bytes:
        """`pack` for a torch tensor, in torch: inside an ingest, a NumPy matrix product
        wakes OpenBLAS's threads, which spin beside torch's on the same cores (40 GNAD
        articles took 31-35 s instead of 22-24 s)."""
        import torch

        z = (words - torch.from_numpy(self.mean)) @ torch.from_numpy(self.matrix)
        return quantize(torch.nn.functional.normalize(z, dim=-1).numpy())

    def save(self, path: Path) -> None:
        np.savez(path, mean=self.mean.astype(np.float32), matrix=self.matrix.astype(np.float32))

    @classmethod
    def load(cls, path: Path | None = None) -> TokenProjection:
        with np.load(path or SHIPPED) as data:
            return cls(data["mean"].astype(np.float32), data["matrix"].astype(np.float32))

    @classmethod
    def fit(cls, tokens: np.ndarray, dim: int = DIM) -> TokenProjection:
        """Principal directions of a sample of encoder outputs (rows), deterministic."""
        x = np.asarray(tokens, dtype=np.float64)
        mean = x.mean(axis=0)
        _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
        # A direction's sign is arbitrary: fix it so a refit gives the same file.
        signs = np.sign(vt[:dim].sum(axis=1, keepdims=True))
        signs[signs == 0] = 1.0
        return cls(mean.astype(np.float32), (vt[:dim] * signs).T.astype(np.float32))


@cache
def shipped_projection() -> TokenProjection:
    return TokenProjection.load()


def quantize(rows: np.ndarray) -> bytes:
    """Unit rows -> int8 bytes (a component of 1 is 127)."""
    return np.round(rows * _SCALE).clip(-127, 127).astype(np.int8).tobytes()


def unpack(data: bytes) -> np.ndarray:
    """Stored bytes -> unit rows (float32), one per word."""
    rows = np.frombuffer(data, dtype=np.int8).reshape(-1, DIM).astype(np.float32) / _SCALE
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)


def closest(question: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """Each question word's closest sentence word (cosine); their mean is the alignment, how
    much of the question the sentence says in any words or language. Empty when either side
    has no words."""
    if not len(question) or not len(sentence):
        return np.empty(0, dtype=np.float32)
    return (question @ sentence.T).max(axis=1)


def kept_rows(tokens: Sequence[str]) -> list[int]:
    return [i for i, t in enumerate(tokens) if meaningful(t)]


def word_of_token(tokens: Sequence[str]) -> np.ndarray:
    """Each token's word number: "▁" starts a word, and so does the first token. A word's
    vector is the mean of its tokens': compared token by token, "Stadtrat" met
    "Stadtwerke" in their shared first piece "▁Stadt"; as words they differ."""
    return np.cumsum([i == 0 or t.startswith("▁") for i, t in enumerate(tokens)]) - 1


def word_vectors(rows: np.ndarray, tokens: Sequence[str]) -> np.ndarray:
    """Token rows -> one row per word, the mean of its tokens' (`word_of_token`). `rows`
    and `tokens`: the meaningful tokens only."""
    if not len(tokens):
        return np.empty((0, rows.shape[1] if rows.ndim == 2 else 0), dtype=np.float32)
    word = word_of_token(tokens)
    sums = np.zeros((word[-1] + 1, rows.shape[1]), dtype=np.float64)
    np.add.at(sums, word, rows)
    return (sums / np.bincount(word)[:, None]).astype(np.float32)

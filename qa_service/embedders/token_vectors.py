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
from functools import cache
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

    @property
    def id(self) -> str:
        """Names this projection in stored sentences: other ones' bytes are not read."""
        digest = hashlib.sha256(self.mean.tobytes() + self.matrix.tobytes()).hexdigest()
        return digest[:12]

    def project(self, tokens: np.ndarray) -> np.ndarray:
        """Rows of encoder outputs -> unit rows in the projected space (float32)."""
        z = (np.asarray(tokens, dtype=np.float32) - self.mean) @ self.matrix
        norms = np.linalg.norm(z, axis=1, keepdims=True)
        return (z / np.where(norms == 0, 1.0, norms)).astype(np.float32)

    def pack(self, tokens: np.ndarray) -> bytes:
        """Encoder output rows of a sentence (its words) -> int8 bytes for the store."""
        return np.round(self.project(tokens) * _SCALE).clip(-127, 127).astype(np.int8).tobytes()

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


def unpack(data: bytes) -> np.ndarray:
    """Stored bytes -> unit rows (float32), one per word."""
    rows = np.frombuffer(data, dtype=np.int8).reshape(-1, DIM).astype(np.float32) / _SCALE
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)


def alignment(question: np.ndarray, sentence: np.ndarray) -> float:
    """Each question word's closest sentence word (cosine), averaged: how much of the
    question the sentence says, in any words or language. 0 when either side has none."""
    if not len(question) or not len(sentence):
        return 0.0
    return float((question @ sentence.T).max(axis=1).mean())


def kept_rows(tokens: Sequence[str]) -> list[int]:
    return [i for i, t in enumerate(tokens) if meaningful(t)]


def word_vectors(rows: np.ndarray, tokens: Sequence[str]) -> np.ndarray:
    """Token rows -> one row per word, the mean of its tokens' ("▁" starts a word). Compared
    token by token, "Bundeswehr" met "Bundesregierung" in their shared first piece
    "▁Bundes"; as words they differ. `rows` and `tokens`: the meaningful tokens only."""
    starts = [i for i, t in enumerate(tokens) if i == 0 or t.startswith("▁")]
    if not starts:
        return np.empty((0, rows.shape[1] if rows.ndim == 2 else 0), dtype=np.float32)
    return np.add.reduceat(rows, starts, axis=0) / np.diff([*starts, len(tokens)])[:, None]

"""`qa train --projection`: fit the word-vector projection (`embedders/token_vectors.py`).

Unsupervised: the principal directions of the encoder's word vectors (the mean of a word's
token outputs) over development articles only (XQuAD's dev articles, and every fourth GNAD
article that no GNAD gold question is about), read as ingest reads them (passages of about
1,000 characters, one encoder pass each). No label, question or test article is read.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from qa_service.embedders.token_vectors import TokenProjection
from qa_service.evaluation.datasets import SHARED, _gnad_articles, _read_jsonl
from qa_service.sentences import split_sentences

SAMPLE = 60_000  # word rows the directions are fitted on
PASSAGE_CHARS = 1000


class _Collector:
    """Stands in for a projection in the encoder pass and keeps the raw word rows."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []

    def pack_tensor(self, words) -> bytes:
        self.rows.append(words.numpy().astype(np.float32))
        return b""


def development_texts(gnad_gold: Path) -> list[str]:
    root = SHARED / "eval" / "xquad"
    splits = json.loads((root / "split.json").read_text(encoding="utf-8"))["questions"]
    dev_docs = {
        r["gold_doc"] for r in _read_jsonl(root / "questions.jsonl") if splits[r["id"]] == "dev"
    }
    gold = _read_jsonl(gnad_gold)
    asked = {d for r in gold for d in r.get("gold_docs", ())} | {r.get("about") for r in gold}
    files = [root / "corpus" / d for d in sorted(dev_docs)]
    files += _gnad_articles({a for a in asked if a})[::4]
    return [f.read_text(encoding="utf-8") for f in files]


def passages(text: str) -> list[str]:
    """Whole sentences packed to about `PASSAGE_CHARS`, as the ingest's chunks are."""
    out, start, end = [], None, None
    for s, e in split_sentences(text):
        if start is None:
            start = s
        elif e - start > PASSAGE_CHARS:
            out.append(text[start:end])
            start = s
        end = e
    if start is not None:
        out.append(text[start:end])
    return out


def fit_projection(embedder, gnad_gold: Path) -> tuple[TokenProjection, dict]:
    """`embedder`: the passage side (a SentenceTransformerEmbedder)."""
    texts = [p for t in development_texts(gnad_gold) for p in passages(t)]
    collector = _Collector()
    embedder.embed_documents_with_span_tokens(texts, [[(0, len(t))] for t in texts], collector)
    rows = np.vstack(collector.rows)
    rng = np.random.default_rng(0)
    sample = rows[np.sort(rng.choice(len(rows), min(SAMPLE, len(rows)), replace=False))]
    projection = TokenProjection.fit(sample)
    centred = sample - projection.mean
    kept = float(np.sum((centred @ projection.matrix) ** 2) / np.sum(centred**2))
    return projection, {
        "passages": len(texts),
        "words": len(rows),
        "sample": len(sample),
        "variance_kept": round(kept, 4),
        "id": projection.id,
    }

"""Evaluation sets: our gold questions on the sample corpus, and XQuAD (CC BY-SA 4.0)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from qa_service.errors import ConfigError
from qa_service.settings import PROJECT_ROOT

SHARED = Path(os.environ.get("QA_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
GOLD_FILE = Path(__file__).resolve().parent.parent / "data" / "gold_seed_qa.jsonl"  # package data


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    question: str
    answerable: bool
    gold_docs: tuple[str, ...]  # corpus file names
    expected_any: tuple[str, ...] = ()
    gold_paragraph: str | None = None  # XQuAD: the gold passage text inside its document
    answer_spans: tuple[tuple[int, int], ...] = ()  # XQuAD: answers, offsets in the paragraph


@dataclass
class Dataset:
    name: str
    corpus: Path
    questions: list[Question] = field(default_factory=list)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise ConfigError(f"evaluation file missing: {path}")
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def gold_dataset(corpus: Path | None = None) -> Dataset:
    corpus = corpus or Path(os.environ.get("CORPUS", SHARED / "corpus"))
    rows = _read_jsonl(GOLD_FILE)
    return Dataset(
        "gold",
        corpus,
        [
            Question(
                r["id"],
                r["lang"],
                r["question"],
                r["answerable"],
                tuple(r["gold_docs"]),
                tuple(r["expected_any"]),
            )
            for r in rows
        ],
    )


def xquad_dataset(limit: int | None = None) -> Dataset:
    """XQuAD's German paragraphs with German and English questions; `limit` per language
    takes an evenly spaced sample so every article is represented."""
    root = SHARED / "eval" / "xquad"
    rows = _read_jsonl(root / "questions.jsonl")
    out: list[Question] = []
    for lang in ("de", "en"):
        mine = [r for r in rows if r["lang"] == lang]
        if limit and limit < len(mine):
            step = len(mine) / limit
            mine = [mine[int(i * step)] for i in range(limit)]
        out.extend(
            Question(
                r["id"],
                lang,
                r["question"],
                True,
                (r["gold_doc"],),
                tuple(r["answers"]),
                r["gold_paragraph"],
                tuple(
                    (s, s + len(a))
                    for s, a in zip(r["gold_answer_starts"], r["answers"], strict=True)
                ),
            )
            for r in mine
        )
    return Dataset("xquad", root / "corpus", out)

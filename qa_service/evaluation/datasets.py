"""Evaluation sets: our gold questions on the sample corpus, and XQuAD (CC BY-SA 4.0)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from qa_service.errors import ConfigError
from qa_service.settings import PROJECT_ROOT

SHARED = Path(os.environ.get("QA_SHARED_DIR", PROJECT_ROOT.parent / "shared"))


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
    type: str | None = None  # gold: who, who_said, said_what, when, where, how_many, why, ...
    expected_speaker: str | None = None  # gold said_what/who_said: the speaker's surname
    split: str = "dev"  # gold: "dev" (may be looked at while tuning) or "holdout" (never)


SPLITS = ("all", "dev", "holdout")


@dataclass
class Dataset:
    name: str
    corpus: Path
    questions: list[Question] = field(default_factory=list)

    def split(self, name: str) -> Dataset:
        """Only the questions of one split ("all" keeps every question)."""
        if name not in SPLITS:
            raise ConfigError(f"unknown split {name!r}: one of {', '.join(SPLITS)}")
        if name == "all":
            return self
        return Dataset(self.name, self.corpus, [q for q in self.questions if q.split == name])


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise ConfigError(f"evaluation file missing: {path}")
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def gold_dataset(gold_file: Path, corpus: Path | None = None) -> Dataset:
    """The gold questions from `gold_file` (Settings.eval_gold_file: the runtime never
    reaches into tests/ by itself)."""
    corpus = corpus or Path(os.environ.get("CORPUS", SHARED / "corpus"))
    rows = _read_jsonl(gold_file)
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
                type=r.get("type"),
                expected_speaker=r.get("expected_speaker"),
                split=r.get("split", "dev"),
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

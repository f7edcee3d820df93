"""Evaluation sets: our gold questions on the sample corpus and on real news (10kGNAD, CC
BY-NC-SA 4.0), and XQuAD (CC BY-SA 4.0) with its split by article and its on-topic negatives.

Articles are read from `../shared/` (QA_SHARED_DIR) at evaluation time and never copied into
the package; an evaluation corpus that is a selection of them is a folder of symbolic links
beside the evaluation index."""

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
    # gold, gnad: "dev" (may be looked at while tuning) or "holdout" (once, at the end);
    # xquad: "dev" (may be fitted on) or "test" (only measured), by article (split.json)
    split: str = "dev"
    asks: str | None = None  # gnad: what the answer is (person, party, money, reason, ...)
    about: str | None = None  # the article asked about, answerable or not (gnad, negatives)


SPLITS = ("all", "dev", "holdout", "test")


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
                asks=r.get("asks"),
                about=r.get("about"),
            )
            for r in rows
        ],
    )


def with_distractors(ds: Dataset, corpus: Path, distractors: int | None) -> Dataset:
    """`ds` with its articles and `distractors` GNAD articles (evenly spaced; None: all)
    linked into `corpus`: does an answer stay with its article among a thousand others?"""
    others = _gnad_articles(set())
    if distractors is not None and distractors < len(others):
        step = len(others) / distractors if distractors else 0
        others = [others[int(i * step)] for i in range(distractors)]
    _link(corpus, sorted(ds.corpus.glob("*.txt")) + others)
    ds.corpus = corpus
    return ds


def _gnad_articles(skip: set[str]) -> list[Path]:
    articles = SHARED / "gnad" / "articles"
    if not articles.is_dir():
        raise ConfigError(f"the GNAD articles are missing: {articles}")
    return sorted(p for p in articles.glob("*.txt") if p.name not in skip)


def gnad_dataset(gold_file: Path, corpus: Path, distractors: int | None = None) -> Dataset:
    """The GNAD gold questions over their articles plus `distractors` other GNAD articles
    (evenly spaced; None: all of them), linked into `corpus`, which is made anew."""
    ds = gold_dataset(gold_file, corpus)
    ds.name = "gnad"
    wanted = {d for q in ds.questions for d in q.gold_docs}
    wanted |= {r["about"] for r in _read_jsonl(gold_file)}
    others = _gnad_articles(wanted)
    if distractors is not None and distractors < len(others):
        step = len(others) / distractors if distractors else 0
        others = [others[int(i * step)] for i in range(distractors)]
    articles = SHARED / "gnad" / "articles"
    _link(corpus, [articles / name for name in sorted(wanted)] + others)
    return ds


def gnad_negatives(gold_file: Path, corpus: Path, distractors: int | None = None) -> Dataset:
    """On-topic news questions the index cannot answer: every GNAD gold article without the
    sentences that hold an expected string of its answerable questions is written to
    `corpus`, beside `distractors` other GNAD articles (as `gnad_dataset`), and those
    questions whose expected strings the shortened article no longer holds are asked
    against it, as unanswerable (the news counterpart of `xquad_negatives`: an article on
    the topic that lacks the one fact asked for)."""
    from qa_service.sentences import split_sentences

    if corpus.is_dir():  # the last run's shortened articles: `_link` wants links alone
        for old in corpus.iterdir():
            if not old.is_symlink():
                old.unlink()
    full = gnad_dataset(gold_file, corpus, distractors)
    articles = SHARED / "gnad" / "articles"
    asked: dict[str, list[Question]] = {}
    for q in full.questions:
        if q.answerable and q.gold_docs and q.gold_docs[0].startswith("gnad_"):
            asked.setdefault(q.gold_docs[0], []).append(q)
    out = []
    for name, questions in sorted(asked.items()):
        text = (articles / name).read_text(encoding="utf-8")
        strings = {e for q in questions for e in q.expected_any}
        kept = [
            text[a:b] for a, b in split_sentences(text) if not any(e in text[a:b] for e in strings)
        ]
        rest = " ".join(kept)
        (corpus / name).unlink()
        (corpus / name).write_text(rest, encoding="utf-8")
        out += [
            Question(f"{q.id}-neg", q.lang, q.question, False, (), split=q.split, about=name)
            for q in questions
            if not any(e in rest for e in q.expected_any)
        ]
    return Dataset("gnad-negatives", corpus, out)


def _link(folder: Path, files: list[Path]) -> None:
    """`folder` holds exactly links to `files` (an ingest with --prune then matches it)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {f.name for f in files}
    for old in folder.iterdir():
        if old.name not in names:
            old.unlink()
    for f in files:
        link = folder / f.name
        if not link.is_symlink():
            link.symlink_to(f.resolve())


def xquad_dataset(limit: int | None = None) -> Dataset:
    """XQuAD's German paragraphs with German and English questions; `limit` per language
    takes an evenly spaced sample so every article is represented."""
    root = SHARED / "eval" / "xquad"
    rows = _read_jsonl(root / "questions.jsonl")
    splits = json.loads((root / "split.json").read_text(encoding="utf-8"))["questions"]
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
                split=splits[r["id"]],
            )
            for r in mine
        )
    return Dataset("xquad", root / "corpus", out)


def xquad_negatives(corpus: Path, limit: int | None = None) -> Dataset:
    """On-topic questions the index cannot answer: each XQuAD article without one of its
    paragraphs (the second; the first when it has one) is written to `corpus`, and the
    questions on a removed paragraph whose answers occur nowhere else in the article are
    asked against it, as unanswerable."""
    full = xquad_dataset()
    texts = {p.name: p.read_text(encoding="utf-8") for p in full.corpus.glob("*.txt")}
    removed: dict[str, str] = {}
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(texts.items()):
        paragraphs = text.split("\n\n")
        gone = paragraphs.pop(1 if len(paragraphs) > 1 else 0)
        removed[name] = gone
        target = corpus / name
        rest = "\n\n".join(paragraphs)
        if not target.is_file() or target.read_text(encoding="utf-8") != rest:
            target.write_text(rest, encoding="utf-8")
    out = []
    for lang in ("de", "en"):
        mine = [
            q
            for q in full.questions
            if q.lang == lang
            and q.gold_paragraph == removed[q.gold_docs[0]]
            and not any(a in (corpus / q.gold_docs[0]).read_text("utf-8") for a in q.expected_any)
        ]
        if limit and limit < len(mine):
            step = len(mine) / limit
            mine = [mine[int(i * step)] for i in range(limit)]
        out += [
            Question(q.id, lang, q.question, False, (), split=q.split, about=q.gold_docs[0])
            for q in mine
        ]
    return Dataset("xquad-negatives", corpus, out)

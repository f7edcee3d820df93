"""`qa train`: fit the sentence selector and the abstainer on development questions only.

1. `collect` asks every development question (XQuAD's dev articles, XQuAD's dev questions
   with their paragraph left out, the GNAD gold dev articles, the seed gold dev questions)
   through retrieval and the extractive answerer's candidate stage, and writes one row per
   question: its candidates' features, which of them hold the answer (XQuAD: the answer's
   span; gold: an expected string in a gold document) and whether it is answerable. Rows hold
   numbers only, no article text.
2. `fit` learns from those rows, deterministically: a sentence model that ranks each
   question's candidates (`_ranker`); out-of-fold probabilities (folds by article) for the
   question model's inputs; the question model; the refusal threshold per language, the
   highest that refuses at most `max_false_refusals` of the answerable questions out of
   fold; and the share of the best probability a further quote needs, the lowest that keeps
   the average number of quotes within `max_quotes`.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from qa_service.answering.selection import (
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
    Logistic,
    QuestionFacts,
    Selector,
    question_features,
)

SOURCES = (("xquad", "dev"), ("xquad-negatives", "dev"), ("gnad", "dev"), ("gold", "dev"))
FOLDS = 5
DISTRACTORS = 100
MAX_QUOTES = 3
RANK_L2 = 1.0


def collect(
    settings,
    sources: Sequence[tuple[str, str]] = SOURCES,
    limit: int | None = None,
    distractors: int | None = DISTRACTORS,
) -> list[dict]:
    """One row per development question (see the module docstring); the GNAD questions with
    `distractors` other GNAD articles in their index."""
    from qa_service.analysis.question import analyse
    from qa_service.answering.extractive import ExtractiveAnswerer
    from qa_service.answering.refusal import Refusal
    from qa_service.container import build_embedder
    from qa_service.evaluation.run import CachedQueryEmbedder, eval_service

    # The candidates and their features do not depend on a model: none is loaded (the
    # answerer reads its selector only when it first answers).
    settings = settings.model_copy(update={"answerer": "extractive"})
    embedder = CachedQueryEmbedder(build_embedder(settings))
    out: list[dict] = []
    for name, split in sources:
        ds, service, _ = eval_service(
            name, settings, embedder, limit, split=split, distractors=distractors
        )
        answerer = service.answerer
        assert isinstance(answerer, ExtractiveAnswerer)
        for q in ds.questions:
            text, language, retrieval = service.retrieve(q.question)
            analysis = analyse(text, language, service.reference_day())
            request = service.answer_request(text, language, analysis, retrieval)
            try:
                if not retrieval.passages:
                    continue
                analysis = answerer.with_role_speaker(analysis, request, retrieval.snapshot)
                candidates, facts = answerer.featured(request, analysis)
            except Refusal:
                continue
            if not candidates:
                continue
            snapshot = retrieval.snapshot
            spans = _answer_spans(q, snapshot)
            labels = []
            for c in candidates:
                doc = snapshot.documents[c.unit.doc_id]
                gold = Path(doc.source).name in q.gold_docs
                if q.gold_paragraph is not None:
                    hit = any(c.unit.start <= a and b <= c.unit.end for a, b in spans)
                else:
                    hit = any(s in c.unit.text for s in q.expected_any)
                labels.append(int(q.answerable and gold and hit))
            out.append(
                {
                    "id": q.id,
                    "source": name,
                    "group": q.gold_docs[0] if q.gold_docs else (q.about or q.id),
                    "lang": language,
                    "answerable": q.answerable,
                    "facts": facts.to_json(),
                    "x": [[round(c.features[f], 6) for f in SENTENCE_FEATURES] for c in candidates],
                    "y": labels,
                }
            )
    return out


def _answer_spans(q, snapshot) -> list[tuple[int, int]]:
    """XQuAD: the answers' offsets in the document that holds the gold paragraph."""
    if q.gold_paragraph is None:
        return []
    for doc in snapshot.documents.values():
        if Path(doc.source).name in q.gold_docs:
            at = doc.text.find(q.gold_paragraph)
            if at >= 0:
                return [(at + a, at + b) for a, b in q.answer_spans]
    return []


def write_rows(rows_: Iterable[dict], path: Path) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for r in rows_:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def read_rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _scaling(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each feature's mean and standard deviation (1 where it never varies)."""
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    return x.mean(axis=0), scale


def _logistic(x: np.ndarray, y: np.ndarray, features: tuple[str, ...]) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean, scale = _scaling(x)
    model = LogisticRegression(C=1.0, max_iter=2000, solver="lbfgs")
    model.fit((x - mean) / scale, y)
    return Logistic(features, mean, scale, model.coef_[0], float(model.intercept_[0]))


def _ranker(
    xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], features: tuple[str, ...]
) -> Logistic:
    """The sentence model: weights that rank each question's answering sentences first,
    then scaled to probabilities.

    The weights maximise, per question whose candidates hold an answer, the softmax share of
    its answering sentences among its candidates (a conditional logit, L2 `RANK_L2` on
    standardised features), so each question counts once however many candidates it has and
    only the differences between a question's candidates count, as when choosing a quote. A
    logistic fit of each candidate's label on that score then makes probabilities of it, over
    every candidate (unanswerable questions too), for the abstainer and the further-quote
    share (the data card compares it with a logistic model of each sentence alone)."""
    from scipy.optimize import minimize
    from sklearn.linear_model import LogisticRegression

    x_all = np.vstack(xs)
    mean, scale = _scaling(x_all)
    ranked = [i for i, y in enumerate(ys) if y.max() > 0 and len(y) > 1]
    x = (np.vstack([xs[i] for i in ranked]) - mean) / scale
    y = np.concatenate([ys[i] for i in ranked]) > 0
    sizes = np.asarray([len(ys[i]) for i in ranked])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    segment = np.repeat(np.arange(len(ranked)), sizes)

    def softmax_parts(s: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per question, log Σ exp(s) over the kept candidates, and each one's share."""
        top = np.maximum.reduceat(np.where(keep, s, -np.inf), starts)
        e = np.where(keep, np.exp(s - top[segment]), 0.0)
        total = np.add.reduceat(e, starts)
        return top + np.log(total), e / total[segment]

    everyone = np.ones_like(y)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        all_lse, all_share = softmax_parts(s, everyone)
        pos_lse, pos_share = softmax_parts(s, y)
        value = float(np.sum(all_lse - pos_lse) + RANK_L2 * (w @ w) / 2)
        return value, x.T @ (all_share - pos_share) + RANK_L2 * w

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x
    scores = ((x_all - mean) / scale) @ w
    calibration = LogisticRegression(C=1.0, max_iter=2000, solver="lbfgs")
    calibration.fit(scores[:, None], np.concatenate(ys))
    slope = float(calibration.coef_[0][0])
    return Logistic(features, mean, scale, slope * w, float(calibration.intercept_[0]))


def _folds(data: list[dict]) -> list[int]:
    """A fold per question, by article, so no article is both fitted and scored."""
    groups = sorted({r["group"] for r in data})
    fold_of = {g: i % FOLDS for i, g in enumerate(groups)}
    return [fold_of[r["group"]] for r in data]


def _question_row(r: dict, x: np.ndarray, p: np.ndarray) -> np.ndarray:
    return question_features(p, x, QuestionFacts(**r["facts"]))


def _chosen(p: np.ndarray, ends: np.ndarray, share: float) -> list[int]:
    order = list(np.argsort(-p))
    best = order[0]
    rest = [i for i in order[1:] if p[i] >= share * p[best] and ends[i] > 0.5]
    return [best, *rest][:MAX_QUOTES]


def fit(
    data: list[dict], max_false_refusals: float = 0.03, max_quotes: float = 1.8
) -> tuple[Selector, dict]:
    """The selector fitted on `data`, and its out-of-fold figures on it."""
    xs = [np.asarray(r["x"], dtype=np.float64) for r in data]
    ys = [np.asarray(r["y"], dtype=np.int64) for r in data]
    folds = _folds(data)
    sentence = _ranker(xs, ys, SENTENCE_FEATURES)

    # Out of fold: the sentence probabilities each question would get from a model that
    # never saw its article, so the question model learns from honest inputs.
    oof_p: list[np.ndarray] = [np.empty(0)] * len(data)
    for k in range(FOLDS):
        train = [i for i, f in enumerate(folds) if f != k]
        model = _ranker([xs[i] for i in train], [ys[i] for i in train], SENTENCE_FEATURES)
        for i, f in enumerate(folds):
            if f == k:
                oof_p[i] = model.probability(xs[i])
    q_x = np.vstack([_question_row(r, xs[i], oof_p[i]) for i, r in enumerate(data)])
    q_y = np.asarray([int(r["answerable"]) for r in data])
    question = _logistic(q_x, q_y, QUESTION_FEATURES)
    oof_q = np.empty(len(data))
    for k in range(FOLDS):
        train = [i for i, f in enumerate(folds) if f != k]
        model = _logistic(q_x[train], q_y[train], QUESTION_FEATURES)
        test = [i for i, f in enumerate(folds) if f == k]
        oof_q[test] = model.probability(q_x[test])

    thresholds, figures = {}, {}
    for lang in ("de", "en"):
        mine = [i for i, r in enumerate(data) if r["lang"] == lang]
        answerable = np.sort(oof_q[[i for i in mine if data[i]["answerable"]]])
        allowed = math.floor(max_false_refusals * len(answerable))
        # The highest bar that refuses no more than `allowed` answerable questions.
        t = float(answerable[allowed]) if len(answerable) else 0.5
        thresholds[lang] = t
        unanswerable = [i for i in mine if not data[i]["answerable"]]
        figures[lang] = {
            "questions": len(mine),
            "false_refusals": float(np.mean(answerable < t)) if len(answerable) else 0.0,
            "refused_unanswerable": float(np.mean(oof_q[unanswerable] < t))
            if unanswerable
            else float("nan"),
        }

    ends = SENTENCE_FEATURES.index("ends")
    answerable_ids = [i for i, r in enumerate(data) if r["answerable"] and max(r["y"]) > 0]
    best_share, best_stats = 1.0, (0.0, 1.0, 0.0)
    for share in np.round(np.arange(0.10, 1.0001, 0.05), 2):
        first = anyq = quotes = 0.0
        for i in answerable_ids:
            chosen = _chosen(oof_p[i], xs[i][:, ends], float(share))
            first += ys[i][chosen[0]]
            anyq += max(ys[i][j] for j in chosen)
            quotes += len(chosen)
        n = len(answerable_ids) or 1
        stats = (anyq / n, quotes / n, first / n)
        if stats[1] <= max_quotes and stats[0] > best_stats[0]:
            best_share, best_stats = float(share), stats
    figures["quotes"] = {
        "further_quote": best_share,
        "any_quote": best_stats[0],
        "quotes_per_answer": best_stats[1],
        "first_quote": best_stats[2],
        "questions_with_answer_in_candidates": len(answerable_ids),
    }
    return Selector(sentence, question, thresholds, best_share), figures

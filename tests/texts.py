"""Invented texts as documents, for the tests of what ingest reads from a text."""

from __future__ import annotations

from qa_service.corpus.attribution import read_sentences
from qa_service.models import Document


def document(text: str) -> Document:
    """`text` as a document without title, date or publisher to read anything from."""
    return Document(id="d", title="t", text=text, source="d.txt", content_hash="h")


def speakers(text: str) -> list[str | None]:
    """The speaker attribution gives each sentence of `text`."""
    return [u.speaker for u in read_sentences(document(text))]

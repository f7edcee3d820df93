"""verify_citations(): a citation reaches the user only if its quote is its source's text."""

from __future__ import annotations

import logging
from collections.abc import Callable

from qa_service.models import Citation, Document

log = logging.getLogger(__name__)


def verify_citations(
    citations: tuple[Citation, ...], get_document: Callable[[str], Document | None]
) -> tuple[tuple[Citation, ...], list[Citation]]:
    """Split citations into (verified, rejected). Verified means doc.text[start:end] == quote."""
    ok: list[Citation] = []
    bad: list[Citation] = []
    for c in citations:
        doc = get_document(c.doc_id)
        if (
            doc is not None
            and 0 <= c.start < c.end <= len(doc.text)
            and doc.text[c.start : c.end] == c.quote
        ):
            ok.append(c)
        else:
            log.error("dropped unverifiable citation", extra={"doc_id": c.doc_id, "start": c.start})
            bad.append(c)
    return tuple(ok), bad

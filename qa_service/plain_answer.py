"""An answer as plain text with its source list, for clients that show only text.

The OpenAI-compatible API and the MCP server send this beside the structured citations, so
a chat client or an agent that knows nothing of our fields still shows where the answer is
from: `[1] Title (Tagesblatt, 2026-01-15, 06:11) – Speaker`.
"""

from __future__ import annotations

from qa_service.models import Answer, Citation

_SOURCES = {"de": "Quellen:", "en": "Sources:"}


def source_line(c: Citation) -> str:
    details = [c.publisher, c.date and c.date.isoformat()]
    details.append(c.section_time and c.section_time.strftime("%H:%M"))
    line = f"[{c.n}] {c.title}"
    if shown := [d for d in details if d]:
        line += f" ({', '.join(shown)})"
    if c.speaker:
        line += f" \u2013 {c.speaker}"
    return line


def answer_with_sources(answer: Answer) -> str:
    """The answer text with its [n] markers, then one line per citation (none for a refusal)."""
    if not answer.citations:
        return answer.answer
    lines = "\n".join(source_line(c) for c in answer.citations)
    return f"{answer.answer}\n\n{_SOURCES[answer.language]}\n{lines}"


def strip_sources(text: str) -> str:
    """An earlier answer of ours without its source list, which is no part of the chat."""
    for heading in _SOURCES.values():
        text = text.split(f"\n\n{heading}\n", 1)[0]
    return text

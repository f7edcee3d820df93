"""General German and English word knowledge, each table once: every analyser reads it here."""

from collections.abc import Iterable


def alternatives(words: Iterable[str]) -> str:
    """A table's words as regex alternatives, the longer of two words sharing a start tried
    first ("Juni" before "Jun": "Jun" would match the start of "Juni")."""
    return "|".join(sorted(set(words), key=lambda w: (-len(w), w)))

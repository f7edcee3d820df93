"""Text shortened to a limit (a title in an answer's lead, a chat message, a quote on a card)
at a word's end, so no word is cut in half ("… ergeben la…")."""

from __future__ import annotations

# A word boundary is used when it keeps at least this share of the limit; a text of long
# words (a URL, a compound) is cut where the limit falls.
_KEEP = 2 / 3


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start up to the last whole word that
    fits, with "…" (the ellipsis counted)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():
        space = cut.rfind(" ")
        if space >= limit * _KEEP:
            cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"

"""Bytes -> text. Refuses what is not text instead of indexing mojibake or binary noise.

Order: a byte-order mark decides (UTF-8, UTF-32, UTF-16); otherwise strict UTF-8; otherwise
cp1252 (latin-1 for its five undefined bytes), but only when the bytes clearly are text.
Line endings become "\\n"; nothing else is rewritten (no NFC), so offsets stay honest.
"""

from __future__ import annotations

import codecs
import unicodedata

from qa_service.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAX_HIGH_BYTES = 0.3  # German in cp1252 has a few percent of umlauts, not a third
_MAX_CONTROL = 0.01
_ALLOWED_CONTROL = frozenset("\t\n\r\f\v")


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a file's bytes to text with "\\n" line endings, or raise `IngestError`."""
    text = _decode(data, name)
    if _control_ratio(text) > _MAX_CONTROL:
        raise IngestError(f"{name}: looks like a binary file, not text")
    text = normalise_newlines(text)
    if not text.strip():
        raise IngestError(f"{name}: file is empty")
    return text


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, name: str) -> str:
    if not data:
        raise IngestError(f"{name}: file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(f"{name}: invalid {encoding} text ({exc.reason})") from exc
    if b"\x00" in data:
        raise IngestError(f"{name}: looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if sum(b >= 0x80 for b in data) / len(data) > _MAX_HIGH_BYTES:
        raise IngestError(f"{name}: neither UTF-8 nor legible 8-bit text (binary file?)")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(
        1
        for c in text
        if c == "\ufffd" or (c not in _ALLOWED_CONTROL and unicodedata.category(c) == "Cc")
    )
    return bad / len(text)

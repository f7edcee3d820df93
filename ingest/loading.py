"""Files and uploads -> `Document`: decode, extract (HTML), clean, then read the metadata.

`Document.text` is the cleaned text, so every offset in the system points into it; it is the
decoded file (for HTML: the extracted article, see ingest/article.py) with spans deleted (see
ingest/cleaning.py), never rewritten. The title, date and publisher are labels and may be
normalised; an HTML page's own metadata wins over what its text says.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from ingest.article import extract_article
from ingest.cleaning import clean_text
from ingest.decoding import decode_bytes
from ingest.header import parse_header
from ingest.metadata import find_date, find_publisher, find_sections
from ingest.titles import resolve_title
from qa_service.errors import IngestError
from qa_service.models import Document

SUPPORTED_SUFFIXES = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html"}
# Part of a document's index key: a new extraction re-indexes the files of that kind.
EXTRACTOR_VERSIONS = {"html": 2}  # 2: trafilatura's article instead of the whole page
_SLUG_MAX = 48
_TRANSLITERATE = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def document_id(source: str) -> str:
    """Stable, readable id: "<file-stem-slug>-<8 hex of sha256(source)>"."""
    name = re.split(r"[\\/]", source.rstrip("\\/"))[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    ascii_stem = unicodedata.normalize("NFKD", stem.translate(_TRANSLITERATE))
    ascii_stem = ascii_stem.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem).strip("-")[:_SLUG_MAX].rstrip("-") or "doc"
    return f"{slug}-{hashlib.sha256(source.encode()).hexdigest()[:8]}"


def load_document(path: Path) -> Document:
    """Load a file; its source is the resolved absolute path."""
    path = Path(path)
    _kind(path.name, str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    return load_bytes(data, path.name, source=str(path.resolve()))


def load_bytes(data: bytes, name: str, source: str | None = None) -> Document:
    """Load an upload (or a file's bytes); `name` decides the format, `source` defaults to it."""
    source = source or name
    kind = _kind(name, source)
    text = decode_bytes(data, source)
    article = None
    if kind == "html":
        article = extract_article(text, source)
        text = article.text
        if not text.strip():
            raise IngestError(f"{source}: the page has no visible text")
    cleaned = clean_text(text, markdown=kind == "markdown")
    if not cleaned.text:
        raise IngestError(f"{source}: no text left after cleaning")
    header = parse_header(text)
    date = header.date if header and header.date else find_date(text)
    publisher = find_publisher(cleaned.text)
    if article is not None:
        date, publisher = article.date or date, article.publisher or publisher
    return Document(
        id=document_id(source),
        title=resolve_title(cleaned.text, name, article.title if article else None),
        text=cleaned.text,
        source=source,
        content_hash=hashlib.sha256(data).hexdigest(),
        date=date,
        publisher=publisher,
        sections=find_sections(cleaned.text, date),
        breaks=cleaned.breaks,
    )


def extractor_version(source: str) -> int | None:
    """The version of the extraction a file of this name goes through (None: decoding only)."""
    return EXTRACTOR_VERSIONS.get(SUPPORTED_SUFFIXES.get(Path(source).suffix.lower(), ""))


def _kind(name: str, label: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise IngestError(
            f"{label}: unsupported file type {suffix or '(none)'!r} (supported: {supported})"
        )
    return SUPPORTED_SUFFIXES[suffix]

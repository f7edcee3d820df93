"""Sentence-aware chunks with overlap; every chunk is a verbatim span of `Document.text`.

The text is first cut into blocks that no chunk may straddle: live-ticker sections (a heading
starts a new chunk, which carries the section) and the breaks cleaning left where it removed
content. Inside a block, consecutive sentences are packed to about `target_chars`, never more
than `max_chars` (a longer sentence is split at whitespace), preferring to end at a paragraph
break and never right after a heading line; the next chunk repeats the last
`overlap_sentences` sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa_service.models import Chunk, Document, Section, chunk_id
from qa_service.sentences import split_sentences

CHUNKER_VERSION = 5  # part of every document's index key: a change here re-chunks on ingest
_BLOCK_END_BONUS = 0.4
# no / single / blank line after the sentence: a whole paragraph is worth a longer chunk,
# because a passage that is one paragraph retrieves better than half of one (XQuAD MRR).
_BREAK_BONUS = {0: 0.0, 1: 0.15, 2: 0.8}
_HEADING_PENALTY = 0.5
# Per blank line inside a chunk that already holds half the target: short paragraphs (news)
# merge into one passage, long ones (encyclopedia) stay one passage each.
_CROSS_PARAGRAPH_PENALTY = 0.5
_SENTENCE_END = ".!?…:\"'“”’»«)"
_MAX_QUESTION_HEADING = 120


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    section: Section | None


def chunk_document(
    doc: Document, target_chars: int = 1000, max_chars: int = 1500, overlap_sentences: int = 1
) -> list[Chunk]:
    """Chunks of `doc` in text order; ids are deterministic (`chunk_id`)."""
    if target_chars < 1 or max_chars < target_chars or overlap_sentences < 0:
        raise ValueError("need 1 <= target_chars <= max_chars and overlap_sentences >= 0")
    spans: list[tuple[int, int, Section | None]] = []
    for block in _blocks(doc):
        sentences = _pieces(doc.text, split_sentences(doc.text, block.start, block.end), max_chars)
        for start, end in _pack(doc.text, sentences, target_chars, max_chars, overlap_sentences):
            spans.append((start, end, block.section))
    return [
        Chunk(
            id=chunk_id(doc.id, start, doc.text[start:end]),
            doc_id=doc.id,
            index=index,
            text=doc.text[start:end],
            start=start,
            end=end,
            title=doc.title,
            source=doc.source,
            date=doc.date,
            publisher=doc.publisher,
            section=section.heading if section else None,
            section_time=section.time if section else None,
        )
        for index, (start, end, section) in enumerate(spans)
    ]


def _blocks(doc: Document) -> list[_Block]:
    n = len(doc.text)
    sections = sorted((s for s in doc.sections if 0 <= s.start < n), key=lambda s: s.start)
    cuts = sorted({0, n, *(s.start for s in sections), *(b for b in doc.breaks if 0 < b < n)})
    blocks = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        inside = [s for s in sections if s.start <= a < max(s.end, s.start + 1)]
        blocks.append(_Block(a, b, inside[-1] if inside else None))
    return blocks


def _pieces(text: str, sentences: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Split sentences longer than `max_chars` at whitespace (hard cut if there is none)."""
    out = []
    for start, end in sentences:
        while end - start > max_chars:
            limit = start + max_chars
            cut = next((i for i in range(limit, start, -1) if text[i].isspace()), limit)
            stop = cut
            while text[stop - 1].isspace():
                stop -= 1
            out.append((start, stop))
            start = cut
            while text[start].isspace():
                start += 1
        out.append((start, end))
    return out


def _pack(
    text: str, sentences: list[tuple[int, int]], target: int, limit: int, overlap: int
) -> list[tuple[int, int]]:
    chunks: list[tuple[int, int]] = []
    n, i = len(sentences), 0
    while i < n:
        j = _best_end(text, sentences, i, target, limit)
        chunks.append((sentences[i][0], sentences[j][1]))
        if j == n - 1:
            break
        paragraph_end = "\n\n" in text[sentences[j][1] : sentences[j + 1][0]]
        k = j + 1 if paragraph_end else max(i + 1, j + 1 - overlap)
        while k <= j and sentences[j + 1][1] - sentences[k][0] > limit:
            k += 1  # overlap only where the next chunk still gains a new sentence
        i = k
    return chunks


def _best_end(text: str, sentences: list[tuple[int, int]], i: int, target: int, limit: int) -> int:
    start, last = sentences[i][0], len(sentences) - 1
    best, best_cost = i, float("inf")
    crossed = 0
    for j in range(i, last + 1):
        length = sentences[j][1] - start
        if length > limit and j > i:
            break
        gap = text[sentences[j - 1][1] : sentences[j][0]] if j > i else ""
        if "\n\n" in gap and sentences[j - 1][1] - start >= target / 2:
            crossed += 1
        cost = abs(length - target) / target + _CROSS_PARAGRAPH_PENALTY * crossed
        if j == last:
            cost -= _BLOCK_END_BONUS
        else:
            gap = text[sentences[j][1] : sentences[j + 1][0]]
            cost -= _BREAK_BONUS[min(gap.count("\n"), 2)]
            if "\n" in gap and _is_heading(text, sentences, j):
                cost += _HEADING_PENALTY  # a heading belongs to what follows it
        if cost <= best_cost:
            best, best_cost = j, cost
    return best


def _is_heading(text: str, sentences: list[tuple[int, int]], j: int) -> bool:
    """A line of its own without final punctuation, or a short question line ("Wie blickt
    Moskau auf die Koalition?"), as dpa uses for subheadings."""
    start, end = sentences[j]
    if j > 0 and "\n" not in text[sentences[j - 1][1] : start]:
        return False
    last = text[end - 1]
    return last not in _SENTENCE_END or (last == "?" and end - start <= _MAX_QUESTION_HEADING)

"""Cleaning by deletion only, so citations stay verbatim in the original file.

Each rule names spans of the decoded text to drop; nothing is rewritten or inserted. The
cleaned text is therefore the raw text with holes, `CleanResult` maps every cleaned offset back,
and where content was cut out of the middle a *break* is recorded: the chunker never lets a
chunk straddle one, so every chunk is also a verbatim passage of the file (whitespace aside).

Rules (each checked against the sample corpus in tests/unit/test_cleaning.py):
- header: the corpus date line (" date 2026-01-06  70.398");
- caption: a photo caption printed twice, the second time with "  © credit" - both lines go;
  a caption printed once only loses its "© credit" tail (rule "credit");
- credit: photo credit lines ("Titelfoto: Hugo Brodnik/dpa", "© dpa");
- teaser: video teaser markers glued to the next text ("07.01.2026 | 2:30 min");
- signoff: agency author codes after the last sentence ("wolle./evs/DP/nas");
- duplicate: a line repeating the previous one, optionally behind a dateline ("Ukraine - ");
- boilerplate: trailing link lead-ins ("Mehr zum Thema Ukraine:", "... Liveblog:");
- markdown: heading marks ("## ") in .md files;
- whitespace: blank lines left over at the seams, and leading/trailing whitespace.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ingest.header import parse_header

Span = tuple[int, int]


@dataclass(frozen=True)
class Removal:
    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class CleanResult:
    """`text` is `raw` minus `removed`; `segments` are the kept raw spans, in order."""

    raw: str
    text: str
    removed: tuple[Removal, ...]
    segments: tuple[Span, ...]
    breaks: tuple[int, ...]
    """Offsets in `text` where non-whitespace content was removed between kept text."""
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts, pos = [], 0
        for s, e in self.segments:
            starts.append(pos)
            pos += e - s
        object.__setattr__(self, "_starts", tuple(starts))

    def to_raw(self, offset: int) -> int:
        """Offset in `raw` of the cleaned character at `offset` (`len(text)` -> `len(raw)`)."""
        if not 0 <= offset <= len(self.text):
            raise IndexError(offset)
        if offset == len(self.text):
            return len(self.raw)
        k = bisect.bisect_right(self._starts, offset) - 1
        return self.segments[k][0] + offset - self._starts[k]

    def removed_chars(self) -> Counter[str]:
        """Characters removed per rule."""
        counts: Counter[str] = Counter()
        for r in self.removed:
            counts[r.rule] += r.end - r.start
        return counts


def clean_text(raw: str, *, markdown: bool = False) -> CleanResult:
    """Apply every rule to `raw` (decoded, "\\n" line endings) and return the cleaned text."""
    lines = _line_spans(raw)
    rules: list[Callable[[str, list[Span]], Iterator[Removal]]] = [
        _header,
        _captions,
        _credit_lines,
        _teasers,
        _signoff,
        _duplicates,
        _trailing_boilerplate,
    ]
    if markdown:
        rules.append(_markdown_marks)
    owner: list[str | None] = [None] * len(raw)
    for rule in rules:  # first rule to claim a character names its removal
        for r in rule(raw, lines):
            for i in range(r.start, r.end):
                if owner[i] is None:
                    owner[i] = r.rule
    _drop_seam_whitespace(raw, owner)
    return _result(raw, owner)


# -- rules ------------------------------------------------------------------------------

_CREDIT_TAIL = re.compile(r"[^\S\n]+©[^\S\n]*([^\s©][^\n]{0,79})$")
_CREDIT_LINE = re.compile(
    r"[^\S\n]*(?:©|\(c\)[^\S\n]|(?:titel|symbol)?(?:foto|bild)s?[^\S\n]*:|"
    r"(?:bildquelle|bildrechte|fotocredits?)[^\S\n]*:)[^\n]{0,120}",
    re.IGNORECASE,
)
_TEASER = re.compile(
    r"^[^\S\n]*\d{1,2}\.\d{1,2}\.\d{4}[^\S\n]*\|[^\S\n]*\d{1,3}:\d{2}(?::\d{2})?[^\S\n]*min", re.M
)
_SIGNOFF = re.compile(r"(?<=[.!?\"“”»])(?:/[A-Za-z]{1,6}){2,}\s*\Z")
_DATELINE = re.compile(r"[A-ZÄÖÜ][^\n]{0,40}?(?:\([^()\n]{1,30}\))?[^\S\n]+[-–—][^\S\n]+")
_TAIL = re.compile(
    r"(?:mehr zu(?:m thema)?|lesen sie (?:auch|mehr)|weitere (?:artikel|meldungen|infos)|"
    r"aktuelle meldungen|hier geht|zum liveblog|mehr nachrichten)\b",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^[^\S\n]{0,3}#{1,6}[^\S\n]+", re.M)
_MIN_DUPLICATE_CHARS = 20
_MAX_LEAD_IN_WORDS = 20


def _header(raw: str, lines: list[Span]) -> Iterator[Removal]:
    header = parse_header(raw)
    if header is not None:
        yield Removal(0, header.end, "header")


def _captions(raw: str, lines: list[Span]) -> Iterator[Removal]:
    for k, (s, e) in enumerate(lines):
        line = raw[s:e]
        match = _CREDIT_TAIL.search(line)
        if match is None or not line[: match.start()].strip() or not _is_credit(match.group(1)):
            continue
        caption = _squash(line[: match.start()])
        if k > 0 and _squash(raw[slice(*lines[k - 1])]) == caption:
            yield Removal(lines[k - 1][0], e, "caption")
        else:
            yield Removal(s + match.start(), e, "credit")


def _credit_lines(raw: str, lines: list[Span]) -> Iterator[Removal]:
    for s, e in lines:
        if _CREDIT_LINE.fullmatch(raw, s, e):
            yield Removal(s, e, "credit")


def _teasers(raw: str, lines: list[Span]) -> Iterator[Removal]:
    for match in _TEASER.finditer(raw):
        yield Removal(match.start(), match.end(), "teaser")


def _signoff(raw: str, lines: list[Span]) -> Iterator[Removal]:
    match = _SIGNOFF.search(raw, max(0, len(raw.rstrip()) - 40))
    if match is not None:
        yield Removal(match.start(), match.end(), "signoff")


def _duplicates(raw: str, lines: list[Span]) -> Iterator[Removal]:
    previous = None
    for s, e in lines:
        core = _core(raw[s:e])
        if not core:
            continue
        if core == previous and len(core) >= _MIN_DUPLICATE_CHARS:
            yield Removal(s, e, "duplicate")
        previous = core


def _trailing_boilerplate(raw: str, lines: list[Span]) -> Iterator[Removal]:
    filled = [(s, e) for s, e in lines if raw[s:e].strip()]
    first = None
    for s, e in reversed(filled[1:]):  # the first line always stays: it is the article
        if not _is_lead_in(raw[s:e].strip()):
            break
        first = s
    if first is not None:
        yield Removal(first, len(raw), "boilerplate")


def _markdown_marks(raw: str, lines: list[Span]) -> Iterator[Removal]:
    for match in _MARKDOWN_HEADING.finditer(raw):
        yield Removal(match.start(), match.end(), "markdown")


def _is_credit(text: str) -> bool:
    """ "Anna Maria Quendlinger/AP/dpa", "dpa": a name or agency, not the rest of a sentence."""
    text = text.strip()
    return text[-1] not in ".!?:;," and ("/" in text or len(text.split()) <= 4)


def _is_lead_in(line: str) -> bool:
    """A line that only announces links or credits, which the text export dropped."""
    if _CREDIT_LINE.fullmatch(line):
        return True
    short = len(line.split()) <= _MAX_LEAD_IN_WORDS
    if _TAIL.match(line) and short and line[-1] not in '.!?"“”»':
        return True  # "Mehr zum Thema", "Lesen Sie auch" - not "Mehr zu sagen hatte er nicht."
    return line.endswith(":") and short


def _core(line: str) -> str:
    line = _squash(line)
    match = _DATELINE.match(line)
    return line[match.end() :] if match else line


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- assembly ---------------------------------------------------------------------------


def _line_spans(raw: str) -> list[Span]:
    spans, pos = [], 0
    for line in raw.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _drop_seam_whitespace(raw: str, owner: list[str | None]) -> None:
    """Trim the ends; where a removal or a long blank stretch left a whitespace run, keep the
    line breaks of its wider side, at most one blank line (or one space if there are none)."""
    kept = [i for i, o in enumerate(owner) if o is None]
    lo, hi = 0, len(kept)
    while lo < hi and raw[kept[lo]].isspace():
        owner[kept[lo]] = "whitespace"
        lo += 1
    while hi > lo and raw[kept[hi - 1]].isspace():
        owner[kept[hi - 1]] = "whitespace"
        hi -= 1
    j = lo
    while j < hi:
        if not raw[kept[j]].isspace():
            j += 1
            continue
        k = j
        while k < hi and raw[kept[k]].isspace():
            k += 1
        run = kept[j:k]
        newlines = [i for i in run if raw[i] == "\n"]
        seam = run[-1] - run[0] != len(run) - 1
        if seam or len(newlines) > 2:
            wanted = min(2, _widest_break(raw, run)) if newlines else 0
            keep = set(newlines[:wanted]) if wanted else {run[0]}
            for i in run:
                if i not in keep:
                    owner[i] = "whitespace"
        j = k


def _widest_break(raw: str, run: list[int]) -> int:
    """Most line breaks on one side of a seam: "A\n[cut]\nB" keeps one, not a blank line."""
    widest, count, previous = 0, 0, None
    for i in run:
        if previous is not None and i != previous + 1:
            count = 0
        count += raw[i] == "\n"
        widest = max(widest, count)
        previous = i
    return widest


def _result(raw: str, owner: list[str | None]) -> CleanResult:
    removed: list[Removal] = []
    segments: list[Span] = []
    breaks: list[int] = []
    pos, i, n = 0, 0, len(raw)
    kept_total = owner.count(None)
    while i < n:
        j = i
        while j < n and owner[j] == owner[i]:
            j += 1
        rule = owner[i]
        if rule is None:
            segments.append((i, j))
            pos += j - i
        else:
            removed.append(Removal(i, j, rule))
            if 0 < pos < kept_total and raw[i:j].strip() and (not breaks or breaks[-1] != pos):
                breaks.append(pos)
        i = j
    text = "".join(raw[s:e] for s, e in segments)
    return CleanResult(raw, text, tuple(removed), tuple(segments), tuple(breaks))

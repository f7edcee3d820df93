"""German-aware sentence spans: chunks are packed from them and answers quote them.

A sentence ends at ".", "!", "?" or "…" (with any closing quotes or brackets right after it)
followed by whitespace and a sentence start, at a blank line, or at a line break - so a heading
line without final punctuation is a sentence of its own - unless the next line continues in
lower case (a hard-wrapped sentence). It does not end after abbreviations ("z. B.", "Nr.",
"Mio."), initials ("Maria E. Lotter"), ordinals ("am 6. Januar", "des 20. Jahrhunderts",
"im frühen 16. Jahrhundert", "am 14. und 15.", "12. 3. 2019") or inside numbers ("1.400",
"6.11 Uhr"); glued sentences ("teilnehmen.Auch") are split. A closing quote that was pushed
to the next line ("immer.\\n“Brunner") goes back to the sentence whose quote it closes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa_service.date_words import GERMAN_MONTH_NUMBERS
from qa_service.lang import english, german

_TERMINAL = re.compile(r"[.!?…]+")
_CLOSERS = frozenset("\"'“”’»«)]")
_LATE_CLOSERS = frozenset('“”«"')
_NO_START = frozenset(",;:)")
_DAY_MONTH = re.compile(r"\d{1,2}\. ?\d{4}\b")
_YEAR = re.compile(r"\d{4}\b")
_DAY = re.compile(r"\b\d{1,2}\. ?$")


_ABBREVIATIONS = german.ABBREVIATIONS | english.ABBREVIATIONS
_MONTH_WORDS = frozenset(GERMAN_MONTH_NUMBERS) | frozenset(german.MONTH_ABBREVIATIONS)
_SENTENCE_STARTERS = german.SENTENCE_STARTERS | english.SENTENCE_STARTERS


def _capitalised_abbreviation(token: str) -> bool:
    """ "Nr", "Prof", "Mag" as written: the lower-case word ("mag") ends sentences."""
    return token[:1].isupper() and token[1:2].islower() and token.lower() in _ABBREVIATIONS


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans in `text[start:end]`, as offsets into `text`, trimmed of whitespace."""
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    if start >= end:
        return []
    seg = text[start:end]
    cuts = {0, len(seg), *_line_cuts(seg), *_punctuation_cuts(seg)}
    spans = _reattach_closing_quotes(seg, _trimmed(seg, sorted(cuts)))
    return [(start + s, start + e) for s, e in spans]


def _line_cuts(seg: str) -> Iterator[int]:
    n = len(seg)
    for match in re.finditer("\n", seg):
        i = match.start()
        k = i + 1
        while k < n and seg[k] != "\n" and seg[k].isspace():
            k += 1
        if k >= n or seg[k] == "\n":
            yield i  # blank line: a paragraph ends
            continue
        j = i - 1
        while j >= 0 and seg[j] != "\n" and seg[j].isspace():
            j -= 1
        before = seg[j] if j >= 0 else "\n"
        hyphenated = before == "-" and j > 0 and seg[j - 1].isalpha()
        if seg[k].islower() or seg[k] in _NO_START or before in ",;(" or hyphenated:
            continue  # the sentence was wrapped, it goes on
        yield i


def _punctuation_cuts(seg: str) -> Iterator[int]:
    n = len(seg)
    for match in _TERMINAL.finditer(seg):
        p = match.end()
        while p < n and seg[p] in _CLOSERS:
            p += 1
        if p >= n:
            continue
        closed = p > match.end()
        if seg[p].isspace():
            q = p
            while q < n and seg[q].isspace():
                q += 1
            if q >= n or seg[q].islower() or seg[q] in _NO_START:
                continue
            if match.group() == "." and not closed and _continues(seg, match.start(), q):
                continue
            yield p
        elif _glued(seg, match.start(), p, closed):
            yield p


def _continues(seg: str, dot: int, q: int) -> bool:
    """True when the "." at `dot` ends an abbreviation, an initial or an ordinal, not a
    sentence; `q` is where the next word starts."""
    token = _word_before(seg, dot)
    if not token:
        return False
    if _capitalised_abbreviation(token) or token.lower() in german.LOWER_ABBREVIATIONS:
        return True
    if len(token) > 3 and token.endswith("str") and token.isalpha():
        return True  # "Hauptstr.", "Bahnhofstr."
    following = _word_at(seg, q)
    if len(token) == 1 and token.isalpha():
        if token.islower():
            return True  # "z. B.", "u. a.", "d. h."
        return seg[q].isupper() and following.lower() not in _SENTENCE_STARTERS
    if token.isdigit() and len(token) <= 2:
        if following.lower() in _MONTH_WORDS or _ordinal_noun(following):
            return True
        if _DAY_MONTH.match(seg, q) or (  # "(APA, 12. 3. 2019)": at "12." and at "3."
            _YEAR.match(seg, q) and _DAY.search(seg, 0, dot - len(token))
        ):
            return True
        before = _word_before(seg, dot - len(token))
        if before.lower() in german.ORDINAL_CONTEXT:
            return True
        # "am 14. und 15.": the second of two ordinals
        head = seg[: dot - len(token)].rstrip()[: -len(before) or None].rstrip()
        return before.lower() in ("und", "oder") and re.search(r"\b\d{1,2}\.$", head) is not None
    return False


def _ordinal_noun(word: str) -> bool:
    """ "Jahrhundert", "Jahrhunderts", "Runde", "Lebensjahres": counted with an ordinal."""
    lower = word.lower()
    endings = ("", "s", "es", "n", "en")
    return any(lower.removesuffix(end) in german.ORDINAL_NOUNS for end in endings)


def _glued(seg: str, dot: int, p: int, closed: bool) -> bool:
    """ "teilnehmen.Auch der": a word ends, the next sentence starts without a space."""
    if p + 1 >= len(seg) or not (seg[p].isupper() and seg[p + 1].islower()):
        return False
    if closed:
        return True
    token = _word_before(seg, dot)
    return (
        len(token) >= 2
        and token.isalpha()
        and token[-1].islower()
        and token.lower() not in german.LOWER_ABBREVIATIONS
        and not _capitalised_abbreviation(token)
    )


def _word_before(seg: str, pos: int) -> str:
    """The alphanumeric run ending at `pos`, after skipping spaces before `pos`."""
    end = pos
    while end > 0 and seg[end - 1] in " \t\u00a0":
        end -= 1
    start = end
    while start > 0 and seg[start - 1].isalnum():
        start -= 1
    return seg[start:end]


def _word_at(seg: str, pos: int) -> str:
    end = pos
    while end < len(seg) and seg[end].isalpha():
        end += 1
    return seg[pos:end]


def _trimmed(seg: str, cuts: list[int]) -> list[tuple[int, int]]:
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        while a < b and seg[a].isspace():
            a += 1
        while b > a and seg[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


def _reattach_closing_quotes(seg: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and seg[s] in _LATE_CLOSERS and _closes(seg, out[-1], s, e):
            out[-1] = (out[-1][0], s + 1)
            s += 1
            while s < e and seg[s].isspace():
                s += 1
            if s >= e:
                continue
        out.append((s, e))
    return out


def _closes(seg: str, previous: tuple[int, int], s: int, e: int) -> bool:
    """Does the quote at `s` close a quotation left open in the previous sentence?"""
    before, quote = seg[previous[0] : previous[1]], seg[s]
    if quote in "“”":
        return before.count("„") > before.count("“") + before.count("”")
    if quote == "«":
        return before.count("»") > before.count("«")
    return before.count('"') % 2 == 1 and (s + 1 == e or seg[s + 1].isspace())

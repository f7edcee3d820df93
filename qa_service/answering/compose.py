"""From chosen sentences to citations and the answer text a reader sees.

Context completion widens a quote to the sentences it cannot stand without, keeping it one
contiguous span of the document (`doc.text[start:end]`, so still verbatim): a sentence ending
in ":" takes the quote it introduces, and one that opens with "Er", "Damit", "Dies" … takes
the sentence before it. Each quote is framed with who said it and where and when it was
published ("Brunner (Tagesblatt, 15. Januar 2026): „…“ [1]"); the frames are templates in prompts/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa_service.clip import clip
from qa_service.corpus.attribution import SentenceUnit
from qa_service.corpus.snapshot import CorpusSnapshot
from qa_service.date_words import clock_time, day_month, long_date
from qa_service.models import AlsoIn, Citation, Document, Language
from qa_service.prompts import PromptLibrary
from qa_service.retrieval.tokens import tokenize

MAX_QUOTE_CHARS = 500  # a quote a reader takes in at a glance, completion included
MAX_ANSWER_CHARS = 800  # the framed quotes of one answer together
_CLAUSE_END = re.compile(r"[,;:–—]\s+")
_PERSONAL = frozenset("Er Sie He She".split())
_DEMONSTRATIVE = re.compile(r"^(?:Dies|Dazu|Damit|Daher|Deshalb|Dabei|Darin|This|That)\b")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Quote:
    """A contiguous span of one document and the sentence it was chosen for."""

    unit: SentenceUnit
    start: int
    end: int


def _no_break(doc: Document, start: int, end: int) -> bool:
    """Cleaning cut content out at `doc.breaks`: a quote may not span one."""
    return not any(start < b < end for b in doc.breaks)


def complete(unit: SentenceUnit, snapshot: CorpusSnapshot, then: bool = False) -> Quote:
    """Widen `unit` to the sentences it needs to be understood; with `then`, to the next
    sentence of its paragraph too (a why-question's sentence that gives no reason: news
    states a fact and gives its cause after it, "Die Fähre fährt nicht mehr. Dem Betreiber
    fehle das Geld.")."""
    doc = snapshot.documents[unit.doc_id]
    start, end = unit.start, unit.end
    nxt = snapshot.neighbour(unit, 1)
    # The quote an intro announces; "Dies …"/"Dazu …" right after, which says how or why.
    follows = (
        nxt is not None
        and "\n\n" not in doc.text[unit.end : nxt.start]
        and (
            then
            or (
                (unit.introduces or _DEMONSTRATIVE.match(nxt.text) is not None)
                and (nxt.speaker_key == unit.speaker_key or unit.introduces)
            )
        )
    )
    if follows and nxt.end - start <= MAX_QUOTE_CHARS and _no_break(doc, start, nxt.end):
        end = nxt.end
    # "Er machte deutlich, …" with its speaker known is framed with the name: no need for
    # the sentence before. "Damit …", "Dies …" need it.
    pronoun = unit.speaker is not None and unit.text.split()[0] in _PERSONAL
    if unit.refers_back and not pronoun:
        prev = snapshot.neighbour(unit, -1)
        if (
            prev is not None
            and "\n\n" not in doc.text[prev.end : start]
            and prev.text.rstrip()[-1:] in '.!?"“”:'
            and end - prev.start <= MAX_QUOTE_CHARS
            and _no_break(doc, prev.start, end)
        ):
            start = prev.start
    return Quote(unit, start, end)


def shorten(quote: Quote, snapshot: CorpusSnapshot, words: frozenset[str]) -> Quote:
    """A quote over MAX_QUOTE_CHARS keeps the run of whole clauses, within the limit, that
    holds most of the question's `words` (folded tokens): still one verbatim span."""
    if quote.end - quote.start <= MAX_QUOTE_CHARS:
        return quote
    text = snapshot.documents[quote.unit.doc_id].text
    cuts = [quote.start]
    cuts += [quote.start + m.end() for m in _CLAUSE_END.finditer(text[quote.start : quote.end])]
    cuts.append(quote.end)
    best, best_hits = (quote.start, quote.start + MAX_QUOTE_CHARS), -1
    for i, a in enumerate(cuts[:-1]):
        ends = [b for b in cuts[i + 1 :] if b - a <= MAX_QUOTE_CHARS]
        if not ends:
            continue
        b = ends[-1]
        hits = len(words & set(tokenize(text[a:b])))
        if hits > best_hits:
            best, best_hits = (a, b), hits
    start, end = best
    if end - start > MAX_QUOTE_CHARS:  # one clause over the limit: cut at a word boundary
        cut = text.rfind(" ", start, start + MAX_QUOTE_CHARS)
        end = cut if cut > start else start + MAX_QUOTE_CHARS
    return Quote(quote.unit, start, len(text[:end].rstrip(" ,;:–—")))


def focus(quote: Quote, snapshot: CorpusSnapshot) -> str:
    """The sentence the quote was chosen for; an introduction ("Brunner sagte:") with what it
    introduces."""
    if quote.unit.introduces:
        return snapshot.documents[quote.unit.doc_id].text[quote.unit.start : quote.end]
    return quote.unit.text


def merge(quotes: Sequence[Quote]) -> list[Quote]:
    """Overlapping spans of one document become one quote, in the order first chosen."""
    out: list[Quote] = []
    for q in quotes:
        for i, o in enumerate(out):
            if o.unit.doc_id == q.unit.doc_id and q.start < o.end and o.start < q.end:
                out[i] = Quote(o.unit, min(o.start, q.start), max(o.end, q.end))
                break
        else:
            out.append(q)
    return out


def format_when(date: dt.date | None, moment: dt.datetime | None, language: Language) -> str:
    if moment is not None:  # as the ticker writes it: "5. Januar, 13.44 Uhr"
        return f"{day_month(moment, language)}, {clock_time(moment, language)}"
    return "" if date is None else long_date(date, language)


def outlet(doc: Document) -> str:
    if doc.publisher:
        return doc.publisher
    return f"„{clip(doc.title, 60)}“"


def citation(
    quote: Quote, n: int, snapshot: CorpusSnapshot, also: Sequence[SentenceUnit] = ()
) -> Citation:
    doc = snapshot.documents[quote.unit.doc_id]
    others = []
    for u in also:
        other = snapshot.documents.get(u.doc_id)
        if other is not None:
            others.append(
                AlsoIn(
                    doc_id=other.id,
                    title=other.title,
                    source=other.source,
                    start=u.start,
                    end=u.end,
                    date=other.date,
                    publisher=other.publisher,
                )
            )
    return Citation(
        n=n,
        doc_id=doc.id,
        title=doc.title,
        source=doc.source,
        start=quote.start,
        end=quote.end,
        quote=doc.text[quote.start : quote.end],
        date=doc.date,
        publisher=doc.publisher,
        speaker=quote.unit.speaker,
        section_time=quote.unit.section_time,
        also_in=tuple(others),
    )


def source_label(c: Citation, doc: Document, language: Language) -> str:
    """ "Tagesblatt, 15. Januar 2026"; an undated article is only its outlet, never
    "Tagesblatt, "."""
    when = format_when(c.date, c.section_time, language)
    return ", ".join(part for part in (outlet(doc), when) if part)


def frame(c: Citation, doc: Document, prompts: PromptLibrary, language: Language) -> str:
    """ "Brunner (Tagesblatt, 15. Januar 2026): „…“ [1]" — who, where from, when, the quote."""
    values = {
        "source": source_label(c, doc, language),
        "quote": _SPACE.sub(" ", c.quote).strip(),
        "n": str(c.n),
    }
    if c.speaker:
        return prompts.render("quote_speaker", language, speaker=c.speaker, **values)
    return prompts.render("quote_plain", language, **values)


def quotes_text(
    citations: Sequence[Citation],
    documents: Mapping[str, Document],
    prompts: PromptLibrary,
    language: Language,
) -> tuple[str, tuple[Citation, ...]]:
    """The answer built from `citations` alone, renumbered 1..n: what is shown when only some
    of a draft's citations verified, so no text rests on a quote that did not."""
    numbered = tuple(c.model_copy(update={"n": n}) for n, c in enumerate(citations, start=1))
    parts = [frame(c, documents[c.doc_id], prompts, language) for c in numbered]
    return prompts.render("extractive_answer", language, quotes="\n".join(parts)), numbered

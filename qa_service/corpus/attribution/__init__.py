"""Who says each sentence of an article, and how the text tells us.

News text attributes speech in a handful of ways, and this module reads them in one pass
over a document's sentences:
- a reporting verb with its subject: "…, sagte Wendelbrunn", "Quendlinger schrieb …", "teilte
  EU-Ratspräsidentin Olga Brandstetter … mit", "Er forderte …" (German verb-second order: the
  subject stands right after the verb when something else comes first);
- "so Wendelbrunn", "laut X", "nach Angaben von X", "nach den Worten von X", "hieß es im
  Ministerium";
- the name line: a quote alone on its line, the speaker's name alone on the next;
- a sentence ending in ":" ("… sagte er:") lends its speaker to the quote it introduces;
- reported speech goes on in the subjunctive ("Es gebe keine Alternative"), in a bare quote
  sentence or in the first person (news text without quote marks): it keeps the previous
  sentence's speaker;
- reported speech nobody is said to speak, nor just before (a subjunctive I in a main
  clause, or the first person), is the voice of its pronoun subject, of the person named
  before its colon, or of the person the sentence before named;
- a pronoun or a role noun ("er", "der Kanzler", "die Forscherin", "so der 45-Jährige") is
  the person its own sentence names before it, else the last person named that fits (by
  gender for a pronoun); plural and indefinite ones are unnamed sources.
A speaker is a name as the text writes it, in its fullest form in the document ("Gustav
Wendelbrunn" for "so Wendelbrunn"), an institution ("teilte die Polizei mit") or an unnamed
source; never a common noun: HanTa's German lexicon tells nouns ("Firmengeschichte") from
names, and reads verbs to their lemmas. A sentence nobody is said to speak has no speaker:
the outlet reports.

The package is a reader and two kinds of rules, each rule a class with its own cases file
(tests/data/attribution_rules/): `grammar.py` reads German clauses from text alone,
`reader.Reader` knows whom the document has named so far, `sources.SOURCE_RULES` find the
source a sentence names for itself, and `context.CONTEXT_RULES` give a sentence that names
none the speaker of its context. `read_sentences` runs them.
"""

from __future__ import annotations

from qa_service.corpus.attribution.context import (
    CONTEXT_RULES,
    REFERS_BACK,
    At,
    Context,
    ContextRule,
)
from qa_service.corpus.attribution.grammar import speaker_head
from qa_service.corpus.attribution.reader import Reader
from qa_service.corpus.attribution.sources import SOURCE_RULES, Found, SourceRule, own_source
from qa_service.corpus.attribution.units import MARKERS, How, SentenceUnit
from qa_service.corpus.names import person_key
from qa_service.corpus.people import PersonRecord
from qa_service.models import Document
from qa_service.sentences import split_sentences

__all__ = ["How", "SentenceUnit", "read_sentences", "speaker_head"]


def read_sentences(
    doc: Document,
    sources: tuple[SourceRule, ...] = SOURCE_RULES,
    context: tuple[ContextRule, ...] = CONTEXT_RULES,
) -> list[SentenceUnit]:
    """Every sentence of `doc` with its span, ticker time and speaker: first what each
    sentence names for itself, in order, so the reader learns the document's people as a
    reader would; then the context rules for the sentences that name no one."""
    text = doc.text
    spans = split_sentences(text)
    reader = Reader(doc)
    sections = sorted(doc.sections, key=lambda s: s.start)
    found: list[Found | None] = []
    voices: list[PersonRecord | None] = []
    for s, e in spans:
        sentence = text[s:e]
        found.append(own_source(reader, sentence, sources))
        reader.note_source(found[-1])
        voices.append(reader.own_voice(sentence))
        reader.note_mentions(sentence)
        if found[-1] and found[-1] not in MARKERS:
            reader.people.mention(reader.people.get(found[-1][0]))

    units: list[SentenceUnit] = []
    ctx = Context()
    for i, (s, e) in enumerate(spans):
        section = next((sec for sec in sections if sec.start <= s < sec.end), None)
        at = At(
            reader, s, e, found[i], voices[i],
            next_span=spans[i + 1] if i + 1 < len(spans) else None,
            section=section, previous_end=ctx.previous_end,
        )  # fmt: skip
        speaker = found[i]
        for rule in context:
            speaker = rule.apply(at, ctx, speaker)
        units.append(
            SentenceUnit(
                doc_id=doc.id,
                index=i,
                start=s,
                end=e,
                text=at.text,
                speaker=speaker[0] if speaker else None,
                speaker_key=person_key(speaker_head(speaker[0])) if speaker else None,
                how=speaker[1] if speaker else None,
                section_time=section.time if section else None,
                section_start=section.start if section else None,
                introduces=at.text.rstrip().endswith(":"),
                refers_back=bool(REFERS_BACK.match(at.text)),
            )
        )
        ctx.after(at, speaker)
    return units

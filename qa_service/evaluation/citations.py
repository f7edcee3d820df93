"""`qa eval --answerer X --calibrate`: the citation thresholds, chosen from recorded answers.

`citation_min_support_<lang>`: each sentence the model wrote is scored against the passages
of its own question and against those of a question about other articles (no shared chunk).
The threshold is the lowest that lets at most 5 % of those mismatched pairs through: a
sentence must be supported by its sources clearly better than by unrelated text. Per answer
language, because an English sentence scores lower against German text.

`generated_min_supported`: with those thresholds each answer keeps the sentences that clear
them. The share of kept sentences below which the extractive answer is returned is the one
under which the most gold answers contain an expected string; ties go to the share nearest
one half (a model with one line wrong of three misread one quote; its other lines are
checked one by one, and a model with most lines wrong is not trusted with the rest).
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np

from qa_service.answering.generative import is_refusal
from qa_service.answering.resolve import CitationResolver, SentenceBuffer, markers_of
from qa_service.settings import Settings, get_settings

MAX_MISMATCHED_PASS = 0.05
SHARES = (0.0, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0)


def model_sentences(raw: str, no_answer: str) -> list[str]:
    """The sentences of a recorded model output as the answerer saw them (refusals left out)."""
    buffer = SentenceBuffer()
    found = [*buffer.feed(raw), *buffer.close()]
    return [s for s in found if len(markers_of(s)[1].split()) >= 2 and not is_refusal(s, no_answer)]


def _quote(source) -> str:
    p = source.passage
    return p.text[source.start - p.start : source.end - p.start]


def run_citation_calibration(answerer: str, settings: Settings | None = None) -> str:
    from qa_service.container import build_embedder
    from qa_service.evaluation.run import CachedQueryEmbedder, eval_service

    settings = (settings or get_settings()).model_copy(update={"answerer": "extractive"})
    path = settings.data_dir / "eval-gold" / f"answers-{answerer}.jsonl"
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    # Every model sentence is scored against many questions' passages: embed it once.
    embedder = CachedQueryEmbedder(build_embedder(settings))
    # Fitted on the dev split only: the holdout questions stay unseen by any threshold.
    ds, service, _ = eval_service("gold", settings, embedder, split="dev")
    by_id = {q.id: q for q in ds.questions}
    vectors = service.answerer.sentence_vectors  # the extractive answerer's cache
    asked = [
        r
        for r in records
        if r["id"] in by_id and r["mode"] != "extractive" and r["raw"] and r["answerable"]
    ]
    if not asked:
        return f"no generated answers in {path}; run `qa eval --answerer {answerer}` first"

    passages = {r["id"]: service.retrieve(by_id[r["id"]].question)[2].passages for r in asked}
    sentences = {
        r["id"]: model_sentences(r["raw"], service.prompts.render("no_answer", r["lang"]))
        for r in asked
    }
    resolvers = {
        r["id"]: CitationResolver(passages[r["id"]], service.embedder, vectors, 0.0) for r in asked
    }
    own = {r["id"]: [resolvers[r["id"]].best_support(s) for s in sentences[r["id"]]] for r in asked}
    mismatched: dict[str, list[float]] = defaultdict(list)
    for r in asked:
        shared = frozenset(p.chunk_id for p in passages[r["id"]])
        for other in asked:
            if set(by_id[other["id"]].gold_docs) & set(by_id[r["id"]].gold_docs):
                continue  # about the same articles: its passages may well support r's answer
            foreign = resolvers[other["id"]]
            mismatched[r["lang"]] += [
                foreign.best_support(s, exclude=shared) for s in sentences[r["id"]]
            ]

    min_support = dict(settings.citation_min_support)
    lines = [f"citation calibration from {len(asked)} generated gold answers ({path})"]
    for lang, scores in sorted(mismatched.items()):
        t = float(np.quantile(scores, 1 - MAX_MISMATCHED_PASS, method="higher")) + 1e-4
        min_support[lang] = round(t, 4)
        mine = [x for r in asked if r["lang"] == lang for x in own[r["id"]]]
        kept = sum(x >= min_support[lang] for x in mine) / max(1, len(mine))
        lines.append(
            f"  {lang}: citation_min_support = {min_support[lang]} (lets "
            f"{MAX_MISMATCHED_PASS:.0%} of {len(scores)} mismatched sentences through; keeps "
            f"{kept:.1%} of {len(mine)} sentences against their own passages)"
        )

    def contains(text: str, qid: str) -> bool:
        return any(e.casefold() in text.casefold() for e in by_id[qid].expected_any)

    extractive = {
        r["id"]: contains(service.ask(by_id[r["id"]].question).answer, r["id"]) for r in asked
    }
    quotes = {}  # per sentence: it and its quotes at the chosen threshold, or None
    for r in asked:
        resolver = CitationResolver(
            passages[r["id"]], service.embedder, vectors, min_support[r["lang"]]
        )
        found = [resolver.resolve(s).sources for s in sentences[r["id"]]]
        quotes[r["id"]] = [
            " ".join([markers_of(s)[1], *map(_quote, src)]) if src else None
            for s, src in zip(sentences[r["id"]], found, strict=True)
        ]
    totals = {}
    for share in SHARES:
        total = 0
        for r in asked:
            kept = [q for q in quotes[r["id"]] if q is not None]
            generated = bool(kept) and len(kept) >= share * len(sentences[r["id"]])
            total += contains(" ".join(kept), r["id"]) if generated else extractive[r["id"]]
        totals[share] = total
    best = max(SHARES, key=lambda t: (totals[t], -abs(t - 0.5)))
    lines += [
        f"  answers containing an expected string (of {len(asked)}), by "
        "generated_min_supported: " + ", ".join(f"{t:.2f}: {totals[t]}" for t in SHARES),
        f"  generated_min_supported = {best:.2f}",
        f"set: QA_CITATION_MIN_SUPPORT_DE={min_support['de']} "
        f"QA_CITATION_MIN_SUPPORT_EN={min_support['en']} QA_GENERATED_MIN_SUPPORTED={best:.2f} "
        f"(configured now: {settings.citation_min_support_de}, "
        f"{settings.citation_min_support_en}, {settings.generated_min_supported})",
    ]
    return "\n".join(lines)

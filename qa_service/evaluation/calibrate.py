"""`qa eval --calibrate`: choose the refusal thresholds from measurements, not by hand.

Per question language, a refusal rule has two numbers: the confidence (best sentence cosine)
an answer needs, and the margin added when the question names something the corpus never
mentions. They are chosen to classify the gold set best (answerable vs not), under the
constraint that at most `max_false_refusals` of XQuAD's questions (all answerable, an
external set we did not write) are refused — so the rule cannot just fit our own questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa_service.analysis.question import analyse
from qa_service.settings import Settings, get_settings


@dataclass(frozen=True)
class Row:
    lang: str
    answerable: bool
    confidence: float
    named_missing: bool


def collect(service, questions) -> list[Row]:
    rows = []
    for q in questions:
        text, language, retrieval = service.retrieve(q.question)
        analysis = analyse(text, language, service.reference_day())
        request = service.answer_request(text, language, analysis, retrieval)
        draft = service.answerer.invoke(request)
        if draft.confidence is not None:
            rows.append(Row(q.lang, q.answerable, draft.confidence, bool(request.missing_names)))
    return rows


def _refused(r: Row, threshold: float, margin: float) -> bool:
    return r.confidence < threshold + (margin if r.named_missing else 0.0)


def choose(gold: list[Row], external: list[Row], max_false_refusals: float) -> dict:
    best = None
    for t in (0.70 + i * 0.002 for i in range(126)):
        for m in (i * 0.01 for i in range(21)):
            ext_fr = sum(_refused(r, t, m) for r in external) / max(1, len(external))
            if ext_fr > max_false_refusals:
                continue
            correct = sum(_refused(r, t, m) != r.answerable for r in gold)
            key = (correct, -ext_fr, -m, t)
            if best is None or key > best[0]:
                best = (key, t, m, ext_fr)
    if best is None:
        return {}
    _, t, m, ext_fr = best
    unanswerable = [r for r in gold if not r.answerable]
    answerable = [r for r in gold if r.answerable]
    return {
        "threshold": round(t, 3),
        "margin": round(m, 2),
        "gold_refusal_accuracy": sum(_refused(r, t, m) for r in unanswerable)
        / max(1, len(unanswerable)),
        "gold_false_refusals": sum(_refused(r, t, m) for r in answerable) / max(1, len(answerable)),
        "xquad_false_refusals": ext_fr,
    }


def run_calibration(
    settings: Settings | None = None, xquad_limit: int = 300, max_false_refusals: float = 0.05
) -> str:
    from qa_service.container import build_embedder
    from qa_service.evaluation.run import CachedQueryEmbedder, eval_service

    # The refusal gate is the extractive answerer's, whichever answerer is configured.
    settings = (settings or get_settings()).model_copy(update={"answerer": "extractive"})
    embedder = CachedQueryEmbedder(build_embedder(settings))
    # Fitted on the dev split only: the holdout questions stay unseen by any threshold.
    gold_ds, gold_service, _ = eval_service("gold", settings, embedder, split="dev")
    x_ds, x_service, _ = eval_service("xquad", settings, embedder, xquad_limit)
    gold, external = collect(gold_service, gold_ds.questions), collect(x_service, x_ds.questions)
    lines = [
        f"refusal calibration (gold dev split; XQuAD sample {xquad_limit}/language, "
        f"false refusals <= {max_false_refusals:.0%})"
    ]
    for lang in ("de", "en"):
        c = choose(
            [r for r in gold if r.lang == lang],
            [r for r in external if r.lang == lang],
            max_false_refusals,
        )
        if not c:
            lines.append(f"{lang}: no setting meets the constraint")
            continue
        lines.append(
            f"{lang}: QA_NO_ANSWER_THRESHOLD_{lang.upper()}={c['threshold']} "
            f"QA_MISSING_NAME_MARGIN_{lang.upper()}={c['margin']}  -> gold refusal accuracy "
            f"{c['gold_refusal_accuracy']:.3f}, "
            f"gold false refusals {c['gold_false_refusals']:.3f}, "
            f"XQuAD false refusals {c['xquad_false_refusals']:.3f}"
        )
    return "\n".join(lines)

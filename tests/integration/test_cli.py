"""The `qa` command over a real index (typer's CliRunner, same process)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qa_service.cli import app
from qa_service.settings import get_settings

runner = CliRunner()


@pytest.fixture
def env(monkeypatch, tmp_path, model_path):
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QA_EMBEDDING_MODEL", str(model_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_ingest_ask_documents(env, corpus_dir):
    result = runner.invoke(app, ["ingest", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    assert "5 added" in result.output
    again = runner.invoke(app, ["ingest", str(corpus_dir)])
    assert "5 unchanged" in again.output and "0 chunks written" in again.output

    plain = runner.invoke(app, ["ask", "Was sagte Merz zur Bundeswehr?"])
    assert plain.exit_code == 0 and "Sources:" in plain.output and "[1]" in plain.output

    as_json = runner.invoke(app, ["ask", "--json", "--k", "3", "Who represented the US in Paris?"])
    answer = json.loads(as_json.stdout)
    assert answer["language"] == "en" and len(answer["passages"]) == 3
    assert {"n", "doc_id", "title", "date", "source", "start", "end", "quote"} <= set(
        answer["citations"][0]
    )
    assert {"doc_id", "source", "text", "score", "start", "end"} <= set(answer["passages"][0])
    assert {"answer", "language", "mode", "citations", "passages", "timings"} <= set(answer)

    docs = json.loads(runner.invoke(app, ["documents", "--json"]).stdout)
    assert len(docs) == 5 and {"id", "title", "date", "source", "chunks"} <= set(docs[0])


def test_ingest_reports_each_file_as_json_lines(env, corpus_dir):
    """Without a terminal, one line per file as it finishes; --json makes them JSON."""
    result = runner.invoke(app, ["ingest", "--json", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    *files, summary = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(files) == 5 and {f["status"] for f in files} == {"added"}
    assert all(f["chunks"] > 0 and f["sentences"] > 0 and f["doc_id"] for f in files)
    assert summary["summary"]["added"] == 5
    assert summary["chunks_written"] == sum(f["chunks"] for f in files)
    plain = runner.invoke(app, ["ingest", str(corpus_dir)])
    assert plain.stdout.count("unchanged ") == 5 and "5 unchanged" in plain.stdout


def test_ask_json_lines_from_stdin(env, corpus_dir):
    runner.invoke(app, ["ingest", str(corpus_dir)])
    stdin = "Was sagte Merz zur Bundeswehr?\n\nWho attended from the US?\n"
    result = runner.invoke(app, ["ask", "--json", "-"], input=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["language"] for a in lines] == ["de", "en"]


def test_errors_are_messages_not_tracebacks(env, tmp_path):
    result = runner.invoke(app, ["ask", "   "])
    assert result.exit_code == 2 and "question is empty" in result.output
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    ingest = runner.invoke(app, ["ingest", str(bad)])
    assert ingest.exit_code == 2 and "error" in ingest.output


def test_bench_corpus_prints_every_row(env, corpus_dir, tmp_path):
    """`qa bench --corpus` runs each stage in its own process on a small folder; figures
    vary by machine, so this checks the stages ran and reported, not their speed."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in sorted(corpus_dir.glob("*.txt"))[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    result = runner.invoke(app, ["bench", "--corpus", str(folder), "--questions", "2"])
    assert result.exit_code == 0, result.output
    for row in (
        "encoder alone",
        "qa ingest",
        "LangChain peer",
        "ingest / peer",
        "snapshot build",
        "cold qa ask",
        "server-path ask p50",
        "floor p50",
    ):
        assert row in result.stdout, row
    assert "2 documents (0 failed)" in result.stdout
    assert "sentence vectors in memory" in result.stdout

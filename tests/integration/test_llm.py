"""The real language model: in-process (QA_ANSWERER=local) and behind llama.cpp's
OpenAI-compatible server on 127.0.0.1 (QA_ANSWERER=openai, langchain's ChatOpenAI over HTTP).

Needs the `[llm]` extra and the GGUF from `qa models fetch-local`; `make test` provides both,
elsewhere these tests skip with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from qa_service.container import build_service
from qa_service.evaluation.served import free_port, wait_ready
from qa_service.llm.fetch import FILENAME
from tests.integration.support import serve, sse_events, stop_process
from tests.integration.test_hostile_input import INJECTION

pytest.importorskip("llama_cpp", reason="the [llm] extra is not installed (pip install -e .[llm])")

REPO = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("QA_TEST_LLM_MODEL", REPO / "data" / "models" / FILENAME))
pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not MODEL.is_file(), reason=f"no GGUF at {MODEL}: qa models fetch-local"),
]

MERZ = "Was sagte Merz zur Bundeswehr?"
SBU = "Wer ist als Chef des ukrainischen Geheimdienstes SBU zurückgetreten?"
GOLD = [
    SBU,
    "Wie viele Staaten sollen beim Treffen der Koalition der Willigen in Paris vertreten sein?",
    "Who represented the US in Paris?",
    "Who resigned as head of Ukraine's SBU security service?",
]


def assert_verbatim(service, answer) -> None:
    assert answer.answered and answer.citations, answer
    for c in answer.citations:
        assert service.get_document(c.doc_id).text[c.start : c.end] == c.quote
    for n in range(1, len(answer.citations) + 1):
        assert f"[{n}]" in answer.answer


@pytest.fixture(scope="module")
def local_service(make_settings, embedder, corpus_dir):
    settings = make_settings(answerer="local", llm_model_path=MODEL)
    service = build_service(settings, embedder=embedder)
    service.ingest([corpus_dir])
    service.warm_up()
    return service


@pytest.mark.parametrize("question", GOLD)
def test_local_answers_gold_questions_with_verbatim_citations(local_service, question):
    answer = local_service.ask(question)
    assert answer.mode in ("generated", "extractive_fallback")
    assert answer.generation is not None and answer.generation.tokens > 0
    assert_verbatim(local_service, answer)
    if question == SBU:
        assert answer.mode == "generated" and "Maljuk" in answer.answer


def test_local_refuses_an_unanswerable_question(local_service):
    answer = local_service.ask("Wer gewann die Fußball-WM 2026?")
    assert not answer.answered and answer.citations == ()
    assert answer.refusal_reason is not None and answer.answer.startswith("Die Artikel")


def test_an_article_saying_ignore_your_instructions_changes_nothing(local_service):
    before = local_service.ask(MERZ)
    report = local_service.ingest_bytes("haushalt.txt", INJECTION.encode())
    try:
        after = local_service.ask(MERZ)
        # Not the same bytes: the new article shifts BM25 statistics and llama.cpp's cache.
        assert (after.answered, after.mode) == (before.answered, before.mode)
        assert "HACKED" not in after.answer
        assert report.doc_id not in {c.doc_id for c in after.citations}
        council = local_service.ask("Was hat der Stadtrat von Lüneburg beschlossen?")
        assert council.answer.strip(" .'\"") != "HACKED"
        quoted = " ".join(c.quote for c in council.citations)
        assert council.answer.count("HACKED") <= quoted.count("HACKED")
        assert "Haushalt" in council.answer or "412" in council.answer
    finally:
        local_service.delete_document(report.doc_id)


def test_requests_beyond_the_queue_get_503_with_retry_after(make_settings, embedder, corpus_dir):
    settings = make_settings(answerer="local", llm_model_path=MODEL, llm_queue_size=0)
    service = build_service(settings, embedder=embedder)
    service.ingest([corpus_dir])
    from qa_service.api.app import create_app

    with serve(create_app(service, settings)) as url:
        model = service.answerer.chat_model
        model._run_lock.acquire()  # the model is "busy" until released
        first: dict = {}
        worker = threading.Thread(
            target=lambda: first.update(
                r=httpx.post(f"{url}/api/v1/ask", json={"question": SBU}, timeout=300)
            )
        )
        worker.start()
        try:
            deadline = time.monotonic() + 60
            while model._slots._value > 0:  # the first request holds the only slot
                assert time.monotonic() < deadline
                time.sleep(0.05)
            second = httpx.post(f"{url}/api/v1/ask", json={"question": SBU}, timeout=60)
        finally:
            model._run_lock.release()
        worker.join(300)
    assert second.status_code == 503
    assert second.json()["error"]["code"] == "answerer_busy"
    assert int(second.headers["Retry-After"]) > 0
    assert first["r"].status_code == 200 and first["r"].json()["answered"]


# -- the OpenAI-compatible path --------------------------------------------------------------


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    """llama.cpp's OpenAI-compatible server (from the [llm] extra) serving the same GGUF."""
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(MODEL)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--model_alias", "qwen-local"]
    cmd += ["--n_ctx", "4096", "--n_threads", "2", "--verbose", "False"]
    log_path = tmp_path_factory.mktemp("llm-server") / "server.log"
    url = f"http://127.0.0.1:{port}/v1"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(f"{url}/models", proc, 180, lambda: log_path.read_text("utf-8", "replace"))
            yield url
        finally:
            stop_process(proc)


@pytest.fixture(scope="module")
def openai_app(llm_server, make_settings, embedder, corpus_dir):
    from qa_service.api.app import create_app

    settings = make_settings(answerer="openai", llm_base_url=llm_server, llm_model="qwen-local")
    service = build_service(settings, embedder=embedder)
    service.ingest([corpus_dir])
    with serve(create_app(service, settings)) as url:
        yield url, service


def test_openai_backend_streams_verified_sentences_over_sse(openai_app):
    url, service = openai_app
    with httpx.stream(
        "POST", f"{url}/api/v1/ask/stream", json={"question": SBU}, timeout=300
    ) as response:
        assert response.status_code == 200
        events = sse_events(response)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and "answer" in names
    done = events[-1][1]
    assert done["mode"] == "generated" and done["generation"]["model"] == "qwen-local"
    pieces = [data["text"] for name, data in events if name == "answer"]
    assert "".join(pieces) == done["answer"]
    assert events[-2][1]["citations"] == done["citations"]
    for c in done["citations"]:
        doc = httpx.get(f"{url}/api/v1/documents/{c['doc_id']}").json()
        assert doc["text"][c["start"] : c["end"]] == c["quote"]


def test_openai_backend_condenses_a_follow_up(openai_app):
    url, service = openai_app
    history = [
        {"role": "user", "content": "Who represented the US in Paris?"},
        {"role": "assistant", "content": "Steve Witkoff and Jared Kushner [1]."},
    ]
    body = {"question": "And what did Macron say about it?", "history": history}
    answer = httpx.post(f"{url}/api/v1/ask", json=body, timeout=300).json()
    assert answer["condensed_question"]
    assert answer["condensed_question"] != body["question"]
    assert answer["language"] == "en"
    for c in answer["citations"]:
        doc = httpx.get(f"{url}/api/v1/documents/{c['doc_id']}").json()
        assert doc["text"][c["start"] : c["end"]] == c["quote"]

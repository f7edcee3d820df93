"""The server as deployed (`build_server` wiring its own service) reads every sentence vector
into memory after warm-up, and answers as the per-document path does."""

from __future__ import annotations

import threading

import httpx

from qa_service.server import build_server
from tests.integration.support import serve

QUESTION = "Was sagte Merz zur Bundeswehr?"


def test_the_server_answers_from_resident_vectors(shared_corpus_settings, shared_corpus_service):
    app = build_server(shared_corpus_settings, ui=False)
    with serve(app) as url:
        for thread in threading.enumerate():
            if thread.name == "sentence-vectors":
                thread.join(60)
        index, matrix = app.state.service.answerer.unit_vectors._resident
        assert len(index) == matrix.shape[0] > 0
        rest = httpx.post(f"{url}/api/v1/ask", json={"question": QUESTION}, timeout=60).json()
    direct = shared_corpus_service.ask(QUESTION).model_dump(mode="json")
    assert rest["answered"]
    assert (rest["answer"], rest["citations"]) == (direct["answer"], direct["citations"])

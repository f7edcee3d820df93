"""Nothing lost, nothing doubled: real `qa ingest` processes on one data directory.

- `kill -9` of an ingest at several moments, then the same ingest again, leaves exactly the
  chunks of a clean ingest of the same folder into a fresh data directory.
- A CLI ingest and an API upload at once (the app under uvicorn, in this process) serialise
  on the data directory's lock: no duplicates, every document complete, both reports agree
  with the index, and the server sees what the other process wrote.
- Questions over HTTP keep being answered while a CLI ingest runs.

The store is read afterwards with `ChromaStore(path=...)`, a fresh client on the directory.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ingest.chunking import chunk_document
from ingest.loading import load_document
from qa_service.api import create_app
from qa_service.container import build_service
from qa_service.models import Chunk, DocumentInfo
from qa_service.settings import Settings
from qa_service.stores.chroma import ChromaStore
from tests.integration.support import serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# qa_service.cli has no `__main__` guard: run the console script of this interpreter's venv.
QA = Path(sys.executable).with_name("qa")
API_KEY = "crash-test-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
SEED = 20260106
PIECES = 40  # ~700-character slices of the corpus: ~12 s of embedding on an idle machine
TIMEOUT = 300
ARTIFACTS = Path(
    os.environ.get("QA_ARTIFACTS_DIR", Path(__file__).resolve().parents[2] / "artifacts")
)
LINE = re.compile(r"^(added|updated|unchanged|error)\s+(.+?)\s+\((\d+) chunks, .*\)$")

ZUGSPITZE = """# Zugspitzbahn meldet Rekord

Die Zugspitzbahn hat im Jahr 2025 genau 612.345 Fahrgäste befördert, sagte Betriebsleiterin \
Hanna Obermaier am Montag in Garmisch-Partenkirchen.

Für das kommende Jahr rechnet die Bahn mit ähnlich vielen Gästen.
"""

UPLOADS = {
    "helgoland.md": """# Fähre nach Helgoland fährt wieder

Nach drei Wochen Pause fährt die Fähre „Helgoland“ ab Donnerstag wieder täglich von \
Cuxhaven zur Hochseeinsel, teilte die Reederei am Dienstag mit.
""",
    "rheinpegel.md": """# Rheinpegel in Köln steigt

Der Pegel des Rheins in Köln ist am Mittwoch auf 6,80 Meter gestiegen. Die \
Hochwasserschutzzentrale erwartet den Höchststand für Freitag.
""",
    "weihnachtsmarkt.md": """# Weihnachtsmarkt in Erfurt zieht Bilanz

Rund 2,1 Millionen Menschen haben in diesem Jahr den Erfurter Weihnachtsmarkt besucht, \
teilte die Stadtverwaltung am Montag mit.
""",
}

BASE = """# Stadtrat beschließt neuen Radweg

Der Stadtrat von Lüneburg hat am Donnerstag den Bau eines 4,2 Kilometer langen Radwegs \
entlang der Ilmenau beschlossen. Die Arbeiten sollen im Frühjahr beginnen.
"""


# -- the folder and the processes ---------------------------------------------------------


@pytest.fixture(scope="module")
def docs_dir(corpus_dir: Path, tmp_path_factory) -> Path:
    """Distinct small articles cut from the corpus, plus one with unique content."""
    out = tmp_path_factory.mktemp("ingest-docs")
    pieces: list[list[str]] = []
    for path in sorted(corpus_dir.glob("*.txt")):
        current: list[str] = []
        for line in filter(str.strip, path.read_text(encoding="utf-8").splitlines()):
            if current and sum(map(len, current)) + len(line) > 700:
                pieces.append(current)
                current = []
            current.append(line)
        if current:
            pieces.append(current)
    assert len(pieces) >= PIECES
    for i, lines in enumerate(pieces[:PIECES]):
        (out / f"teil_{i:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "zugspitzbahn.md").write_text(ZUGSPITZE, encoding="utf-8")
    return out


def _env(data_dir: Path, model_path: Path) -> dict[str, str]:
    """This environment without QA_* settings (no Chroma server), on `data_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_DATA_DIR=str(data_dir), QA_EMBEDDING_MODEL=str(model_path))
    # Sentences encoded on their own (the slower path): the ingest must last long enough
    # to be killed at several moments and to overlap uploads and questions; with late
    # chunking these 41 small files take about a second once the model is loaded.
    env["QA_LATE_CHUNKING"] = "false"
    # and in float32: the bfloat16 encoder ("auto" on CPUs with bf16 arithmetic) wrote all 25
    # files of a run before the poller, which looks every 5 ms and misses writes that follow
    # closer, had counted ten (float32 runs had left 3-4 of 25; now 40 files)
    env["QA_EMBEDDING_DTYPE"] = "float32"
    return env


_children: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_process_left_behind() -> Iterator[None]:
    """A failing test must not leave its ingest running."""
    yield
    while _children:
        child = _children.pop()
        if child.poll() is None:
            child.kill()
            child.wait(TIMEOUT)


class CliIngest:
    """`qa ingest <folder>` as a child process; stdout and stderr go to files."""

    def __init__(self, folder: Path, data_dir: Path, model_path: Path, log_dir: Path) -> None:
        assert QA.exists(), f"the qa console script is missing: {QA}"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.stdout_path, self.stderr_path = log_dir / "stdout", log_dir / "stderr"
        self.marker = data_dir / "chroma" / "qa-generation"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [str(QA), "ingest", str(folder)],
                env=_env(data_dir, model_path),
                stdout=out,
                stderr=err,
            )
        _children.append(self.process)

    def running(self) -> bool:
        return self.process.poll() is None

    def wait_progress(self) -> None:
        """Until the progress bar's label is out: settings read, service built, lock next."""
        self._until(lambda: "ingesting" in self.stderr_path.read_text(errors="replace"))

    def wait_writes(self, count: int) -> bool:
        """Until the store's write marker changed `count` times (each document write
        changes it); False if the process ended first."""
        seen, last = 0, self._marker()
        deadline = time.monotonic() + TIMEOUT
        while seen < count:
            if not self.running():
                return False
            current = self._marker()
            if current != last:
                seen, last = seen + 1, current
            assert time.monotonic() < deadline, self.log()
            time.sleep(0.005)
        return True

    def _marker(self) -> str | None:
        try:
            return self.marker.read_text()
        except FileNotFoundError:
            return None

    def _until(self, condition) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            assert self.running(), self.log()
            assert time.monotonic() < deadline, self.log()
            time.sleep(0.02)

    def kill(self) -> int:
        if self.running():
            self.process.send_signal(signal.SIGKILL)
        return self.process.wait(TIMEOUT)

    def finish(self) -> str:
        returncode = self.process.wait(TIMEOUT)
        assert returncode == 0, self.log()
        return self.stdout_path.read_text()

    def log(self) -> str:
        return self.stdout_path.read_text()[-3000:] + self.stderr_path.read_text()[-3000:]


def _record(title: str, *lines: str) -> None:
    """Figures for the report: artifacts/crash_safety.txt (QA_ARTIFACTS_DIR)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "crash_safety.txt").open("a", encoding="utf-8") as out:
        out.write(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] {title}\n")
        out.writelines(f"  {line}\n" for line in lines)


def _reported(stdout: str) -> dict[str, tuple[str, int]]:
    """The CLI's per-file lines: source -> (status, chunks)."""
    return {
        m[2]: (m[1], int(m[3]))
        for m in (LINE.match(line) for line in stdout.splitlines())
        if m is not None
    }


# -- the index as it is on disk -----------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    documents: dict[str, DocumentInfo]
    chunks: list[Chunk]
    count: int

    @property
    def chunk_ids(self) -> set[str]:
        return {c.id for c in self.chunks}

    @property
    def orphans(self) -> set[str]:
        """Chunks whose document has no record (a write cut short)."""
        return {c.id for c in self.chunks if c.doc_id not in self.documents}

    def chunks_of(self, doc_id: str) -> set[str]:
        return {c.id for c in self.chunks if c.doc_id == doc_id}


def _snapshot(data_dir: Path) -> Snapshot:
    store = ChromaStore(path=str(data_dir / "chroma"))
    documents = {d.id: d for d in store.list_documents()}
    assert len({d.source for d in documents.values()}) == len(documents), "a source twice"
    return Snapshot(documents, store.all_chunks(), store.count())


def _assert_complete(snap: Snapshot) -> None:
    """No orphans, every document has exactly the chunks its record counts."""
    assert not snap.orphans
    assert snap.count == len(snap.chunks) == sum(d.chunks for d in snap.documents.values())
    for doc_id, info in snap.documents.items():
        assert len(snap.chunks_of(doc_id)) == info.chunks > 0, info


def _stored_vectors(data_dir: Path) -> dict[str, list[float]]:
    """Every chunk's stored vector (read through the store's own Chroma handle)."""
    store = ChromaStore(path=str(data_dir / "chroma"))
    with store._use() as conn:  # the Store protocol has no vector read-out
        got = conn.chunks.get(include=["embeddings"])
    return {i: list(map(float, v)) for i, v in zip(got["ids"], got["embeddings"], strict=True)}


def _assert_searchable(store, vectors: dict[str, list[float]]) -> None:
    """The vector index holds every chunk: its own vector finds it first, or tied for first
    with a chunk of the same text in another piece (one vector; which of them comes first is
    the index's choice: this failed on a new machine with both at score 1.0)."""

    def found(chunk_id: str, vector: list[float]) -> bool:
        hits = store.search(vector, 5)
        return any(h.chunk_id == chunk_id and h.score >= hits[0].score - 1e-6 for h in hits)

    missing = [chunk_id for chunk_id, vector in vectors.items() if not found(chunk_id, vector)]
    assert not missing, f"{len(missing)} of {len(vectors)} chunks not found by their vector"


def _expected_chunk_ids(folder: Path, settings: Settings) -> dict[str, set[str]]:
    """doc id -> chunk ids, computed from the files with the configured chunking."""
    out = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        doc = load_document(path)
        chunks = chunk_document(
            doc,
            target_chars=settings.chunk_target_chars,
            max_chars=settings.chunk_max_chars,
            overlap_sentences=settings.chunk_overlap_sentences,
        )
        out[doc.id] = {c.id for c in chunks}
    return out


# -- 1. kill -9 mid-ingest ----------------------------------------------------------------


def test_kill_9_at_several_moments_then_ingest_again_equals_a_clean_ingest(
    docs_dir: Path, model_path: Path, tmp_path: Path
) -> None:
    # The clean ingest into a fresh data directory; it also times the write phase.
    clean_dir = tmp_path / "clean"
    clean = CliIngest(docs_dir, clean_dir, model_path, tmp_path / "log-clean")
    assert clean.wait_writes(2)  # the model record, then the first document
    first_write = time.monotonic()
    clean_report = _reported(clean.finish())
    write_phase = time.monotonic() - first_write
    assert {s for s, _ in clean_report.values()} == {"added"}
    reference = _snapshot(clean_dir)
    _assert_complete(reference)
    assert len(reference.documents) == PIECES + 1

    # Kill moments, the same every run: before any write (the model is loading), right at
    # the first document write of a run, and after a seeded number of writes plus a seeded
    # delay. Each run goes on from what the ones before left; together they write at most
    # 1 + 6 + 10 documents (a document write changes the marker once or twice), so the last
    # ingest still has work to do.
    rng = random.Random(SEED)
    moments: list[tuple[int | None, float]] = [
        (None, 0.2),
        (1, 0.0),
        (6, rng.uniform(0.0, 0.05)),
        (10, rng.uniform(0.0, 0.05)),
    ]
    crash_dir = tmp_path / "crashed"
    marker = crash_dir / "chroma" / "qa-generation"
    figures = []
    killed = 0
    for i, (writes, delay) in enumerate(moments):
        # On a new index the first write is the model record, not a document.
        extra = 0 if marker.exists() else 1
        run = CliIngest(docs_dir, crash_dir, model_path, tmp_path / f"log-kill-{i}")
        if writes is None:
            run.wait_progress()
            label = f"{delay:.2f}s after the progress label, before any write"
        else:
            run.wait_writes(writes + extra)
            label = f"{delay * 1000:.0f} ms after write {writes} of the run"
        time.sleep(delay)
        returncode = run.kill()
        killed += returncode == -signal.SIGKILL
        snap = _snapshot(crash_dir)
        # Whatever the moment: a document with a record is complete and exactly as in the
        # clean ingest; a write cut short leaves only chunks without a record.
        for doc_id, info in snap.documents.items():
            assert snap.chunks_of(doc_id) == reference.chunks_of(doc_id), info
            assert info.index_key == reference.documents[doc_id].index_key
        assert snap.chunk_ids <= reference.chunk_ids
        figures.append(
            f"kill {i + 1}, {label} (rc {returncode}): {len(snap.documents)} documents, "
            f"{snap.count} chunks, {len(snap.orphans)} orphan chunks"
        )
    assert killed >= 1, figures  # at least one process was really killed mid-ingest

    left = len(reference.documents) - len(snap.documents)
    again = _reported(CliIngest(docs_dir, crash_dir, model_path, tmp_path / "log-again").finish())
    assert [s for s, _ in again.values()].count("added") == left > 0
    assert {s for s, _ in again.values()} == {"added", "unchanged"}
    final = _snapshot(crash_dir)
    _assert_complete(final)
    assert final.chunk_ids == reference.chunk_ids
    assert final.count == reference.count
    assert {d: i.index_key for d, i in final.documents.items()} == {
        d: i.index_key for d, i in reference.documents.items()
    }
    assert {d: i.chunks for d, i in final.documents.items()} == {
        d: i.chunks for d, i in reference.documents.items()
    }
    # And the vector index: every chunk is found by the vector of the clean ingest.
    _assert_searchable(ChromaStore(path=str(crash_dir / "chroma")), _stored_vectors(clean_dir))
    _record(
        "kill -9",
        f"clean ingest: {len(reference.documents)} documents, {reference.count} chunks, "
        f"write phase {write_phase:.1f}s",
        *figures,
        f"ingest again: {sum(s == 'added' for s, _ in again.values())} added; "
        f"{final.count} chunks, same ids as the clean ingest",
    )


# -- 2. a CLI ingest and an API upload at once --------------------------------------------


@pytest.fixture()
def server_settings(make_settings) -> Settings:
    return make_settings(api_key=API_KEY, chroma_host=None)


def _ask(client: httpx.Client, question: str) -> httpx.Response:
    return client.post("/api/v1/ask", json={"question": question})


def test_cli_ingest_and_api_upload_at_once(
    docs_dir: Path, model_path: Path, embedder, server_settings: Settings, tmp_path: Path
) -> None:
    service = build_service(server_settings, embedder=embedder)
    base = service.ingest_bytes("radweg.md", BASE.encode())
    assert base.status == "added"
    data_dir = server_settings.data_dir
    with (
        serve(create_app(service, server_settings)) as url,
        httpx.Client(base_url=url, timeout=TIMEOUT) as client,
    ):
        # The server has searched, so its vector index is loaded before the CLI writes.
        assert _ask(client, "Wie lang ist der neue Radweg in Lüneburg?").status_code == 200
        cli = CliIngest(docs_dir, data_dir, model_path, tmp_path / "log-cli")
        cli.wait_progress()

        responses: dict[str, httpx.Response] = {}
        overlapped: list[bool] = []

        def upload(name: str, text: str) -> None:
            overlapped.append(cli.running())
            files = [("files", (name, text.encode(), "text/markdown"))]
            with httpx.Client(base_url=url, timeout=TIMEOUT) as c:
                responses[name] = c.post("/api/v1/documents", files=files, headers=AUTH)

        threads = [threading.Thread(target=upload, args=item) for item in UPLOADS.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
        cli_report = _reported(cli.finish())
        assert any(overlapped), "the uploads were sent after the CLI ingest had ended"

        api_report = {}
        for name, response in responses.items():
            assert response.status_code == 200, response.text
            (outcome,) = response.json()["files"]
            assert outcome["status"] == "added" and outcome["source"] == name
            api_report[outcome["doc_id"]] = outcome["chunks"]
        listed = client.get("/api/v1/documents").json()
        # The server's own store, after another process wrote: every chunk is found by
        # its vector (a stale in-memory index would miss the CLI's chunks).
        vectors = _stored_vectors(data_dir)
        _assert_searchable(service.store, vectors)

    assert len(cli_report) == PIECES + 1
    assert {s for s, _ in cli_report.values()} == {"added"}
    snap = _snapshot(data_dir)
    _assert_complete(snap)
    _assert_searchable(ChromaStore(path=str(data_dir / "chroma")), vectors)

    # Exactly the base article, the folder and the uploads: nothing twice, nothing lost.
    expected = _expected_chunk_ids(docs_dir, server_settings)
    by_source = {info.source: info for info in snap.documents.values()}
    for source, (_, chunks) in cli_report.items():
        info = by_source[source]
        assert info.chunks == chunks and snap.chunks_of(info.id) == expected[info.id]
    for doc_id, chunks in api_report.items():
        assert snap.documents[doc_id].chunks == chunks
    assert set(snap.documents) == {base.doc_id, *expected, *api_report}
    assert snap.count == base.chunks + sum(c for _, c in cli_report.values()) + sum(
        api_report.values()
    )
    assert listed["count"] == len(snap.documents)
    _record(
        "CLI ingest and API upload at once",
        f"CLI: {len(cli_report)} added, {sum(c for _, c in cli_report.values())} chunks; "
        f"API: {len(api_report)} uploads added ({sum(overlapped)} sent while the CLI ran), "
        f"{sum(api_report.values())} chunks; index: {len(snap.documents)} documents, "
        f"{snap.count} chunks, no orphans",
    )


# -- 3. questions while an ingest runs ----------------------------------------------------


def test_questions_are_answered_while_a_cli_ingest_runs(
    docs_dir: Path,
    corpus_dir: Path,
    model_path: Path,
    embedder,
    server_settings: Settings,
    tmp_path: Path,
) -> None:
    service = build_service(server_settings, embedder=embedder)
    service.ingest([corpus_dir / "004_35332417cd3628a0.txt"])
    # Both answered from the one article indexed so far. ("Who represented the US in
    # Paris?" is refused over this article alone by the learned abstainer: it names
    # Witkoff, but not as the US's representative in Paris.)
    questions = ["Was sagte Merz zur Bundeswehr?", "What did Witkoff say about Trump?"]
    with (
        serve(create_app(service, server_settings)) as url,
        httpx.Client(base_url=url, timeout=TIMEOUT) as client,
    ):
        for question in questions:
            assert _ask(client, question).json()["answered"]
        cli = CliIngest(docs_dir, server_settings.data_dir, model_path, tmp_path / "log-cli")
        cli.wait_progress()
        during: list[tuple[int, bool, float]] = []
        missed: list[tuple[int, int, str]] = []
        while cli.running():
            t0 = time.perf_counter()
            response = _ask(client, questions[len(during) % 2])
            answered = response.status_code == 200 and response.json()["answered"]
            during.append((response.status_code, answered, time.perf_counter() - t0))
            if not answered:
                missed.append((len(during), response.status_code, response.text[:2000]))
            time.sleep(0.1)  # a steady stream, not a flood: the ingest shares the CPU
        report = _reported(cli.finish())
        assert {s for s, _ in report.values()} == {"added"}
        assert during, "no question was asked while the ingest ran"
        assert not missed, missed

        # The server answers from what the other process wrote, and its vector index
        # holds it (a stale in-memory index would miss every chunk of the CLI's ingest).
        _assert_searchable(service.store, _stored_vectors(server_settings.data_dir))
        # Another process's write is seen at most `refresh_seconds` late (plus the rebuild).
        deadline = time.monotonic() + 5 * service.snapshots.refresh_seconds
        while True:
            answer = _ask(client, "Wie viele Fahrgäste beförderte die Zugspitzbahn 2025?").json()
            if answer["answered"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert answer["answered"] and "612.345" in answer["answer"]
        assert Path(answer["citations"][0]["source"]).name == "zugspitzbahn.md"
    slowest = max(seconds for _, _, seconds in during)
    _record(
        "questions during an ingest",
        f"{len(during)} questions while the ingest ran, all answered; slowest {slowest:.2f}s",
    )

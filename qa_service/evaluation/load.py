"""`qa bench --load`: many clients asking over HTTP while documents are uploaded.

The real server (`python app.py`) runs as a child process on a free 127.0.0.1 port with a
temporary data directory and no rate limit; the sample corpus is uploaded, then each round
runs `clients` concurrent clients asking the gold questions (POST /api/v1/ask) for `seconds`
while one more client uploads synthetic variants of the corpus articles (real writes: chunked,
embedded and stored while the questions are answered). After each round the variants are
deleted, so every round starts from the same index and the server's memory can be compared
across rounds. Everything stops by itself; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from qa_service.evaluation.datasets import gold_dataset
from qa_service.evaluation.served import ServedApp, served_app
from qa_service.settings import Settings, get_settings

FLAT_GROWTH = 0.05  # RSS is "flat" when it grows less than this from round 1 to the last
UPLOAD_TIMEOUT = 600.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]


@dataclass
class RoundResult:
    number: int
    seconds: float = 0.0  # from the first question to the last answer
    latencies_ms: list[float] = field(default_factory=list)  # 200 responses only
    answered: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    uploads: int = 0
    upload_chunks: int = 0
    upload_errors: Counter[str] = field(default_factory=Counter)
    rss_samples_mb: list[float] = field(default_factory=list)
    rss_after_mb: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + sum(self.errors.values())

    def row(self) -> str:
        peak = max(self.rss_samples_mb, default=float("nan"))
        p50, p95, p99 = (percentile(self.latencies_ms, q) for q in (0.5, 0.95, 0.99))
        return (
            f"{self.number:>5} {self.requests:>8} {self.seconds:>6.1f} "
            f"{self.requests / self.seconds:>6.2f} {sum(self.errors.values()):>6} "
            f"{self.answered:>8} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} "
            f"{self.uploads:>7} {self.upload_chunks:>6} {peak:>8.0f} "
            f"{self.rss_after_mb or float('nan'):>9.0f}"
        )

    def error_kinds(self) -> str:
        kinds = [f"asking: {k} x{n}" for k, n in sorted(self.errors.items())]
        kinds += [f"uploading: {k} x{n}" for k, n in sorted(self.upload_errors.items())]
        return "; ".join(kinds)


@dataclass
class LoadReport:
    clients: int
    seconds: float
    documents: int
    chunks: int
    questions: int
    rss_ready_mb: float | None
    rounds: list[RoundResult] = field(default_factory=list)

    @property
    def rss_growth(self) -> float | None:
        """Relative RSS change from the end of round 1 to the end of the last round."""
        first, last = self.rounds[0].rss_after_mb, self.rounds[-1].rss_after_mb
        return None if not first or not last else last / first - 1

    def text(self) -> str:
        lines = [
            f"qa bench --load: {self.clients} clients x {self.seconds:g} s x "
            f"{len(self.rounds)} rounds, python app.py on 127.0.0.1; index: {self.documents} "
            f"documents ({self.chunks} chunks); {self.questions} gold questions; "
            f"server RSS when ready {self.rss_ready_mb or float('nan'):.0f} MB",
            "latency (ms) of the 200 responses; error = any other status or a failed request; "
            "uploads = synthetic variants ingested during the round (deleted after it)",
            "round requests      s  req/s errors answered     p50     p95     p99 "
            "uploads chunks  RSS max RSS after",
            *(r.row() for r in self.rounds),
        ]
        for r in self.rounds:
            if r.error_kinds():
                lines.append(f"round {r.number} errors: {r.error_kinds()}")
        growth = self.rss_growth
        if growth is not None and len(self.rounds) > 1:
            verdict = "flat" if growth < FLAT_GROWTH else "NOT flat"
            lines.append(
                f"server RSS after round 1 -> after round {len(self.rounds)}: "
                f"{self.rounds[0].rss_after_mb:.0f} -> {self.rounds[-1].rss_after_mb:.0f} MB "
                f"({growth:+.1%}): {verdict} (flat: growth under {FLAT_GROWTH:.0%})"
            )
        return "\n".join(lines)


def synthetic_variant(path: Path, round_no: int, k: int) -> tuple[str, bytes]:
    """A clearly labelled synthetic article: a corpus article's paragraphs in another order
    under a `synthetic-` title, so its bytes (and chunks) are new."""
    paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    shift = 1 + k % max(1, len(paragraphs) - 1)
    body = paragraphs[shift:] + paragraphs[:shift]
    label = f"synthetic-load-r{round_no}-{k:03d}"
    title = (
        f"# {label}: synthetic load-test variant of {path.name} "
        "(paragraphs reordered; not a real article)"
    )
    return f"{label}-{path.stem}.md", "\n\n".join([title, *body]).encode()


async def _ask_loop(client, questions: list[str], start: int, step: int, deadline: float, result):
    n = start
    while time.monotonic() < deadline:
        question = questions[n % len(questions)]
        n += step
        t0 = time.perf_counter()
        try:
            response = await client.post("/api/v1/ask", json={"question": question})
        except httpx.HTTPError as exc:
            result.errors[type(exc).__name__] += 1
            continue
        if response.status_code != 200:
            result.errors[f"HTTP {response.status_code}"] += 1
            continue
        result.latencies_ms.append((time.perf_counter() - t0) * 1000)
        result.answered += bool(response.json().get("answered"))


async def _upload(client, auth: dict[str, str], name: str, data: bytes) -> dict:
    response = await client.post(
        "/api/v1/documents",
        files=[("files", (name, data, "text/markdown"))],
        headers=auth,
        timeout=UPLOAD_TIMEOUT,
    )
    response.raise_for_status()
    [outcome] = response.json()["files"]
    return outcome


async def _ingest_loop(client, auth, articles: list[Path], round_no: int, deadline: float, result):
    """Uploads variants one after another until the round's time is up (at least one)."""
    doc_ids: list[str] = []
    k = 0
    while True:
        name, data = synthetic_variant(articles[k % len(articles)], round_no, k)
        k += 1
        try:
            outcome = await _upload(client, auth, name, data)
        except httpx.HTTPStatusError as exc:
            result.upload_errors[f"HTTP {exc.response.status_code}"] += 1
        except httpx.HTTPError as exc:
            result.upload_errors[type(exc).__name__] += 1
        else:
            if outcome["status"] in ("added", "updated"):
                result.uploads += 1
                result.upload_chunks += outcome["chunks"]
                doc_ids.append(outcome["doc_id"])
            else:
                result.upload_errors[f"upload {outcome['status']}"] += 1
        if time.monotonic() >= deadline:
            return doc_ids


async def _sample_rss(server: ServedApp, result: RoundResult, stop: asyncio.Event) -> None:
    while not stop.is_set():
        rss = server.rss_mb()
        if rss is not None:
            result.rss_samples_mb.append(rss)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)


async def _round(server, client, auth, questions, articles, clients, seconds, number):
    result = RoundResult(number)
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(server, result, stop))
    t0 = time.monotonic()
    deadline = t0 + seconds
    askers = [_ask_loop(client, questions, i, clients, deadline, result) for i in range(clients)]
    ingest = asyncio.create_task(_ingest_loop(client, auth, articles, number, deadline, result))
    await asyncio.gather(*askers)
    result.seconds = time.monotonic() - t0
    doc_ids = await ingest
    stop.set()
    await sampler
    # Outside the measured window: back to the corpus alone for the next round.
    for doc_id in doc_ids:
        response = await client.delete(f"/api/v1/documents/{doc_id}", headers=auth)
        if response.status_code != 204:
            result.upload_errors[f"delete HTTP {response.status_code}"] += 1
    result.rss_after_mb = server.rss_mb()
    return result


async def _drive(server, api_key, corpus_files, questions, rounds, clients, seconds, progress):
    auth = {"Authorization": f"Bearer {api_key}"}
    limits = httpx.Limits(max_connections=clients + 8, max_keepalive_connections=clients + 8)
    async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
        files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in corpus_files]
        response = await client.post(
            "/api/v1/documents", files=files, headers=auth, timeout=UPLOAD_TIMEOUT
        )
        response.raise_for_status()
        outcomes = response.json()["files"]
        if any(o["status"] == "error" for o in outcomes):
            raise RuntimeError(f"the corpus did not ingest: {outcomes}")
        report = LoadReport(
            clients,
            seconds,
            documents=len(outcomes),
            chunks=sum(o["chunks"] for o in outcomes),
            questions=len(questions),
            rss_ready_mb=server.rss_mb(),
        )
        for number in range(1, rounds + 1):
            result = await _round(
                server, client, auth, questions, corpus_files, clients, seconds, number
            )
            report.rounds.append(result)
            if progress:
                progress(f"round {number}: {result.requests} requests, {result.uploads} uploads")
    return report


def run_load(
    rounds: int = 3,
    clients: int = 50,
    seconds: float = 60.0,
    settings: Settings | None = None,
    corpus: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Start the server, load it, stop it; `progress` gets each round's line as it ends."""
    from ingest.indexing import iter_files

    settings = settings or get_settings()
    model = settings.embedding_model
    if model is None:
        from qa_service.embedders.convert import ensure_default_model

        model = ensure_default_model(settings.models_dir)  # converted once, not per server
    dataset = gold_dataset(settings.eval_gold_file, corpus)
    corpus_files = list(iter_files([dataset.corpus]))
    questions = [q.question for q in dataset.questions]
    api_key = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="qa-load-") as tmp:
        env = {
            "QA_DATA_DIR": str(Path(tmp) / "data"),
            "QA_EMBEDDING_MODEL": str(Path(model).resolve()),
            "QA_RATE_LIMIT_PER_MINUTE": "0",
            "QA_API_KEY": api_key,
            "QA_LOG_LEVEL": "INFO",
        }
        with served_app(Path(tmp) / "server", env) as server:
            return asyncio.run(
                _drive(server, api_key, corpus_files, questions, rounds, clients, seconds, progress)
            )

"""A real Chroma server for the tests: `chroma run` from the venv on a free loopback port.

with chroma_server(tmp_path) as (host, port):
    store = ChromaStore(host=host, port=port, collection="x")

The benchmarks' launcher (`qa_service/evaluation/served.py`) does the work; this adds a temp
directory when the test does not care where the data lives.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa_service.evaluation.served import HOST as HOST
from qa_service.evaluation.served import chroma_server as _chroma_server
from qa_service.evaluation.served import free_port as free_port


@contextmanager
def chroma_server(
    path: Path | str | None = None, startup_timeout: float = 60
) -> Iterator[tuple[str, int]]:
    """Start `chroma run`, wait for its heartbeat, yield (host, port), stop it."""
    with tempfile.TemporaryDirectory(prefix="chroma-server-") as scratch:
        data = Path(path) if path is not None else Path(scratch) / "db"
        with _chroma_server(data, startup_timeout) as server:
            yield server.host, server.port

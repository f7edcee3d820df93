"""A real Chroma server for the tests: `chroma run` from the venv on a free loopback port.

with chroma_server(tmp_path) as (host, port):
    store = ChromaStore(host=host, port=port, collection="x")
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.integration.support import stop_process

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it; small race, fine on loopback)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def chroma_executable() -> Path:
    """The `chroma` CLI installed beside the running interpreter (the project's venv)."""
    exe = Path(sys.executable).parent / ("chroma.exe" if os.name == "nt" else "chroma")
    if not exe.exists():
        raise RuntimeError(f"chroma CLI not found at {exe}")
    return exe


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def chroma_server(
    path: Path | str | None = None, startup_timeout: float = 60
) -> Iterator[tuple[str, int]]:
    """Start `chroma run` on a fresh port, wait for its heartbeat, yield (host, port), stop it.

    `path` is the persistence directory (a temp dir when omitted). The server's output goes
    to a log file in a temp dir; a failed start raises with its tail.
    """
    with tempfile.TemporaryDirectory(prefix="chroma-server-") as scratch:
        data = Path(path) if path is not None else Path(scratch) / "db"
        data.mkdir(parents=True, exist_ok=True)
        log_path = Path(scratch) / "chroma-server.log"
        port = free_port()
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
        cmd = [str(chroma_executable()), "run", "--path", str(data), "--host", HOST]
        cmd += ["--port", str(port)]
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
            )
            try:
                heartbeat = f"http://{HOST}:{port}/api/v2/heartbeat"
                deadline = time.monotonic() + startup_timeout
                while not _answers(heartbeat):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        output = log_path.read_text(errors="replace")[-2000:]
                        raise RuntimeError(
                            f"chroma server did not start on port {port} "
                            f"(exit code {proc.poll()}):\n{output}"
                        )
                    time.sleep(0.1)
                yield HOST, port
            finally:
                stop_process(proc)

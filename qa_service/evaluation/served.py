"""Servers as child processes on free loopback ports: our app (`python app.py`) and Chroma
(`chroma run`).

Used by the load and scale benchmarks (`qa bench --load`, `--scale`) and by tests that need
the real process: its own settings from the environment, its output in files, its RSS.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
_QUIET = {
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
}


def free_port() -> int:
    """A loopback port nobody listens on right now (small race; fine on loopback)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process (VmRSS in /proc/<pid>/status), None when unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class ServedApp:
    url: str
    process: subprocess.Popen
    stdout: Path
    stderr: Path

    def rss_mb(self) -> float | None:
        return rss_mb(self.process.pid)

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def wait_ready(url: str, proc: subprocess.Popen, timeout: float, output: Callable[[], str]) -> None:
    """Poll `url` until it answers 200; raise with the tail of `output()` if the process
    exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not _ready(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"{' '.join(map(str, proc.args))[:200]} did not get ready at {url} "
                f"(exit code {proc.poll()}):\n{output()[-3000:]}"
            )
        time.sleep(0.1)


@contextmanager
def served_app(
    workdir: Path, env: Mapping[str, str], startup_timeout: float = 300
) -> Iterator[ServedApp]:
    """Start `python app.py` in `workdir` (its cwd, so no stray `.env` applies) with this
    environment minus its QA_* variables plus `env`; yield once /readyz answers 200; stop it.

    Output goes to `workdir/server.stdout` and `workdir/server.stderr`.
    """
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    child_env |= _QUIET | {"QA_HOST": HOST, "QA_PORT": str(port)} | dict(env)
    workdir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = workdir / "server.stdout", workdir / "server.stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app"],  # app.py is installed as a module too
            cwd=workdir,
            env=child_env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
        served = ServedApp(f"http://{HOST}:{port}", proc, out_path, err_path)
        try:
            wait_ready(f"{served.url}/readyz", proc, startup_timeout, served.output)
            yield served
        finally:
            stop_process(proc)


def stop_process(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate a child process, and kill it if it has not stopped within `timeout`."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@dataclass
class ChromaServer:
    host: str
    port: int
    process: subprocess.Popen

    def rss_mb(self) -> float | None:
        return rss_mb(self.process.pid)


@contextmanager
def chroma_server(path: Path, startup_timeout: float = 60) -> Iterator[ChromaServer]:
    """`chroma run --path <path>` (the CLI beside this interpreter) on a free loopback port;
    yields once its heartbeat answers, stops it afterwards. Output goes to `path.parent`."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        raise RuntimeError(f"chroma CLI not found at {exe}")
    path.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    cmd = [str(exe), "run", "--path", str(path), "--host", HOST, "--port", str(port)]
    log_path = path.parent / f"{path.name}.chroma.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
        try:
            heartbeat = f"http://{HOST}:{port}/api/v2/heartbeat"
            wait_ready(
                heartbeat, proc, startup_timeout, lambda: log_path.read_text("utf-8", "replace")
            )
            yield ChromaServer(HOST, port, proc)
        finally:
            stop_process(proc)

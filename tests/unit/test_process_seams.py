"""Importing the composition root, the server module or app.py changes nothing in the
process: no environment variables set, no model converted, no heavy library imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import json, os, sys
before = dict(os.environ)
import app, qa_service.container, qa_service.server, qa_service.cli
changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))
heavy = [m for m in ("torch", "sentence_transformers", "gradio", "chromadb") if m in sys.modules]
print(json.dumps({"changed": changed, "heavy": heavy}))
"""


def test_imports_leave_the_process_alone(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.pop("ANONYMIZED_TELEMETRY", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert json.loads(result.stdout) == {"changed": [], "heavy": []}


def test_the_entry_points_set_the_offline_defaults(monkeypatch):
    from qa_service.settings import apply_process_environment

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFORMERS_VERBOSITY", "info")
    apply_process_environment()
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_VERBOSITY"] == "info"  # what the user set wins


def test_answering_processes_let_waiting_threads_sleep(monkeypatch):
    from qa_service.settings import let_waiting_threads_sleep

    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    let_waiting_threads_sleep()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    let_waiting_threads_sleep()
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"  # what the user set wins


def test_the_server_lets_a_waiting_thread_take_the_interpreter_sooner():
    import math
    import sys

    from qa_service.settings import SWITCH_INTERVAL, switch_threads_often

    before = sys.getswitchinterval()
    try:
        switch_threads_often()
        assert math.isclose(sys.getswitchinterval(), SWITCH_INTERVAL) and before > SWITCH_INTERVAL
    finally:
        sys.setswitchinterval(before)


def test_qa_ingest_lowers_its_priority_only():
    """In a child process: its niceness becomes 5 (twice is once), and one already lower
    in priority (10) stays where it is."""
    import subprocess
    import sys

    code = (
        "import os; from qa_service.settings import yield_cores_to_answers as y; "
        "y(5); y(5); print(os.getpriority(os.PRIO_PROCESS, 0))"
    )
    # The test process itself may run lowered already (an in-process `qa ingest` before);
    # Linux caps niceness at 19.
    start = os.getpriority(os.PRIO_PROCESS, 0)
    for before, expected in ((0, max(5, start)), (10, max(5, min(19, start + 10)))):
        out = subprocess.run(
            [sys.executable, "-c", code],
            preexec_fn=lambda b=before: os.nice(b) if b else None,
            capture_output=True,
            text=True,
            check=True,
        )
        assert int(out.stdout) == expected

"""A second process that reads documents for the snapshot: `python -m` this module, pickled
documents on stdin, their readings (`snapshot.Reading`) pickled on stdout.

Started as a command, not through multiprocessing: spawning re-runs the caller's main
script, which a user's script without a `__main__` guard cannot survive (the pool then
restarts its worker for ever); a command needs nothing from its caller.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa_service.corpus.snapshot import Reading
    from qa_service.models import Document

log = logging.getLogger(__name__)


class ReadingProcess:
    """Reads `documents` in a child process while the caller reads others; `result()` gives
    their readings, or None when the child failed (logged: the caller reads them itself)."""

    def __init__(self, documents: Sequence[Document]) -> None:
        root = str(Path(__file__).resolve().parents[2])  # importable from any directory
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        self._count = len(documents)
        self._proc: subprocess.Popen | None = None
        try:
            # its log lines (a document attribution failed on) go where the caller's go
            self._proc = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
            stdin, self._proc.stdin = self._proc.stdin, None  # communicate() reads only
            assert stdin is not None
            with stdin:
                pickle.dump(list(documents), stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:  # no interpreter to start, or the child died at its start
            self._error = str(exc)
        else:
            self._error = ""

    def result(self) -> list[Reading] | None:
        readings = None
        if self._proc is not None:
            out, _ = self._proc.communicate()
            if self._proc.returncode == 0:
                try:
                    readings = pickle.loads(out)
                except Exception as exc:
                    self._error = f"unreadable result: {exc}"
            else:
                self._error = f"exit status {self._proc.returncode}"
        if not isinstance(readings, list) or len(readings) != self._count:
            log.warning(
                "second reading process failed; its documents are read here",
                extra={"error": self._error},
            )
            return None
        return readings


def main() -> None:
    from qa_service.corpus.snapshot import read_documents_here

    documents = pickle.load(sys.stdin.buffer)
    pickle.dump(read_documents_here(documents), sys.stdout.buffer, pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()

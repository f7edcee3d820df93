"""Answers and the feedback on them, behind a small Protocol; SQLite is the default store.

Doors record each answer when they give it (`record_answer`), so a 👍/👎 arriving later, from
a button or `POST /api/v1/feedback`, only needs the answer's id. SQLite in WAL mode with one
connection per thread lets the server's worker threads write at the same time; a server
database can replace it by implementing `FeedbackStore`.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from qa_service.errors import QAError
from qa_service.models import Answer, Filters

Rating = Literal["up", "down"]
Interface = Literal["api", "gradio", "slack", "mattermost"]


class UnknownAnswerError(QAError):
    """Feedback for an answer id this server never gave."""


class FeedbackRecord(BaseModel):
    """One rating joined with the answer it rates, as exported for review."""

    answer_id: str
    question: str
    answer: str
    language: str
    mode: str
    answered: bool
    citations: list[dict[str, Any]]
    retrieval: dict[str, Any]
    rating: Rating
    reason: str | None
    interface: str
    time: dt.datetime


class FeedbackStore(Protocol):
    def record_answer(
        self, answer: Answer, *, interface: Interface, k: int | None, filters: Filters | None
    ) -> None: ...

    def add_feedback(
        self, answer_id: str, rating: Rating, *, reason: str | None, interface: Interface
    ) -> None:
        """Raises UnknownAnswerError when no answer has that id."""

    def records(self) -> Iterator[FeedbackRecord]: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, time TEXT NOT NULL, interface TEXT NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, language TEXT NOT NULL, mode TEXT NOT NULL, answered INTEGER NOT NULL,
    citations TEXT NOT NULL, retrieval TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL REFERENCES answers(id),
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), reason TEXT,
    interface TEXT NOT NULL, time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


_WAL_TRIES = 100  # 10 ms apart, growing to 100 ms: about 8 s in all


def _to_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL, retrying while another process holds it: two processes
    opening a new file together ("database is locked" at once, as SQLite's busy wait does not
    cover this switch) lost one of them in 9 of 150 runs of four."""
    for attempt in range(_WAL_TRIES):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == _WAL_TRIES - 1:
                raise
            time.sleep(min(0.01 * (attempt + 1), 0.1))


class SQLiteFeedbackStore:
    """`path` (QA_DATA_DIR/feedback.sqlite3) is created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._init_lock = threading.Lock()
        self._ready = False

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            with self._init_lock:
                # Switching to WAL takes an exclusive lock and fails at once, without waiting,
                # while another connection is reading: so only this store's first connection
                # switches (the mode is stored in the file), before its others exist, and
                # waits out another process's connections (`_to_wal`).
                if not self._ready:
                    _to_wal(conn)
                    conn.executescript(_SCHEMA)
                    self._ready = True
            self._local.conn = conn
        return conn

    def record_answer(
        self, answer: Answer, *, interface: Interface, k: int | None, filters: Filters | None
    ) -> None:
        used = answer.filters_applied or filters
        retrieval = {"k": k, "filters": used.model_dump(mode="json") if used else None}
        citations = [c.model_dump(mode="json") for c in answer.citations]
        self._db().execute(
            "INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                answer.id,
                _now(),
                interface,
                answer.question,
                answer.answer,
                answer.language,
                answer.mode,
                int(answer.answered),
                json.dumps(citations, ensure_ascii=False),
                json.dumps(retrieval, ensure_ascii=False),
            ),
        )

    def add_feedback(
        self, answer_id: str, rating: Rating, *, reason: str | None, interface: Interface
    ) -> None:
        db = self._db()
        try:
            db.execute(
                "INSERT INTO feedback (answer_id, rating, reason, interface, time) "
                "VALUES (?, ?, ?, ?, ?)",
                (answer_id, rating, reason or None, interface, _now()),
            )
        except sqlite3.IntegrityError:  # the foreign key: no such answer
            raise UnknownAnswerError(f"no answer with id {answer_id!r}") from None

    def records(self) -> Iterator[FeedbackRecord]:
        rows = self._db().execute(
            "SELECT a.id, a.question, a.answer, a.language, a.mode, a.answered, a.citations, "
            "a.retrieval, f.rating, f.reason, f.interface, f.time "
            "FROM feedback f JOIN answers a ON a.id = f.answer_id ORDER BY f.id"
        )
        for row in rows:
            yield FeedbackRecord(
                answer_id=row[0],
                question=row[1],
                answer=row[2],
                language=row[3],
                mode=row[4],
                answered=bool(row[5]),
                citations=json.loads(row[6]),
                retrieval=json.loads(row[7]),
                rating=row[8],
                reason=row[9],
                interface=row[10],
                time=dt.datetime.fromisoformat(row[11]),
            )

"""SQLite feedback store: answers recorded, ratings joined, concurrent writers, gold export."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sqlite3
import threading

import pytest

from qa_service.feedback import SQLiteFeedbackStore, UnknownAnswerError
from qa_service.feedback.export import gold_lines
from qa_service.models import Answer, Citation, Filters

GOLD_FIELDS = ["id", "lang", "question", "answerable", "gold_docs", "expected_any", "note"]


def answer(question: str = "Was sagte Merz zur Bundeswehr?", answered: bool = True) -> Answer:
    quote = "Die Bundeswehr soll die stärkste Armee Europas werden."
    c = Citation(
        n=1, doc_id="d", title="t", source="/corpus/004_x.txt", start=0, end=len(quote),
        quote=quote, date=dt.date(2026, 1, 7), publisher="ZDF",
    )  # fmt: skip
    return Answer(
        question=question,
        answer=f"{quote} [1]" if answered else "Keine Antwort.",
        language="de",
        answered=answered,
        citations=(c,) if answered else (),
        filters_applied=Filters(sources=("004_x.txt",)),
    )


@pytest.fixture
def store(tmp_path) -> SQLiteFeedbackStore:
    return SQLiteFeedbackStore(tmp_path / "feedback.sqlite3")


def test_feedback_is_stored_with_the_answer_and_survives_a_new_store(store, tmp_path):
    a = answer()
    store.record_answer(a, interface="slack", k=5, filters=None)
    store.add_feedback(a.id, "down", reason="falsches Zitat", interface="slack")
    [record] = SQLiteFeedbackStore(tmp_path / "feedback.sqlite3").records()
    assert (record.answer_id, record.rating, record.reason) == (a.id, "down", "falsches Zitat")
    assert record.question == a.question and record.answer == a.answer
    assert record.mode == "extractive" and record.interface == "slack"
    assert record.citations[0]["quote"] == a.citations[0].quote
    assert record.retrieval == {
        "k": 5,
        "filters": {"date_from": None, "date_to": None, "sources": ["004_x.txt"]},
    }


def test_unknown_answer_id_is_refused(store):
    with pytest.raises(UnknownAnswerError):
        store.add_feedback("nope", "up", reason=None, interface="api")


@pytest.mark.parametrize("run", range(12))
def test_concurrent_writers_lose_nothing(tmp_path, run):
    """Four threads open their first connections together on a new file: the race in which
    switching to WAL failed ('database is locked') and lost a thread's writes, one run in five."""
    store = SQLiteFeedbackStore(tmp_path / "feedback.sqlite3")
    answers = [answer(f"Frage {i}?") for i in range(40)]
    failed: list[BaseException] = []

    def work(chunk):
        try:
            for a in chunk:
                store.record_answer(a, interface="api", k=5, filters=None)
                store.add_feedback(a.id, "up", reason=None, interface="api")
        except BaseException as e:  # a thread's error would otherwise only be printed
            failed.append(e)

    threads = [threading.Thread(target=work, args=(answers[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == []
    assert sorted(r.answer_id for r in store.records()) == sorted(a.id for a in answers)


def test_gold_export_has_the_gold_fields_and_asks_for_review(store):
    up, down = answer(), answer("Wer gewann die Wahl in Bremen?", answered=False)
    for a in (up, down):
        store.record_answer(a, interface="gradio", k=5, filters=None)
    store.add_feedback(up.id, "down", reason=None, interface="gradio")
    store.add_feedback(up.id, "up", reason="stimmt", interface="gradio")  # changed their mind
    store.add_feedback(down.id, "down", reason="steht in Artikel 3", interface="api")
    first, second = (json.loads(line) for line in gold_lines(store.records()))
    assert list(first) == GOLD_FIELDS and list(second) == GOLD_FIELDS
    assert first["id"] == f"fb-{up.id[:12]}" and first["answerable"] is True
    assert first["gold_docs"] == ["004_x.txt"] and first["expected_any"]
    assert first["note"].startswith("REVIEW: 👍 up via gradio") and "stimmt" in first["note"]
    assert second["answerable"] is True  # refused, and the user says wrongly so
    assert second["gold_docs"] == [] and "steht in Artikel 3" in second["note"]


def _record_in_another_process(path, n, errors):  # noqa: ANN001 - a process target
    try:
        store = SQLiteFeedbackStore(path)
        for i in range(10):
            store.record_answer(answer(f"Frage {n}-{i}?"), interface="api", k=5, filters=None)
    except BaseException as e:
        errors.put(repr(e))


def test_processes_opening_a_new_file_together_lose_nothing(tmp_path):
    """Four processes (a server, the CLI) open one new file at once: switching it to WAL
    failed at once ('database is locked') in one of them in 9 of 150 such races.

    The children come from a fork server, not a fork of pytest: pytest holds the threads of
    earlier tests (Chroma, torch, servers), and a fork can copy a lock one of them holds, so
    a child waits forever (CI of b918571 stopped in this test until its 90 minutes ran out).
    A join is bounded so a stuck child fails here instead."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    for run in range(120):
        path = tmp_path / f"feedback-{run}.sqlite3"
        errors = ctx.Queue()
        procs = [
            ctx.Process(target=_record_in_another_process, args=(path, n, errors)) for n in range(4)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=60)
        stuck = [p for p in procs if p.is_alive()]
        for p in stuck:
            p.kill()
        assert not stuck, f"run {run}: {len(stuck)} of 4 processes did not finish in 60 s"
        assert errors.empty(), errors.get()
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT count(*) FROM answers").fetchone() == (40,)

"""`qa feedback export --format gold`: rated answers as gold-set candidates for a person.

Each line has the gold set's fields (tests/data/gold_seed_qa.jsonl). Nothing here is gold
yet: `note` starts with "REVIEW" and says what the user rated, so a reviewer fixes
`answerable`, `gold_docs` and `expected_any` before a line joins the set.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import PurePath

from qa_service.feedback.store import FeedbackRecord

MAX_EXPECTED = 80


def gold_candidate(record: FeedbackRecord) -> dict:
    """👍 on an answer: its cited files and quotes are the proposal; 👎: the reviewer decides,
    so the cited files are only named in the note."""
    files = list(dict.fromkeys(PurePath(c["source"]).name for c in record.citations))
    liked = record.rating == "up"
    expected = [c["quote"][:MAX_EXPECTED] for c in record.citations[:3]] if liked else []
    verdict = "👍 up" if liked else "👎 down"
    note = f"REVIEW: {verdict} via {record.interface} ({record.mode})"
    if record.reason:
        note += f"; reason: {record.reason}"
    if not liked and files:
        note += f"; cited: {', '.join(files)}"
    note += f"; answer: {record.answer[:300]}"
    return {
        "id": f"fb-{record.answer_id[:12]}",
        "lang": record.language,
        "question": record.question,
        "answerable": record.answered if liked else not record.answered,
        "gold_docs": files if liked else [],
        "expected_any": expected,
        "note": note,
    }


def gold_lines(records: Iterable[FeedbackRecord]) -> Iterator[str]:
    """One JSON line per rated answer (its latest rating), oldest first."""
    latest: dict[str, FeedbackRecord] = {}
    for record in records:
        latest.pop(record.answer_id, None)
        latest[record.answer_id] = record
    for record in latest.values():
        yield json.dumps(gold_candidate(record), ensure_ascii=False)

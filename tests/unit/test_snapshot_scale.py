"""`qa bench --snapshots`: the copies beyond a folder's articles, and a small run's table."""

from __future__ import annotations

from qa_service.evaluation.snapshot_scale import copies, run_snapshot_scale
from tests.contracts.store import make_doc

ARTICLE = (
    "Neue Brücke eröffnet\n\n"
    "Die Stadt eröffnete am Montag die neue Brücke über den Fluss. "
    "Sie sei ein Gewinn für alle, sagte Bürgermeisterin Maria Lotter.\n"
)


def test_copies_keep_the_text_under_new_ids():
    originals = [make_doc("a"), make_doc("b", source="/corpus/b.txt")]
    docs = copies(originals, 5)
    assert [d.id for d in docs[:2]] == ["a", "b"]
    assert len({d.id for d in docs}) == len({d.source for d in docs}) == 5
    assert [d.text for d in docs] == [originals[k % 2].text for k in range(5)]


def test_a_small_run_reports_every_size(tmp_path):
    for name in ("eins", "zwei"):
        (tmp_path / f"{name}.txt").write_text(ARTICLE.replace("Fluss", name), encoding="utf-8")
    report = run_snapshot_scale(tmp_path, [2, 3], progress=lambda _: None).splitlines()
    assert report[0].endswith("2 articles, copies of them beyond")
    assert [row.split()[0] for row in report[2:]] == ["2", "3"]
    assert all(row.split()[-1].endswith("s") for row in report[2:])

"""`eval_service`: an evaluation index holds its dataset's documents alone, whatever an
earlier run put in it. The dataset's corpus links into ../shared, whose files never go, so an
ingest's prune alone kept every article an earlier run had linked (another split, another
number of distractors), and the figures depended on what had run before."""

from __future__ import annotations

from qa_service.evaluation import run
from qa_service.evaluation.datasets import Dataset, _link
from qa_service.settings import Settings
from tests.fakes import HashEmbedder


def test_an_evaluation_index_holds_this_runs_documents_alone(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    for name in ("a", "b", "c"):
        text = f"Titel {name}\n\nEin Satz über {name} steht hier. Noch einer folgt.\n"
        (shared / f"{name}.txt").write_text(text, encoding="utf-8")

    def articles(gold_file, corpus, distractors):
        _link(corpus, sorted(shared.iterdir())[:distractors])
        return Dataset("gnad", corpus)

    monkeypatch.setattr(run, "gnad_dataset", articles)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    embedder = HashEmbedder()
    _, service, _ = run.eval_service("gnad", settings, embedder, distractors=3)
    assert len(service.list_documents()) == 3
    _, service, report = run.eval_service("gnad", settings, embedder, distractors=1)
    assert [d.source for d in service.list_documents()] == [str(shared / "a.txt")]
    assert report.count("unchanged") == 1

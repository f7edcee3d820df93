"""`qa bench --load`, bounded: the same code as the real run, 4 clients x 3 s x 1 round.

Asserts behaviour only (no error, answers came back, an upload ran during the round and was
removed after it); the figures of the full run are in the README.
"""

from __future__ import annotations

import pytest

from qa_service.evaluation.load import percentile, run_load

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50 and percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99 and percentile([7.0], 0.99) == 7


def test_short_load_run_answers_everything(make_settings, corpus_dir):
    report = run_load(rounds=1, clients=4, seconds=3, settings=make_settings(), corpus=corpus_dir)
    [result] = report.rounds
    assert report.documents == 5 and report.chunks > 5
    assert result.errors == {} and result.upload_errors == {}, result.error_kinds()
    assert result.requests > 0 and result.answered > 0
    assert result.uploads >= 1 and result.upload_chunks > 0
    assert result.rss_samples_mb and result.rss_after_mb
    assert len(report.text().splitlines()) == 4

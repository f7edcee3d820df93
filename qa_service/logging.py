"""configure_logging(): called once by entry points, never at import time."""

from __future__ import annotations

import logging
import os


def configure_logging(level: str | None = None) -> None:
    level = (level or os.environ.get("QA_LOG_LEVEL") or "WARNING").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("chromadb", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))

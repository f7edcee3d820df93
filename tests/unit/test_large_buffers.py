"""The encoder's process returns a freed large buffer to the system (`map_large_buffers`).

Each case runs in its own interpreter: the allocator setting is process-wide and one-way.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Frees a 16 MiB buffer (glibc then raises its mapping threshold to 16 MiB), then allocates
# and frees a 12 MiB one, and prints how many MiB the process kept of it.
SCRIPT = """
import sys
import numpy as np
from qa_service.embedders.st import map_large_buffers

def rss_mib():
    with open("/proc/self/status") as f:
        return int(f.read().split("VmRSS:")[1].split()[0]) // 1024

if sys.argv[1] == "mapped":
    map_large_buffers()
first = np.ones(1 << 21)
del first
before = rss_mib()
second = np.ones(12 << 17)
del second
print(rss_mib() - before)
"""

linux_glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ,
    reason="glibc on Linux, threshold not set in the environment",
)


def _kept_mib(mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, check=True, timeout=60
    )
    return int(result.stdout)


@linux_glibc
def test_a_freed_large_buffer_goes_back_to_the_system():
    assert _kept_mib("mapped") <= 1


@linux_glibc
def test_without_it_the_heap_keeps_the_buffer():
    """The case the setting is for: glibc's own threshold keeps the 12 MiB in the heap."""
    assert _kept_mib("default") >= 10

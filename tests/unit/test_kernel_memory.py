"""A kernel gives back the heap its build freed (kamkit.kernel.release_memory)."""

from __future__ import annotations

import sys

import psutil
import pytest

from kamkit.kernel import release_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_memory_freed_between_live_objects_goes_back_to_the_system():
    # ~60 MB in 2 KB pieces (malloc's heap, not Python's own arenas), one in 64 kept: the
    # heap cannot shrink from its top, so without a trim the freed memory stays resident
    made = [b"x" * 2000 + i.to_bytes(4, "big") for i in range(30_000)]
    kept = made[::64]
    del made
    before = psutil.Process().memory_info().rss
    assert release_memory()
    after = psutil.Process().memory_info().rss
    assert before - after > 20 * 2**20
    assert len(kept) == 469  # still there, unharmed
    assert all(k.startswith(b"xx") for k in kept)

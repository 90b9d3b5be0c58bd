"""The Arrow memory pool of a dashboard process.

pyarrow's default pool on Linux is mimalloc, which takes memory from the system in huge pages
(2 MB). On a kernel whose transparent huge pages are granted on request (`madvise`, the usual
default) with fragmented memory, each new huge page waits for the kernel to compact and zero one:
at ten million events the first read of a frequent term's rows (2.7 million numbers, 11 MB) spent
~350 ms of system time in 224 page faults, where jemalloc's ordinary pages took 50 ms, and the
counting of that search from the word index (duck_search: the rows read, counted per key) fell from
~0.5 s to ~0.2 s (session 31, timed in the server's process after its first answer). At ten million
events the bench's brush p95 went from 215 to 131 ms (medians of three alternated runs, README).
"""

from __future__ import annotations

import pyarrow as pa


def use_reusing_pool() -> str:
    """Make jemalloc this process's default Arrow pool (the system allocator where pyarrow was
    built without it); its backend's name."""
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a build without jemalloc (pyarrow on Windows)
        pool = pa.system_memory_pool()
    pa.set_memory_pool(pool)
    return pool.backend_name

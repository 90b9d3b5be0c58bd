"""The dashboard's Arrow memory pool (dashboard/app/memory.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.app.app import create_app


def _jemalloc_built() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


def test_a_dashboard_process_takes_arrow_memory_in_ordinary_pages(tmp_path: Path) -> None:
    create_app(tmp_path / "store")
    assert pa.default_memory_pool().backend_name == ("jemalloc" if _jemalloc_built() else "system")
    # What a read allocates comes from that pool (the Parquet reader takes the default one). 32 MB,
    # held to within 4: other threads of the test process (an earlier test's engine winding down)
    # may free a little of the pool meanwhile; an 800,000-byte array once came 896 bytes short.
    before = pa.default_memory_pool().bytes_allocated()
    held = pc.multiply(pa.array(np.arange(4_000_000, dtype=np.int64)), 2)  # computed: a buffer of the pool's
    assert held.nbytes == 32_000_000
    assert pa.default_memory_pool().bytes_allocated() >= before + 28_000_000
    del held

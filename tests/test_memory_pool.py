"""The dashboard's Arrow memory pool (dashboard/app/memory.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

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
    # What a read allocates comes from that pool (the Parquet reader takes the default one).
    before = pa.default_memory_pool().bytes_allocated()
    held = pa.array(range(100_000), pa.int64())
    assert pa.default_memory_pool().bytes_allocated() >= before + 800_000
    del held

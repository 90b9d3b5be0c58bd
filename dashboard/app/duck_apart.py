"""The tables built after an answer (duck_fact_base's, duck_newest's), computed on a DuckDB
connection of their own and handed to the engine as Arrow.

Built on the engine's connection, they ran on all of its threads beside the requests that came
meanwhile: on two cores, the bench's first brushes (sent as soon as the first answer is out) took
0.6-0.7 s of wall time for 0.12-0.15 s of CPU at a million events, while those builds took 0.45 CPU
s. Here they run on one thread (DuckDB's `threads = 1` runs a query on its caller's thread only),
which lowers its own scheduling priority first (`nice`, per thread on Linux): a request then has the
cores when it wants them and the build takes what is left. Their sources are files only (the
rollup's part, the events' parts and overlays), so nothing of the engine's is read from here.
"""

from __future__ import annotations

import os
import threading

import duckdb
import pyarrow as pa

# The build thread's niceness: a request (at 0) gets ~3 times the build's share of a core they
# share. At 10 the build of a million events' tables took ~5 s at load 7, past the bench's last
# request (answered meanwhile from the rollup and the parts); at 5, ~3.7 s; at 0, ~1.6 s with the
# brushes meanwhile twice as slow.
NICE = 5


def lower_priority() -> None:
    """Lower the calling thread's scheduling priority to NICE, where the system allows it (on
    Linux, `setpriority` of a thread's id applies to that thread alone)."""
    try:
        me = threading.get_native_id()
        # Never up: a server started with `nice` keeps its builds at least as low.
        if os.getpriority(os.PRIO_PROCESS, me) < NICE:
            os.setpriority(os.PRIO_PROCESS, me, NICE)
    except (AttributeError, OSError):
        return  # no per-thread priority here: the build runs at the request's


def connection(memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """A DuckDB database of its own, running each query on the caller's thread only."""
    return duckdb.connect(config={"threads": 1, "memory_limit": memory_limit})


def computed(statements: list[str], result: str) -> pa.Table:
    """The Arrow table `result` gives after `statements` (CREATE TABLE ... of its steps), on a
    connection of its own."""
    with connection() as con:
        for statement in statements:
            con.execute(statement)
        return con.sql(result).to_arrow_table()

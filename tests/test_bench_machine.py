"""bench_machine: the minor page faults a process has taken and the price of one, as the bench
reports them beside its timings."""

from __future__ import annotations

import mmap
import os
import subprocess
import sys

import pytest

from dashboard import bench_machine as M


def _touch(mb: int) -> None:
    region = mmap.mmap(-1, mb * 2**20)
    try:
        for at in range(0, len(region), M.PAGE):
            region[at] = 1
    finally:
        region.close()


def test_the_minor_fault_field_is_read_after_the_process_name() -> None:
    # A name may hold spaces and parentheses: the fields are counted from its last ')'.
    line = "4242 (odd ) name (x)) S 1 4242 4242 0 -1 4194560 987 0 3 0 12 4 0 0 20 0 1 0 100"
    assert M.stat_minor_faults(line) == 987
    assert M.stat_minor_faults("7 (python3) R 1 7 7 0 -1 4194304 55 1 0 0") == 55


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="minor faults are read from /proc")
def test_faults_grow_when_a_process_touches_memory_it_never_had() -> None:
    before = M.own_minor_faults()
    _touch(8)
    assert M.own_minor_faults() > before
    # The same count read from /proc for this process, and for a tree with a child in it.
    mine = M.tree_minor_faults(os.getpid())
    assert mine is not None and mine >= M.own_minor_faults() - 50
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        with_child = M.tree_minor_faults(os.getpid())
        assert with_child is not None and with_child > M.stat_minor_faults(open(f"/proc/{os.getpid()}/stat").read())
    finally:
        child.communicate(b"")


def test_a_process_that_is_gone_has_no_count() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert M.tree_minor_faults(child.pid) is None


def test_the_machine_figures_give_the_price_of_a_fault() -> None:
    figures = M.machine_figures()
    assert figures["page_touch_us"] > 0 and figures["cpus"] >= 1 and figures["load_avg_1m"] >= 0
    assert M.page_touch_us(1) > 0

"""What the bench's timings depend on besides the code: the machine's load, and what memory a
process touches for the first time costs (its minor page faults, and a probe of their price).

A page a process touches for the first time is a minor fault: the kernel hands it a zeroed page.
On a bare machine that costs well under a microsecond per 4 kB page; in a virtual machine whose
guest hands its free memory back to the host (virtio-balloon free page reporting, as on the
Firecracker machine the README's figures were measured on), the host must find and zero a page
again first, and the price moved from 4 to 50 us per page between runs of the same correction.
A write touching 100 MB of fresh memory then takes 0.1-1.2 s more or less, so the bench reports
the faults beside the CPU seconds: the count follows the code, its price the machine."""

from __future__ import annotations

import mmap
import os
import resource
import time
from pathlib import Path

PAGE = 4096  # bytes per page the probe touches (the kernel's base page on x86-64 and most arm64)


def own_minor_faults() -> int:
    """Minor page faults of this process so far."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)


def stat_minor_faults(stat: str) -> int:
    """The minor faults (field 10) of a /proc/PID/stat line; the process name (field 2, in
    parentheses) may hold spaces and parentheses, so the fields are counted after its last ')'."""
    rest = stat[stat.rindex(")") + 2 :].split()
    return int(rest[7])  # fields 3.. follow the name: state, ppid, pgrp, session, tty, tpgid, flags, minflt


def tree(pid: int) -> list:
    """A process and all its descendants (psutil.Process each), or [] when it is gone."""
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def tree_minor_faults(pid: int) -> int | None:
    """Minor page faults so far of a process and its descendants (gone ones excepted); None where
    /proc does not tell them (not Linux) or the process is gone."""
    total, read = 0, False
    for p in tree(pid):
        try:
            total += stat_minor_faults(Path(f"/proc/{p.pid}/stat").read_text())
            read = True
        except (OSError, ValueError, IndexError):
            continue
    return total if read else None


def page_touch_us(mb: int = 32) -> float:
    """Microseconds per 4 kB page to touch `mb` of memory this process never had (an anonymous map,
    one byte written per page, then unmapped): what each minor fault costs on this machine now."""
    size = mb * 2**20
    region = mmap.mmap(-1, size)
    try:
        t0 = time.perf_counter()
        for at in range(0, size, PAGE):
            region[at] = 1
        took = time.perf_counter() - t0
    finally:
        region.close()
    return round(took * 1e6 / (size // PAGE), 2)


def machine_figures() -> dict[str, float | int | None]:
    """The machine's state beside a bench's timings: its load, its CPUs and the price of a fault."""
    return {
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "page_touch_us": page_touch_us(),
    }

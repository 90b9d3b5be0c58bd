"""Memory of the server facing oversized uploads (run by hand, not in CI).

    python scripts/upload_limit.py STORE_DIR

Starts `conflictmap serve` on the store, sends one upload request of 20, 60 and 500 MB through the
upload callback, and prints each answer and the server's resident memory (now and its peak).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil

from dashboard.app import ids
from dashboard.bench_http import free_port, get_json, parse_outputs, wait_for_server


def upload_body(cb: dict, size_mb: int) -> bytes:
    data = "data:text/plain;base64," + base64.b64encode(b"x" * (size_mb * 2**20 * 3 // 4)).decode()
    outputs = parse_outputs(cb["output"])
    return json.dumps(
        {
            "output": cb["output"],
            "outputs": outputs,
            "changedPropIds": [f"{ids.UPLOAD}.contents"],
            "inputs": [{"id": ids.UPLOAD, "property": "contents", "value": [data]}],
            "state": [{"id": ids.UPLOAD, "property": "filename", "value": ["big.txt"]}],
        }
    ).encode()


def main(store: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--store", store, "--port", str(port)], stderr=subprocess.DEVNULL
    )
    try:
        wait_for_server(base, proc)
        server = psutil.Process(proc.pid)
        cb = next(c for c in get_json(base + "/_dash-dependencies") if f"{ids.UPLOAD_JOB}.data" in c["output"])
        print(f"server RSS at start {server.memory_info().rss / 2**20:.0f} MB")
        for size_mb in (20, 60, 500):
            req = urllib.request.Request(
                base + "/_dash-update-component",
                data=upload_body(cb, size_mb),
                headers={"Content-Type": "application/json", "Origin": base},
            )
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310 (our own loopback server)
                    answer = f"{resp.status} {resp.read()[:120]!r}"
            except urllib.error.HTTPError as err:
                answer = f"{err.code}"
            except (ConnectionError, urllib.error.URLError) as err:
                answer = f"refused: {err}"
            with open(f"/proc/{proc.pid}/status", encoding="ascii") as fh:
                peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024
            print(
                f"{size_mb} MB: {answer} in {time.perf_counter() - t0:.1f} s; "
                f"RSS {server.memory_info().rss / 2**20:.0f} MB, peak {peak:.0f} MB"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main(sys.argv[1])

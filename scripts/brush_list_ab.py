"""Chromium's CPU for a brush that fills the sentence list, two versions of the code alternated.

    python scripts/brush_list_ab.py STORE ROUNDS NAME=CODE_DIR NAME=CODE_DIR

Each side gets its own server (the code in CODE_DIR, e.g. a `git worktree` of the commit before)
and its own headless Chromium on the same store (`conflictmap bench --events N --store DIR` builds
one). In every round, the sides take turns (the order alternating) at: a brush to an hour without
events (the list empties; not counted), the measured brush to 21 days (`fill`: the list fills), a
second 21-day brush (`full`: a full list replaced by another), and, as `conflictmap bench` measures
its `list`, "Clear selection" (not counted) then a 21-day brush (`reset`: from the whole store's
newest sentences and timeline to the window's). The figures are dashboard.bench_browser's:
main-thread CPU (DevTools TaskDuration), every Chromium process's CPU, wall time; medians printed
as one JSON object."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from functools import partial

import numpy as np
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.bench_browser import (
    BRUSH_JS,
    LISTED_JS,
    MARKERS_JS,
    RESET_JS,
    SETTLED_JS,
    SUMMARY_JS,
    headless_chromium,
    measure,
)
from dashboard.bench_http import SERVER_CODE, free_port, tree_cpu_s, wait_for_server


def open_side(store: str, code: str) -> tuple[subprocess.Popen, object]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE, store, str(port)],
        cwd=code,
        env={**os.environ, "PYTHONPATH": code},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_server(f"http://127.0.0.1:{port}", proc, 300)
    driver = headless_chromium("--window-size=1280,800")
    driver.get(f"http://127.0.0.1:{port}/")
    WebDriverWait(driver, 300, 0.05).until(lambda d: d.execute_script(MARKERS_JS) > 0 and d.execute_script(SETTLED_JS))
    driver.execute_cdp_cmd("Performance.enable", {"timeDomain": "threadTicks"})
    driver.execute_script("performance.setResourceTimingBufferSize(100000)")
    return proc, driver


def brush(driver, lo: str, hi: str) -> tuple[int, float, float, float]:
    was = driver.execute_script(SUMMARY_JS)
    pid = driver.service.process.pid
    return measure(
        driver,
        partial(driver.execute_script, BRUSH_JS, lo, hi),
        lambda: driver.execute_script(SUMMARY_JS) != was,
        lambda: tree_cpu_s(pid),
    )


def one_round(driver, i: int) -> dict:
    month = 1 + i % 9
    brush(driver, f"2021-0{month}-0{month} 05:00:00", f"2021-0{month}-0{month} 06:00:00")
    lo = np.datetime64("2021-01-01") + 100 + 40 * i
    fill = brush(driver, str(lo), f"{lo + 20} 23:59:59")
    listed = driver.execute_script(LISTED_JS)
    full = brush(driver, str(lo + 25), f"{lo + 45} 23:59:59")
    pid = driver.service.process.pid
    measure(
        driver,
        partial(driver.execute_script, RESET_JS),
        lambda: "·" not in driver.execute_script(SUMMARY_JS),
        lambda: tree_cpu_s(pid),
    )
    reset = brush(driver, str(lo + 50), f"{lo + 70} 23:59:59")
    return {"fill": fill, "full": full, "reset": reset, "listed": listed}


def medians(runs: list[dict]) -> dict:
    out: dict[str, object] = {
        "listed": min(r["listed"] for r in runs),
        "requests_fill": max(r["fill"][0] for r in runs),
    }
    for key in ("fill", "full", "reset"):
        out[f"cpu_s_{key}"] = [round(r[key][1], 3) for r in runs]
        for n, name in ((1, "cpu_s"), (2, "tree_cpu_s"), (3, "wall_s")):
            out[f"{name}_{key}_median"] = round(statistics.median(r[key][n] for r in runs), 3)
    return out


def main(store: str, rounds: int, sides: list[tuple[str, str]]) -> dict:
    opened: dict[str, tuple[subprocess.Popen, object]] = {}
    try:
        for name, code in sides:
            opened[name] = open_side(store, code)
        runs: dict[str, list[dict]] = {name: [] for name, _ in sides}
        for i in range(rounds):
            for name, _ in sides if i % 2 == 0 else sides[::-1]:
                runs[name].append(one_round(opened[name][1], i))
        return {**{name: medians(r) for name, r in runs.items()}, "load_avg": os.getloadavg()}
    finally:
        for proc, driver in opened.values():
            driver.quit()
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), [tuple(a.split("=", 1)) for a in sys.argv[3:]])))

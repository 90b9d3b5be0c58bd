"""The page in headless Chromium for `conflictmap bench --events N`: its load time (page_ready_s),
and what one interaction costs the browser: the callback requests a marker click, a timeline
brush, a filter change and a playback step send, and the CPU seconds Chromium spends until the
page is idle again.

Each interaction acts as the page's own events do (plotly's click event, plotly's relayout of the
timeline, a click on a filter control, the Play button), then waits until dash-renderer has no
callback pending and no graph is redrawing. The CPU time is the renderer's main-thread task time
from the Chrome DevTools Protocol's performance metrics (`Performance.getMetrics`, TaskDuration:
scripting, style, layout and paint), and beside it the CPU time of every Chromium process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from dashboard.bench_http import tree_cpu_s

CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
)


MARKERS_JS = "return document.querySelectorAll('#map .scattergeo .point, #map .scattermap').length"


# Bytes on the wire of everything the page loaded (fresh profile: nothing cached).
PAGE_BYTES_JS = (
    "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
    ".reduce((s, e) => s + (e.transferSize || 0), 0)"
)


def headless_chromium(*extra_args: str) -> Any:
    """A headless Chromium with a fresh profile (Debian's `chromium` when installed), or RuntimeError."""
    import shutil

    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException

    options = webdriver.ChromeOptions()
    for arg in (*CHROME_ARGS, *extra_args):
        options.add_argument(arg)
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if chrome:
        options.binary_location = chrome
    try:
        return webdriver.Chrome(options=options)
    except WebDriverException as err:
        raise RuntimeError(f"cannot start headless Chromium: {err.msg}") from err


def page_ready_s(url: str, timeout: float = 60.0) -> tuple[float, int, float, int]:
    """Headless Chromium, fresh profile: seconds from navigation to map markers drawn, the number of
    severe console messages, the CPU seconds the browser's processes spent meanwhile (which,
    unlike the wall time, other work on a shared machine does not inflate), and the bytes the page
    loaded over the network until then (compressed, as transferred)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver = headless_chromium()
    try:
        browser = driver.service.process.pid
        cpu0 = tree_cpu_s(browser)
        t0 = time.perf_counter()
        driver.get(url)
        WebDriverWait(driver, timeout, poll_frequency=0.02).until(lambda d: d.execute_script(MARKERS_JS) > 0)
        ready = time.perf_counter() - t0
        cpu = tree_cpu_s(browser) - cpu0
        severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        return ready, len(severe), cpu, int(driver.execute_script(PAGE_BYTES_JS))
    finally:
        driver.quit()


SETTLED_JS = """
const state = window.store && window.store.getState();
if (!state || !state.callbacks) return false;
const pending = Object.entries(state.callbacks).filter(([k]) => k !== 'stored' && k !== 'completed')
    .flatMap(([, list]) => list);
return pending.length === 0 && !document.querySelector('.dash-graph--pending, [data-dash-is-loading="true"]');
"""
REQUESTS_JS = (
    "return performance.getEntriesByType('resource').filter(e => e.name.indexOf('_dash-update-component') >= 0).length"
)
SUMMARY_JS = "const s = document.getElementById('summary'); return s ? s.textContent : '';"
# A marker's click as plotly reports it (dcc.Graph turns plotly_click into clickData).
CLICK_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
const keys = [];
for (const t of gd._fullData) {
    if (/^(basemap|mix): /.test(String(t.name))) continue;
    for (const c of Array.from(t.customdata || [])) {
        if (typeof c === 'string' && !c.startsWith('cluster|')) keys.push(c);
    }
}
const key = keys[arguments[0] % keys.length];
gd.emit('plotly_click', {points: [{customdata: key, curveNumber: 0, pointNumber: 0}]});
return key;
"""
BRUSH_JS = """
return Plotly.relayout(document.querySelector('#timeline .js-plotly-plot'),
                       {'xaxis.range[0]': arguments[0], 'xaxis.range[1]': arguments[1]}).then(() => true);
"""
PLAY_JS = "document.getElementById('play').click(); return true;"
# The interval's own timer slowed to an hour: a step is then one tick, sent as the timer sends it
# (a new n_intervals), not as many as a slow redraw lets the 1.2 s timer fire meanwhile.
SLOW_TIMER_JS = "window.dash_clientside.set_props('play-interval', {interval: 3600000}); return true;"
TICK_JS = "window.dash_clientside.set_props('play-interval', {n_intervals: arguments[0]}); return true;"
FILTER_JS = "document.querySelector('#precise-only input').click(); return true;"
RESET_JS = "document.getElementById('reset-selection').click(); return true;"
LISTED_JS = "return document.querySelectorAll('#excerpts .excerpt').length"


def _metrics(driver) -> float:
    found = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return float(next((m["value"] for m in found if m["name"] == "TaskDuration"), 0.0))


def _differs(read: Callable[[], object], was: object) -> bool:
    """Whether what `read` reads now differs from `was` (the page answered the interaction)."""
    return read() != was


def measure(
    driver,
    act: Callable[[], object],
    changed: Callable[[], bool],
    browser_cpu: Callable[[], float],
    timeout: float = 120.0,
) -> tuple[int, float, float, float]:
    """(requests, main-thread CPU s, all-process CPU s, wall s) of one interaction: act, then wait
    until `changed()` holds and the page is settled."""
    from selenium.webdriver.support.ui import WebDriverWait

    before, task0, cpu0, t0 = driver.execute_script(REQUESTS_JS), _metrics(driver), browser_cpu(), time.perf_counter()
    act()
    WebDriverWait(driver, timeout, poll_frequency=0.02).until(
        lambda d: changed() and d.execute_script(SETTLED_JS), "the page did not settle"
    )
    return (
        int(driver.execute_script(REQUESTS_JS)) - before,
        _metrics(driver) - task0,
        browser_cpu() - cpu0,
        time.perf_counter() - t0,
    )


def interaction_figures(driver, browser_cpu: Callable[[], float], dates: tuple[str, str], repeat: int = 3) -> dict:
    """requests_* and browser_cpu_s_* (medians of `repeat`) for click, brush, filter and play, on a
    page already loaded and settled; `dates` is the span of the store's events (brushes fall in it).
    The brush follows the click, so it lists one place's sentences; `list` is a brush with no place
    selected, which fills the sentence list (`listed_list` sentences on the page)."""
    driver.execute_cdp_cmd("Performance.enable", {"timeDomain": "threadTicks"})
    driver.execute_script("performance.setResourceTimingBufferSize(100000)")
    lo, hi = (np.datetime64(d, "D") for d in dates)
    span = int((hi - lo).astype(int))
    runs: dict[str, list[tuple[int, float, float, float]]] = {
        k: [] for k in ("click", "brush", "filter", "play", "list")
    }
    listed = [_interaction_round(driver, browser_cpu, runs, i, lo, span) for i in range(repeat)]
    out: dict[str, object] = {"listed_list": min(listed)}
    for name, rows in runs.items():
        out[f"requests_{name}"] = int(np.median([r[0] for r in rows]))
        out[f"browser_cpu_s_{name}"] = round(float(np.median([r[1] for r in rows])), 3)
        out[f"browser_tree_cpu_s_{name}"] = round(float(np.median([r[2] for r in rows])), 3)
        out[f"browser_wall_s_{name}"] = round(float(np.median([r[3] for r in rows])), 3)
    return out


def _interaction_round(
    driver,
    browser_cpu: Callable[[], float],
    runs: dict[str, list[tuple[int, float, float, float]]],
    i: int,
    lo: np.datetime64,
    span: int,
) -> int:
    """Round i of the interactions, each measured into `runs`; the sentences listed at its end."""
    summary = lambda: driver.execute_script(SUMMARY_JS)  # noqa: E731 (read many times below)
    url = lambda: driver.current_url  # noqa: E731

    def timed(act: Callable[[], object], changed: Callable[[], bool]) -> tuple[int, float, float, float]:
        return measure(driver, act, changed, browser_cpu)

    def script(js: str, *args: object) -> Callable[[], object]:
        return partial(driver.execute_script, js, *args)

    runs["click"].append(timed(script(CLICK_JS, i * 7), partial(_differs, summary, summary())))
    start = lo + (i * 37) % max(span - 30, 1)
    window = (str(start), f"{start + 20 + 10 * i} 23:59:59")
    runs["brush"].append(timed(script(BRUSH_JS, *window), partial(_differs, summary, summary())))
    runs["filter"].append(timed(script(FILTER_JS), partial(_differs, url, url())))
    # Play (its first step, not counted), then one tick of the playback timer: the step's
    # requests and the redraw; then Pause.
    driver.execute_script(SLOW_TIMER_JS)
    timed(script(PLAY_JS), partial(_differs, summary, summary()))
    runs["play"].append(timed(script(TICK_JS, 1000 + i), partial(_differs, summary, summary())))
    timed(script(PLAY_JS), partial(_differs, url, url()))
    # Clear the selection (not counted; the summary loses its dates and place), then brush.
    timed(script(RESET_JS), lambda: "·" not in summary())
    start = lo + (i * 53 + 11) % max(span - 30, 1)
    runs["list"].append(
        timed(script(BRUSH_JS, str(start), f"{start + 20} 23:59:59"), partial(_differs, summary, summary()))
    )
    return int(driver.execute_script(LISTED_JS))


def browser_interactions(url: str, dates: tuple[str, str], repeat: int = 3, timeout: float = 300.0) -> dict:
    """Open the page in headless Chromium (a fresh profile), wait until it is drawn and idle, then
    interaction_figures."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver = headless_chromium("--window-size=1280,800")
    try:
        pid = driver.service.process.pid
        driver.get(url)
        WebDriverWait(driver, timeout, poll_frequency=0.05).until(
            lambda d: d.execute_script(MARKERS_JS) > 0 and d.execute_script(SETTLED_JS), "the page never settled"
        )
        return interaction_figures(driver, lambda: tree_cpu_s(pid), dates, repeat)
    except WebDriverException as err:  # a timeout among them: the figure is missing, the bench goes on
        raise RuntimeError(f"browser interactions: {err.msg}") from err
    finally:
        driver.quit()

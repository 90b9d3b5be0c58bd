"""Retake the README's screenshots (a developer's tool, not a test): serve STORE in-process, drive
headless Chromium, write docs/*.png.

    CONFLICTMAP_GAZETTEER=$(mktemp -d) python scripts/screenshots.py STORE [OUT_DIR]

STORE is a copy you may change (the correction shot saves one correction, of one event). Waits
for what each shot shows, then gives plotly a moment to finish its transitions.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from dashboard.app.app import create_app

PORT = 8779
BASE = f"http://127.0.0.1:{PORT}/"
IDLIB = "?place=Idlib%7C35.9306%7C36.6339"
SETTLE_S = 2.0  # plotly's transitions after the last condition holds


def until(d: webdriver.Chrome, script: str, timeout: float = 90) -> None:
    WebDriverWait(d, timeout).until(lambda drv: drv.execute_script(script), script)
    time.sleep(SETTLE_S)


def click(d: webdriver.Chrome, selector: str) -> None:
    until(d, f"return document.querySelector({selector!r}) !== null")
    d.execute_script(f"document.querySelector({selector!r}).click()")


def load(d: webdriver.Chrome, query: str, theme: str, width: int, height: int) -> None:
    d.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )
    d.get(BASE)
    d.execute_script(f"localStorage.setItem('theme', JSON.stringify('{theme}'))")
    d.get(BASE + query)
    until(
        d,
        "return document.querySelectorAll('#map .scattergeo .point').length > 0"
        " && document.querySelectorAll('#excerpts .excerpt').length > 0",
    )


def shots(d: webdriver.Chrome, out: Path) -> None:
    load(d, IDLIB, "light", 1280, 800)
    d.save_screenshot(str(out / "screenshot.png"))
    load(d, IDLIB, "dark", 390, 844)
    d.save_screenshot(str(out / "screenshot-phone-dark.png"))

    load(d, "", "light", 1280, 800)
    click(d, "#excerpts button[data-view='table']")
    click(d, "#excerpts button.sort[data-sort='deaths']")
    until(d, "return document.querySelector('#excerpts th[aria-sort=descending] button[data-sort=deaths]') !== null")
    # The deadliest row and the next one at another point marked together (Ctrl+click): the map fits
    # their places.
    d.execute_script(
        "const rows = Array.from(document.querySelectorAll('#excerpts button.row-pick'));"
        "const at = b => b.dataset.place.split('|').slice(-2).join('|');"
        "const other = rows.find(b => at(b) !== at(rows[0]));"
        "[rows[0], other].forEach(b => b.dispatchEvent(new MouseEvent('click', {bubbles: true, ctrlKey: true})))"
    )
    until(
        d,
        "return document.querySelectorAll('#excerpts tr.marked').length === 2"
        " && document.querySelector('#map .js-plotly-plot').layout.uirevision !== 'map'",
    )
    d.save_screenshot(str(out / "screenshot-table.png"))

    load(d, IDLIB, "light", 1280, 800)
    click(d, "#excerpts button[data-action='read']")
    until(d, "return document.querySelector('#reader:not([hidden]) .reader-text') !== null")
    d.save_screenshot(str(out / "screenshot-reader.png"))

    load(d, IDLIB, "light", 1280, 900)
    click(d, "#excerpts button[data-action='correct']")
    until(d, "return document.querySelector('#correct:not([hidden]) #correct-choice label') !== null")
    search = d.find_element("css selector", "#correct-search")
    search.send_keys("Maarat al-Numan\n")
    until(
        d,
        "return Array.from(document.querySelectorAll('#correct-choice label'))"
        ".some(l => l.textContent.startsWith('found:'))",
    )
    click(d, "#correct-choice input[value^='gaz:']")
    until(d, "return document.querySelector('#correct-preview').textContent.startsWith('Saving moves')")
    click(d, "#correct-save")
    until(d, "return document.querySelector('#correct-log li') !== null")
    click(d, "#correct-scope input[value='article']")
    until(d, "return document.querySelector('#correct-preview').textContent.indexOf('this article') >= 0")
    d.execute_script("document.getElementById('correct').scrollTop = 1000")
    d.save_screenshot(str(out / "screenshot-correct.png"))


def main() -> None:
    store, out = Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "docs")
    out.mkdir(parents=True, exist_ok=True)  # Chromium's save_screenshot fails silently into a missing folder
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", PORT, create_app(store).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    try:
        shots(driver, out)
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()

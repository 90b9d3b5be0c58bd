"""Browser tests: headless Chromium through dash[testing]'s `dash_duo`, offline, as root."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options as ChromeOptions

HERE = Path(__file__).resolve().parent
REPO = Path(__file__).resolve().parents[2]
SEED_ARTICLE = REPO / "data" / "articles" / "000_8dac7f83ad45b776.txt"

CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    # WebGL through SwiftShader: the tile basemap (MapLibre) draws nothing without it.
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
)
CHROME_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def pytest_setup_options():
    """dash[testing] hook: the options every `dash_duo` browser starts with."""
    options = ChromeOptions()
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    return options


def pytest_configure(config):
    # selenium 4.2 calls urllib3's deprecated HTTPResponse.getheader on every WebDriver command.
    config.addinivalue_line("filterwarnings", "ignore:HTTPResponse.getheader:DeprecationWarning")


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: mark only the ones collected from this folder.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _missing_browser_parts() -> list[str]:
    missing = []
    if shutil.which("chromedriver") is None:
        missing.append("chromedriver (not on PATH)")
    chrome = os.environ.get("DASH_TEST_CHROMEPATH")
    if chrome:
        if not Path(chrome).is_file():
            missing.append(f"Chromium at DASH_TEST_CHROMEPATH={chrome}")
    elif not any(shutil.which(name) for name in CHROME_NAMES):
        missing.append(f"Chromium/Chrome (none of {', '.join(CHROME_NAMES)} on PATH)")
    return missing


@pytest.fixture(scope="session", autouse=True)
def _require_browser():
    """Skip the browser tests where there is no browser; in CI a missing browser is a failure."""
    missing = _missing_browser_parts()
    if not missing:
        return
    message = "browser tests need " + " and ".join(missing) + " (e.g. `apt-get install chromium chromium-driver`)"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def _gazetteer_built(_require_browser):
    """The gazetteer index built (or read) before any test: built inside a test's wait (a place
    search, a map pick, an upload; 20 s idle, minutes on a loaded machine) it timed out. Its cache
    folder is this checkout's own (`tests/conftest.py` sets CONFLICTMAP_CACHE for the run)."""
    from dashboard.geo.gazetteer_cache import load_gazetteer

    load_gazetteer()


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, _require_browser) -> Path:
    """An events store built from the seed article only, with the real spaCy pipeline."""
    from dashboard.ingest.run import ingest_paths

    assert SEED_ARTICLE.is_file(), f"seed article missing: {SEED_ARTICLE}"
    store_dir = tmp_path_factory.mktemp("seed_store")
    summary = ingest_paths([SEED_ARTICLE], store_dir)
    assert summary["articles_added"] == 1 and summary["events_added"] > 0, summary
    return store_dir


# A report written for the tests: a country-level event in Syria (the seed's own, an election that
# "will be held", is a scheduled event since `mention.every_type`, a mention not drawn) and a town
# with more events than any of the seed's and no toll (the seed's Moscow had two rows of one summit;
# the second is now the summit told in the future, a mention).
COUNTRYWIDE = {
    "id": "countrywide",
    "title": "Strikes across the country",
    "text": "Government forces shelled the old city of Aleppo on Monday, a monitoring group said. On Tuesday, "
    "rebels attacked army positions in Aleppo. Government air strikes across Syria killed 14 civilians on "
    "Wednesday, the group said.",
    "date": "2020-03-05",
    "source": "Test Wire",
}


@pytest.fixture(scope="session")
def seed_and_countrywide_store(tmp_path_factory, _require_browser) -> Path:
    """The seed article and one report of a country-level event in Syria (COUNTRYWIDE), with the real
    pipeline: a store with towns and a country-level marker near them."""
    import json

    from dashboard.ingest.run import ingest_paths

    folder = tmp_path_factory.mktemp("countrywide")
    extra = folder / "countrywide.jsonl"
    extra.write_text(json.dumps(COUNTRYWIDE) + "\n", encoding="utf-8")
    store_dir = folder / "store"
    summary = ingest_paths([SEED_ARTICLE, extra], store_dir)
    assert summary["articles_added"] == 2 and summary["events_added"] > 0, summary
    return store_dir


def free_port() -> int:
    """A port nobody listens on, so several test runs on one machine never share dash_duo's 8050."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def _dash_duo_on_a_free_port(request):
    """dash_duo serves on 8050 unless told otherwise; give every test a port of its own."""
    if "dash_duo" not in request.fixturenames:
        return
    duo = request.getfixturevalue("dash_duo")
    start = duo.start_server

    def start_on_free_port(app, navigate=True, **kwargs):
        kwargs.setdefault("port", free_port())
        return start(app, navigate, **kwargs)

    duo.start_server = start_on_free_port

"""The side panels in a real (headless) browser: read in context, place correction, upload, themes.

Expected values are read from the store the app serves; places are facts of the seed article.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from query_oracle import with_place_key
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_dashboard import FIRST_RENDER, app_is_settled, marker_element, n_events

from dashboard.app import ids
from dashboard.app.app import create_app
from dashboard.app.upload import PID_FILE, process_alive
from dashboard.corrections import parse_alternatives
from dashboard.overrides import OVERRIDES, read_table
from dashboard.store import EventsStore

TIMEOUT = 20
MAP_GD = "#map .js-plotly-plot"
MAP_POINTS = "#map .scattergeo .point"
TIMELINE_GD = "#timeline .js-plotly-plot"


def stored_events(store_dir: Path) -> pd.DataFrame:
    """The stored rows the dashboard draws: events (mentions — statements, totals… — are not drawn)."""
    from dashboard.export import select_kind

    return with_place_key(select_kind(EventsStore(store_dir).load_events(), "event"))


def wait_until(dash_duo, condition, message: str, timeout: float = TIMEOUT):
    return WebDriverWait(dash_duo.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda _driver: condition(), message
    )


def count(dash_duo, selector: str) -> int:
    return dash_duo.driver.execute_script("return document.querySelectorAll(arguments[0]).length", selector)


def map_keys(dash_duo) -> list[tuple[float, float, str]]:
    return [
        (float(a), float(b), str(k))
        for a, b, k in dash_duo.driver.execute_script(
            """
        const gd = document.querySelector(arguments[0]);
        if (!gd || !gd._fullData) return [];
        // Places and clusters; the basemap's scenery (provinces, town names) is no marker.
        return gd._fullData.filter(t => t.type === 'scattergeo' && !/^(basemap|mix): /.test(String(t.name)))
            .flatMap(t => {
            const lat = Array.from(t.lat || []), lon = Array.from(t.lon || []), cd = Array.from(t.customdata || []);
            return lat.map((v, i) => [v, lon[i], String(cd[i])]);
        });
        """,
            MAP_GD,
        )
    ]


def dated_bars_total(dash_duo) -> int:
    return int(
        dash_duo.driver.execute_script(
            """
        const gd = document.querySelector(arguments[0]);
        if (!gd || !gd._fullData) return -1;
        return gd._fullData.filter(t => t.type === 'bar')
            .reduce((s, t) => s + Array.from(t.y || []).reduce((a, b) => a + Number(b), 0), 0);
        """,
            TIMELINE_GD,
        )
    )


def start_app(dash_duo, store_dir: Path) -> None:
    dash_duo.start_server(create_app(store_dir))
    dash_duo.wait_for_element(MAP_POINTS, timeout=FIRST_RENDER)
    dash_duo.wait_for_element("#excerpts .excerpt", timeout=FIRST_RENDER)


def click(dash_duo, selector: str) -> None:
    """Click the first element matching `selector` once it is there (re-renders replace elements)."""

    def attempt() -> bool:
        els = dash_duo.driver.find_elements(By.CSS_SELECTOR, selector)
        if not els:
            return False
        try:
            els[0].click()
        except ElementClickInterceptedException:
            ActionChains(dash_duo.driver).move_to_element(els[0]).click().perform()
        return True

    wait_until(dash_duo, attempt, f"nothing to click at {selector}")


def excerpt_button(event_id: str, action: str) -> str:
    """An excerpt's button by what it does ("read", "correct", "pick") and its event (its data-*
    attributes: the buttons carry no id)."""
    return f'#excerpts button[data-action="{action}"][data-event="{event_id}"]'


# -- read in context ----------------------------------------------------------------------------


def test_read_in_context_highlights_every_event_and_a_highlight_selects_it(dash_duo, seed_store):
    events = stored_events(seed_store)
    moscow = events[events["place_key"].str.startswith("Moscow|")].iloc[0]
    article = events[events["article_id"] == moscow["article_id"]]
    idlib = article[article["place_key"].str.startswith("Idlib|")]
    assert len(idlib), "the seed article no longer has an Idlib event"
    start_app(dash_duo, seed_store)
    assert count(dash_duo, "#reader:not([hidden])") == 0

    click(dash_duo, excerpt_button(moscow["event_id"], "read"))

    dash_duo.wait_for_element("#reader:not([hidden]) .reader-text", timeout=TIMEOUT)
    dash_duo.wait_for_text_to_equal("#reader-title", moscow["title"], timeout=TIMEOUT)
    text = EventsStore(seed_store).load_article(moscow["article_id"])["text"]
    assert dash_duo.find_element("#reader .reader-text").text.split() == text.split()
    spans = {(int(s), int(e)) for s, e in zip(article["toponym_start"], article["toponym_end"], strict=True)}
    assert count(dash_duo, "#reader button.hl-event") == len(spans)
    current = dash_duo.find_element("#reader button.hl-event.current")
    assert current.text == moscow["toponym"]
    assert count(dash_duo, "#excerpts:not([style*='none'])") == 1
    assert not dash_duo.find_element("#excerpts").is_displayed(), "the reader takes the excerpts' place"

    target = idlib.iloc[0]
    at_target = events[events["place_key"] == target["place_key"]]
    click(dash_duo, f'#reader button.hl-event[id*=\'"index":"{target["event_id"]}"\']')

    dash_duo.wait_for_contains_text(
        "#summary", f"{n_events(at_target)} of {n_events(events)} events · Idlib", timeout=TIMEOUT
    )
    wait_until(
        dash_duo,
        lambda: dated_bars_total(dash_duo) == int(at_target["event_date"].notna().sum()),
        "the timeline did not narrow to Idlib",
    )
    dash_duo.wait_for_text_to_equal("#reader button.hl-event.current", target["toponym"], timeout=TIMEOUT)

    # Keyboard: Escape closes the reader and the excerpts come back.
    dash_duo.find_element("#reader-body").send_keys(Keys.ESCAPE)
    wait_until(dash_duo, lambda: count(dash_duo, "#reader[hidden]") == 1, "Escape did not close the reader")
    wait_until(dash_duo, lambda: dash_duo.find_element("#excerpts").is_displayed(), "the excerpts did not come back")
    assert dash_duo.get_logs() == []


# -- ranked alternatives and correction ---------------------------------------------------------


@pytest.fixture
def own_seed_store(seed_store, tmp_path) -> Path:
    """A copy of the seed store a test may change."""
    return Path(shutil.copytree(seed_store, tmp_path / "store"))


def test_choosing_an_alternative_moves_the_marker_and_records_the_override(
    dash_duo, own_seed_store, tmp_path, monkeypatch
):
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "gazetteer"))
    events = stored_events(own_seed_store)
    idlib = events[events["toponym"] == "Idlib"]
    row = idlib.iloc[0]
    alts = parse_alternatives(row["alternatives"])
    other = next(
        (i, a)
        for i, a in enumerate(alts)
        if abs(a.lat - row["latitude"]) > 0.01 or abs(a.lon - row["longitude"]) > 0.01
    )
    start_app(dash_duo, own_seed_store)
    assert any(
        abs(lat - row["latitude"]) < 1e-3 and abs(lon - row["longitude"]) < 1e-3 for lat, lon, _ in map_keys(dash_duo)
    )

    click(dash_duo, excerpt_button(row["event_id"], "correct"))

    dash_duo.wait_for_text_to_equal("#correct-title", "Where is “Idlib”?", timeout=TIMEOUT)
    labels = [el.text for el in dash_duo.find_elements("#correct-choice label")]
    assert len(labels) == len(alts) and sum(label.endswith("current") for label in labels) == 1
    click(dash_duo, f"#correct-choice input[value='alt:{other[0]}']")
    # This event only, unless another scope is chosen; the count comes before the save.
    dash_duo.wait_for_contains_text("#correct-preview", "Saving moves 1 event (this event)", timeout=TIMEOUT)
    click(dash_duo, f"#{ids.CORRECT_SCOPE} input[value='all']")
    dash_duo.wait_for_contains_text("#correct-preview", f"Saving moves {n_events(idlib)} event", timeout=TIMEOUT)
    assert "every article that names it" in dash_duo.find_element("#correct-preview").text
    click(dash_duo, "#correct-save")

    dash_duo.wait_for_contains_text("#correct-status", "Saved", timeout=TIMEOUT)
    moved = other[1]
    wait_until(
        dash_duo,
        lambda: any(abs(lat - moved.lat) < 1e-3 and abs(lon - moved.lon) < 1e-3 for lat, lon, _ in map_keys(dash_duo)),
        "no marker at the chosen place",
    )
    wait_until(
        dash_duo,
        lambda: (
            not any(
                abs(lat - row["latitude"]) < 1e-3 and abs(lon - row["longitude"]) < 1e-3
                for lat, lon, _ in map_keys(dash_duo)
            )
        ),
        "a marker is still at the old place",
    )
    after = stored_events(own_seed_store)
    assert (after[after["toponym"] == "Idlib"]["latitude"] - moved.lat).abs().max() < 1e-6
    assert len(after) == len(events)
    assert read_table(tmp_path / "gazetteer" / OVERRIDES)[0]["name"] == "Idlib"
    # The selection followed the moved marker: the summary still names the place, with every Idlib event.
    dash_duo.wait_for_contains_text(
        "#summary", f"{n_events(idlib)} of {n_events(events)} events · Idlib", timeout=TIMEOUT
    )
    dash_duo.wait_for_contains_text("#correct-choice", "current", timeout=TIMEOUT)

    # The log lists the correction; its undo puts every event and the override table back.
    dash_duo.wait_for_contains_text("#correct-log", "“Idlib” → Idlib", timeout=TIMEOUT)
    click(dash_duo, "#correct-log button[data-undo]")
    dash_duo.wait_for_contains_text("#correct-status", "Undone", timeout=TIMEOUT)
    wait_until(
        dash_duo,
        lambda: any(
            abs(lat - row["latitude"]) < 1e-3 and abs(lon - row["longitude"]) < 1e-3
            for lat, lon, _ in map_keys(dash_duo)
        ),
        "the marker is not back",
    )
    back = stored_events(own_seed_store)
    assert (back[back["toponym"] == "Idlib"]["latitude"] - row["latitude"]).abs().max() < 1e-6
    assert read_table(tmp_path / "gazetteer" / OVERRIDES) == []
    dash_duo.wait_for_contains_text("#correct-log", "undone", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_any_place_found_by_name_corrects_this_event_only(dash_duo, own_seed_store, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "gazetteer"))
    events = stored_events(own_seed_store)
    idlib = events[events["toponym"] == "Idlib"]
    row = idlib.iloc[0]
    start_app(dash_duo, own_seed_store)
    click(dash_duo, excerpt_button(row["event_id"], "correct"))
    dash_duo.wait_for_text_to_equal("#correct-title", "Where is “Idlib”?", timeout=TIMEOUT)

    # A place of another country, which no ranked alternative offers.
    dash_duo.find_element(f"#{ids.CORRECT_SEARCH}").send_keys("Buenos Aires\n")
    wait_until(
        dash_duo,
        lambda: any(
            "found: Buenos Aires" in el.text and "Argentina" in el.text
            for el in dash_duo.find_elements("#correct-choice label")
        ),
        "the search does not offer Buenos Aires, Argentina",
    )
    found = next(
        el
        for el in dash_duo.find_elements("#correct-choice label")
        if "found: Buenos Aires" in el.text and "Argentina" in el.text
    )
    found.find_element(By.CSS_SELECTOR, "input").click()
    dash_duo.wait_for_contains_text(
        "#correct-preview", "Saving moves 1 event (this event) to Buenos Aires", timeout=TIMEOUT
    )
    click(dash_duo, "#correct-save")
    dash_duo.wait_for_contains_text("#correct-status", "Saved", timeout=TIMEOUT)

    after = stored_events(own_seed_store).set_index("event_id")
    assert after.loc[row["event_id"], "country_code"] == "AR"
    others = idlib[idlib["event_id"] != row["event_id"]]["event_id"]
    assert (after.loc[others, "country_code"] == "SY").all(), "another event naming Idlib moved"
    assert read_table(tmp_path / "gazetteer" / OVERRIDES) == [], "one event's fix is no rule for later ingests"
    assert dash_duo.get_logs() == []


def test_a_point_picked_on_the_map_corrects_the_event(dash_duo, own_seed_store, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "gazetteer"))
    events = stored_events(own_seed_store)
    row = events[events["toponym"] == "Idlib"].iloc[0]
    sochi = events[events["location"] == "Sochi"].iloc[0]
    start_app(dash_duo, own_seed_store)
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled after loading")
    click(dash_duo, excerpt_button(row["event_id"], "correct"))
    dash_duo.wait_for_text_to_equal("#correct-title", "Where is “Idlib”?", timeout=TIMEOUT)

    # Pick mode, then a click on the map where Sochi's marker is: the click picks that point
    # (it does not select Sochi: the dialog stays on this event).
    click(dash_duo, f"#{ids.CORRECT_PICK}")
    wait_until(
        dash_duo,
        lambda: dash_duo.find_element(f"#{ids.CORRECT_PICK}").get_attribute("aria-pressed") == "true",
        "the pick button does not say it is picking",
    )
    ActionChains(dash_duo.driver).move_to_element(marker_element(dash_duo, sochi["place_key"])).click().perform()
    # The first pick loads the gazetteer (for the country of the nearest town): seconds on a busy machine.
    picked = wait_until(
        dash_duo,
        lambda: next(
            (el.text for el in dash_duo.find_elements("#correct-choice label") if "picked on the map" in el.text), None
        ),
        "no picked point among the choices",
        timeout=120,
    )
    lat, lon = (float(v) for v in picked.split(": ", 1)[1].split(" — ")[0].split(", "))
    # A pixel of this map is a few hundredths of a degree.
    assert abs(lat - sochi["latitude"]) < 0.15 and abs(lon - sochi["longitude"]) < 0.15, picked
    assert "Russia" in picked, f"the country of the nearest town is not given: {picked}"
    assert dash_duo.find_element(f"#{ids.CORRECT_PICK}").get_attribute("aria-pressed") == "false"
    assert dash_duo.find_element("#correct-choice input[value^='pt:']").is_selected()
    dash_duo.wait_for_contains_text("#correct-preview", "Saving moves 1 event (this event) to Idlib", timeout=TIMEOUT)
    assert "Russia" in dash_duo.find_element("#correct-preview").text
    assert dash_duo.find_element("#correct-title").text == "Where is “Idlib”?"
    click(dash_duo, "#correct-save")
    dash_duo.wait_for_contains_text("#correct-status", "Saved", timeout=TIMEOUT)

    moved = stored_events(own_seed_store).set_index("event_id").loc[row["event_id"]]
    assert abs(moved["latitude"] - lat) < 1e-4 and abs(moved["longitude"] - lon) < 1e-4
    assert (moved["location"], moved["country_code"], moved["geo_precision"]) == ("Idlib", "RU", 1)
    assert read_table(tmp_path / "gazetteer" / OVERRIDES) == [], "one event's fix is no rule for later ingests"
    assert dash_duo.get_logs() == []


# -- upload from the page -----------------------------------------------------------------------

KABUL = (34.53, 69.17)
KABUL_ARTICLE = """Blast in Kabul

A suicide bomber killed 12 people at a market in Kabul on Monday, March 2, 2020, police said.
Officials in Kabul said the attack wounded 20 others.
"""


def test_an_upload_is_reviewed_then_discarded_or_stored_with_its_outlet_link_and_date(
    dash_duo, own_seed_store, tmp_path, monkeypatch
):
    # The ingest runs in a child process: it inherits this environment (no user gazetteer folder).
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "gazetteer"))
    good = tmp_path / "kabul.txt"
    good.write_text(KABUL_ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    before = len(stored_events(own_seed_store))
    generation = EventsStore(own_seed_store).manifest()["generation"]
    start_app(dash_duo, own_seed_store)
    assert not [k for lat, lon, k in map_keys(dash_duo) if abs(lat - KABUL[0]) < 0.5 and abs(lon - KABUL[1]) < 0.5]

    def upload_and_review() -> None:
        # A multiple file input adds what send_keys gives to what it holds: empty it first.
        dash_duo.driver.execute_script("document.querySelector('#upload input[type=file]').value = ''")
        dash_duo.find_element("#upload input[type=file]").send_keys(f"{good}\n{empty}")
        dash_duo.wait_for_contains_text("#upload-status", "Nothing is stored yet", timeout=120)
        assert "in 1 article(s)" in dash_duo.find_element("#upload-status").text
        assert "Kabul" in dash_duo.find_element("#upload-status .upload-review").text
        problems = [el.text for el in dash_duo.find_elements("#upload-status .upload-problems li")]
        assert len(problems) == 1 and problems[0].startswith("empty.txt: "), problems
        assert EventsStore(own_seed_store).manifest()["generation"] == generation, "stored before the review"

    upload_and_review()
    click(dash_duo, "#upload-status button[data-upload='discard']")
    dash_duo.wait_for_contains_text("#upload-status", "Discarded: nothing was stored", timeout=TIMEOUT)
    assert EventsStore(own_seed_store).manifest()["generation"] == generation
    assert not list((own_seed_store / "inbox").glob("*/review")), "the discarded review store was kept"

    # Outlet, link and date for the next upload's files.
    dash_duo.find_element(".upload-meta summary").click()
    dash_duo.find_element(f"#{ids.UPLOAD_SOURCE}").send_keys("Kabul Evening Post")
    dash_duo.find_element(f"#{ids.UPLOAD_URL}").send_keys("https://example.org/kabul-blast")
    dash_duo.find_element(f"#{ids.UPLOAD_PUBLISHED}").send_keys("2020-03-03")
    upload_and_review()
    click(dash_duo, "#upload-status button[data-upload='keep']")
    dash_duo.wait_for_contains_text("#upload-status", "Added 1 article(s)", timeout=TIMEOUT)
    wait_until(
        dash_duo,
        lambda: [k for lat, lon, k in map_keys(dash_duo) if abs(lat - KABUL[0]) < 0.5 and abs(lon - KABUL[1]) < 0.5],
        "no Kabul marker after the upload",
    )
    after = stored_events(own_seed_store)
    assert len(after) > before
    kabul = after[after["source"] == "Kabul Evening Post"]
    assert len(kabul) and (kabul["url"] == "https://example.org/kabul-blast").all()
    assert (kabul["published"].dt.strftime("%Y-%m-%d") == "2020-03-03").all()
    dash_duo.wait_for_contains_text("#summary", f"{n_events(after)} of {n_events(after)} events", timeout=TIMEOUT)
    # Ingested, the uploaded files are deleted; the job's status and log stay.
    assert not list((own_seed_store / "inbox").glob("*/[0-9][0-9][0-9]-*")), "an uploaded file was kept"
    assert list((own_seed_store / "inbox").glob("*/status.json"))
    dash_duo.find_element("#upload-dismiss").click()
    wait_until(dash_duo, lambda: count(dash_duo, "#upload-status[hidden]") == 1, "the report cannot be dismissed")
    # The ingest processes end (and their reaper threads with them) before the server stops: dash_duo
    # stops it by raising SystemExit in every thread the test started, a reaper's wait included.
    pids = [int(p.read_text()) for p in (own_seed_store / "inbox").glob(f"*/{PID_FILE}")]
    wait_until(
        dash_duo, lambda: pids and not any(process_alive(pid) for pid in pids), "an ingest never ended", timeout=120
    )
    assert dash_duo.get_logs() == []


def test_a_file_of_the_wrong_kind_is_refused_with_its_reason(dash_duo, own_seed_store, tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4 not an article")
    start_app(dash_duo, own_seed_store)
    generation = EventsStore(own_seed_store).manifest()["generation"]

    dash_duo.find_element("#upload input[type=file]").send_keys(str(pdf))

    dash_duo.wait_for_contains_text("#upload-status", "paper.pdf: not an article file", timeout=TIMEOUT)
    assert "Upload failed" in dash_duo.find_element("#upload-status").text
    assert EventsStore(own_seed_store).manifest()["generation"] == generation
    assert dash_duo.get_logs() == []


# -- themes and keyboard (the phone layout: test_reading.py) ----------------------------------


def computed(dash_duo, selector: str, prop: str) -> str:
    return dash_duo.driver.execute_script(
        "const el = document.querySelector(arguments[0]);"
        "return el ? getComputedStyle(el).getPropertyValue(arguments[1]) : null;",
        selector,
        prop,
    )


def focused_in(dash_duo, target: str) -> bool:
    """Whether the focus is on or inside `target`: an element id, or a CSS selector when it starts with '#'."""
    selector = target if target.startswith("#") else f"#{target}"
    return bool(
        dash_duo.driver.execute_script(
            "const a = document.activeElement, el = document.querySelector(arguments[0]);"
            "return Boolean(a && el && a !== document.body && el.contains(a));",
            selector,
        )
    )


def tab_to(dash_duo, target: str, limit: int = 60) -> None:
    """Press Tab from the top of the page until the focus is on (or inside) `target` (as focused_in),
    like a keyboard user."""
    dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur()")
    actions = ActionChains(dash_duo.driver)
    for _ in range(limit):
        actions.send_keys(Keys.TAB).perform()
        if focused_in(dash_duo, target):
            return
    raise AssertionError(f"{target} is not reachable with Tab")


def test_dark_theme_by_keyboard_restyles_page_and_figures_and_is_remembered(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    dash_duo.wait_for_element(".geo .land path", timeout=TIMEOUT)
    light = {
        sel: computed(dash_duo, sel, prop)
        for sel, prop in (
            ("body", "background-color"),
            ("#map .geo .land path", "fill"),
            ("#excerpts", "background-color"),
            (".dash-dropdown", "background-color"),
        )
    }

    tab_to(dash_duo, "theme-toggle")
    assert computed(dash_duo, "#theme-toggle", "outline-style") not in (None, "none"), "no visible focus"
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()

    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script("return document.documentElement.dataset.theme") == "dark",
        "the theme did not switch",
    )
    dash_duo.wait_for_text_to_equal("#theme-toggle", "☀ Light", timeout=TIMEOUT)
    assert dash_duo.find_element("#theme-toggle").get_attribute("aria-pressed") == "true"
    for sel, prop in (
        ("body", "background-color"),
        ("#map .geo .land path", "fill"),
        ("#excerpts", "background-color"),
        (".dash-dropdown", "background-color"),
    ):
        assert computed(dash_duo, sel, prop) != light[sel], f"{sel} {prop} kept its light colour"
    assert computed(dash_duo, "body", "background-color") == "rgb(21, 23, 26)"

    dash_duo.driver.refresh()
    dash_duo.wait_for_element(MAP_POINTS, timeout=TIMEOUT)
    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script("return document.documentElement.dataset.theme") == "dark",
        "the dark theme was not remembered",
    )
    dash_duo.find_element("#theme-toggle").click()
    wait_until(
        dash_duo, lambda: computed(dash_duo, "body", "background-color") == light["body"], "back to light failed"
    )
    assert dash_duo.get_logs() == []


def test_panels_controls_are_reachable_with_the_keyboard(dash_duo, seed_store):
    events = stored_events(seed_store)
    first = events.iloc[0]
    start_app(dash_duo, seed_store)
    for element_id in ("reset-selection", "upload", "theme-toggle"):
        tab_to(dash_duo, element_id)
        assert (
            dash_duo.driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle") != "none"
        ), f"#{element_id}: no focus ring"
    # The excerpt's Read in context button, by keyboard: Tab to it and press Enter.
    button = excerpt_button(first["event_id"], "read")
    dash_duo.wait_for_element(button, timeout=TIMEOUT)
    tab_to(dash_duo, button, limit=200)
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    dash_duo.wait_for_element("#reader:not([hidden]) button.hl-event", timeout=TIMEOUT)
    tab_to(dash_duo, "reader-close", limit=200)
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    wait_until(dash_duo, lambda: count(dash_duo, "#reader[hidden]") == 1, "Enter on Close did not close the reader")
    wait_until(dash_duo, lambda: focused_in(dash_duo, button), "the focus did not go back to Read in context")
    assert dash_duo.get_logs() == []


def test_the_first_tab_stops_skip_to_the_map_and_to_the_sentences(dash_duo, seed_store):
    """A keyboard user reached the sentences after the top bar's and the filters' two dozen stops;
    the page's first two stops now skip there, shown on the screen while focused."""
    start_app(dash_duo, seed_store)
    dash_duo.wait_for_element("#excerpts article", timeout=TIMEOUT)
    shown = "const r = document.activeElement.getBoundingClientRect(); return [r.left, r.top, r.width, innerWidth];"
    dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur()")
    keys = ActionChains(dash_duo.driver)
    keys.send_keys(Keys.TAB).perform()
    assert dash_duo.driver.execute_script("return document.activeElement.textContent") == "Skip to the map"
    left, top, width, screen = dash_duo.driver.execute_script(shown)
    assert 0 <= left and left + width <= screen and 0 <= top < 60, "the focused skip link is not on the screen"
    keys.send_keys(Keys.TAB).perform()
    assert dash_duo.driver.execute_script("return document.activeElement.textContent") == "Skip to the sentences"
    keys.send_keys(Keys.ENTER).perform()
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script("return location.hash") == "#excerpts", "no jump")
    # The next Tab lands in the sentences, not back in the top bar.
    keys.send_keys(Keys.TAB).perform()
    assert focused_in(dash_duo, "excerpts"), dash_duo.driver.execute_script("return document.activeElement.outerHTML")
    dash_duo.driver.execute_script("document.activeElement.blur()")
    skip = dash_duo.driver.execute_script("return document.querySelector('.skip-link').getBoundingClientRect().right")
    assert skip <= 0, "an unfocused skip link shows"
    assert dash_duo.get_logs() == []


def test_the_upload_s_file_field_has_a_name(dash_duo, seed_store):
    """dcc.Upload draws a file field with no label: a screen reader announced it as "file, button"."""
    start_app(dash_duo, seed_store)
    label = (
        "const f = document.querySelector('#upload input[type=\\'file\\']'); return f && f.getAttribute('aria-label');"
    )
    got = wait_until(dash_duo, lambda: dash_duo.driver.execute_script(label), "the file field has no name")
    assert got.startswith("Add articles")
    assert dash_duo.get_logs() == []

"""The dashboard's core interactions in a real (headless) browser: filters, brushing both ways,
playback, permalink and export. Expected values are computed from the store the app serves."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pandas as pd
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_dashboard import (
    FIRST_RENDER,
    IS_MARKER_JS,
    MAP_GD,
    MAP_POINTS,
    SENTENCES,
    TIMELINE_GD,
    TIMEOUT,
    app_is_settled,
    click_marker,
    dated,
    drag_timeline,
    event_deaths,
    map_points,
    n_events,
    start_app,
    stored_events,
    timeline_bars,
    tolled_events,
    wait_until,
)

from dashboard import schema as S
from dashboard.app.query import counts_line


def sentence_texts(dash_duo) -> list[str]:
    """The listed sentences, read in one script (a list re-rendered meanwhile cannot go stale)."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", SENTENCES
    )


def keys_on_map(dash_duo) -> list[str]:
    return sorted(p.key for p in map_points(dash_duo))


def page_query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def choose_option(dash_duo, dropdown_id: str, label: str) -> None:
    """Open a dropdown like a user and click one of its options."""
    dash_duo.find_element(f"#{dropdown_id}").click()

    def pick() -> bool:
        for el in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role='option']"):
            if el.text.strip() == label:
                el.click()
                return True
        return False

    WebDriverWait(dash_duo.driver, TIMEOUT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda _d: pick(), f"no option {label!r} in #{dropdown_id}"
    )
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    dash_duo.wait_for_contains_text(f"#{dropdown_id}-value", label, timeout=TIMEOUT)


def background_total(dash_duo) -> float:
    """The sum of the timeline's grey 'all places' step area (the totals a selected place is drawn over)."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0]);
        const t = (gd._fullData || []).find(t => t.type === 'scatter' && t.name === 'all places');
        return t ? Array.from(t.y).reduce((a, b) => a + Number(b), 0) : null;
        """,
        TIMELINE_GD,
    )


def test_a_filter_change_narrows_every_view_and_the_counts(dash_duo, seed_store):
    events = stored_events(seed_store)
    start_app(dash_duo, seed_store)
    n = n_events(events)
    tolled = tolled_events(events)
    assert 0 < tolled < n, "the seed has events with a toll and events without"
    want = counts_line(n, events["place_key"].nunique(), *event_deaths(events), tolled, n)
    assert want.endswith(f" deaths · tolls known for {tolled} of {n} events")
    dash_duo.wait_for_text_to_equal("#counts", want, timeout=TIMEOUT)

    # The timeline's measure: deaths instead of events (one toll per event).
    deaths = event_deaths(events[events["event_date"].notna()])[0]
    assert 0 < deaths != dated(events)
    dash_duo.find_element("#measure input[value='deaths']").click()
    wait_until(dash_duo, lambda: sum(timeline_bars(dash_duo).values()) == deaths, "the timeline does not show deaths")
    dash_duo.find_element("#measure input[value='events']").click()

    choose_option(dash_duo, "filter-types", "Diplomacy")
    diplomacy = events[events["event_type"] == "Diplomacy"]
    assert 0 < len(diplomacy) < len(events)
    wait_until(
        dash_duo,
        lambda: keys_on_map(dash_duo) == sorted(set(diplomacy["place_key"])),
        "the map does not show exactly the Diplomacy places",
    )
    wait_until(
        dash_duo,
        lambda: sum(timeline_bars(dash_duo).values()) == dated(diplomacy),
        "the timeline does not count the Diplomacy events",
    )
    # The list is drawn by its own clientside callback after the answer that redrew the map: wait for it too.
    wait_until(dash_duo, lambda: len(sentence_texts(dash_duo)) == len(diplomacy), "the list does not show Diplomacy")
    dash_duo.wait_for_contains_text("#counts", f"{n_events(diplomacy)} of {n_events(events)} events", timeout=TIMEOUT)

    # The search box is a real input: type and press Enter. Literal, case-insensitive.
    box = dash_duo.find_element("#filter-text")
    box.send_keys("MOSCOW", Keys.ENTER)
    found = diplomacy[diplomacy["excerpt"].str.contains("moscow", case=False, regex=False)]
    assert 0 < len(found) < len(diplomacy)
    wait_until(dash_duo, lambda: len(sentence_texts(dash_duo)) == len(found), "the search did not narrow the excerpts")
    assert all("moscow" in t.lower() for t in sentence_texts(dash_duo))
    wait_until(dash_duo, lambda: page_query(dash_duo).get("q") == ["MOSCOW"], "the URL does not carry the search")

    dash_duo.find_element("#clear-filters").click()
    wait_until(dash_duo, lambda: len(sentence_texts(dash_duo)) == len(events), "Clear filters kept a filter")
    assert dash_duo.find_element("#filter-text").get_attribute("value") == ""
    assert dash_duo.get_logs() == []


def test_typing_outruns_the_search_box_caret_restore(dash_duo, seed_store):
    """dcc.Input (debounce) puts the caret back after each keystroke from a timer; on a loaded
    machine the next keystroke came first and the late restore sent the rest of the word before it
    ("MOSCOW" searched as "MSCOWO"). Here the late restore of the first keystroke is made by hand,
    between two keystrokes, as the busy browser ran it: the typed word must stay whole."""
    start_app(dash_duo, seed_store)
    box = dash_duo.find_element("#filter-text")
    box.send_keys("MO")
    dash_duo.driver.execute_script("arguments[0].setSelectionRange(1, 1)", box)
    box.send_keys("SCOW", Keys.ENTER)
    assert box.get_attribute("value") == "MOSCOW"
    wait_until(dash_duo, lambda: page_query(dash_duo).get("q") == ["MOSCOW"], "the URL does not carry the search")
    assert dash_duo.get_logs() == []


def box_select(dash_duo, keys: list[str], tool: str = "select") -> None:
    """Choose the box ("select") or "lasso" tool in the map's mode bar and drag around the given markers."""
    dash_duo.find_element(f"#map .modebar-btn[data-val='{tool}']").click()
    rects = dash_duo.driver.execute_script(
        """
        return Array.from(document.querySelectorAll(arguments[0])).filter(__IS_MARKER__)
            .filter(p => arguments[1].includes(String((p.__data__ || {}).data)))
            .map(p => { const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; });
        """.replace("__IS_MARKER__", IS_MARKER_JS),
        MAP_POINTS,
        keys,
    )
    assert len(rects) == len(keys), rects
    x0, x1 = min(x for x, _ in rects) - 12, max(x for x, _ in rects) + 12
    y0, y1 = min(y for _, y in rects) - 12, max(y for _, y in rects) + 12
    # A box needs its two corners; a lasso goes round the four (plotly draws from the moves in between).
    corners = [(x1, y1)] if tool == "select" else [(x1, y0), (x1, y1), (x0, y1), (x0, y0 + 2)]
    drag = ActionBuilder(dash_duo.driver)
    drag.pointer_action.move_to_location(int(x0), int(y0))
    drag.pointer_action.pointer_down()
    here = (x0, y0)
    for corner in corners:
        for k in range(1, 6):
            drag.pointer_action.move_to_location(
                int(here[0] + (corner[0] - here[0]) * k / 5), int(here[1] + (corner[1] - here[1]) * k / 5)
            )
        here = corner
    drag.pointer_action.pointer_up()
    drag.perform()


@pytest.mark.parametrize("tool", ["select", "lasso"])
def test_a_box_or_lasso_on_the_map_filters_the_timeline_and_the_list(dash_duo, seed_and_countrywide_store, tool):
    events = stored_events(seed_and_countrywide_store)
    points = start_app(dash_duo, seed_and_countrywide_store)
    # The markers around Turkey and Syria (not Moscow or Sochi, further north).
    chosen = sorted(p.key for p in points if 33 <= p.lat <= 41 and 30 <= p.lon <= 40)
    assert 1 < len(chosen) < len(points), points
    inside = events[events["place_key"].isin(chosen)]

    box_select(dash_duo, chosen, tool)

    wait_until(dash_duo, lambda: keys_on_map(dash_duo) == chosen, "the map did not narrow to the boxed places")
    wait_until(
        dash_duo,
        lambda: sum(timeline_bars(dash_duo).values()) == dated(inside),
        "the timeline does not count the boxed places' events",
    )
    wait_until(dash_duo, lambda: len(sentence_texts(dash_duo)) == len(inside), "the list does not follow the box")
    dash_duo.wait_for_contains_text(
        "#counts", f"{n_events(inside)} of {n_events(events)} events · {len(chosen)} places", timeout=TIMEOUT
    )
    # The link is written by its own callback, beside the one that redraws the views: wait for it too.
    wait_until(dash_duo, lambda: sorted(page_query(dash_duo).get("area", [])) == chosen, "the link lacks the area")

    # A place selected inside the area is highlighted over the area's totals, not only filtered.
    # (Not Idlib: the two Idlib markers, city and province, overlap and a click picks the nearest.)
    other = next(k for k in chosen if not k.startswith("Idlib"))
    click_marker(dash_duo, other.split("|")[0] + "|")
    at_other = inside[inside["place_key"] == other]
    wait_until(
        dash_duo,
        lambda: sum(timeline_bars(dash_duo).values()) == dated(at_other) > 0,
        f"the timeline bars are not {other}'s",
    )
    wait_until(
        dash_duo,
        lambda: background_total(dash_duo) == dated(inside),
        f"the totals of the area are not drawn behind {other}'s bars",
    )

    if tool == "select":
        dash_duo.find_element("#reset-selection").click()
        wait_until(dash_duo, lambda: len(keys_on_map(dash_duo)) == len(points), "Clear selection kept the map area")
    else:
        # A double-click on the map lets the area go, as on the timeline.
        ActionChains(dash_duo.driver).move_to_element(
            dash_duo.find_element("#map .geo .layer.bg rect")
        ).double_click().perform()
        wait_until(dash_duo, lambda: len(keys_on_map(dash_duo)) == len(points), "a double-click kept the map area")
        wait_until(dash_duo, lambda: "area" not in page_query(dash_duo), "the link kept the area")
        # The area is a filter: "Clear filters" lets it go too.
        box_select(dash_duo, chosen, tool)
        wait_until(dash_duo, lambda: keys_on_map(dash_duo) == chosen, "the second lasso did not narrow the map")
        dash_duo.find_element("#clear-filters").click()
        wait_until(dash_duo, lambda: len(keys_on_map(dash_duo)) == len(points), "Clear filters kept the map area")
        wait_until(dash_duo, lambda: "area" not in page_query(dash_duo), "Clear filters left the area in the link")
    assert dash_duo.get_logs() == []


def test_the_timeline_brush_filters_the_map_list_and_counts(dash_duo, seed_store):
    events = stored_events(seed_store)
    start_app(dash_duo, seed_store)
    in_2018 = events[events["event_date"].dt.year == 2018]
    assert len(in_2018) and in_2018["place_key"].nunique() < events["place_key"].nunique()

    drag_timeline(dash_duo, "2018-01-01", "2018-12-31 23:59")

    wait_until(
        dash_duo, lambda: keys_on_map(dash_duo) == sorted(set(in_2018["place_key"])), "the map did not narrow to 2018"
    )
    wait_until(dash_duo, lambda: len(sentence_texts(dash_duo)) == len(in_2018), "the list did not narrow to 2018")
    dash_duo.wait_for_contains_text("#counts", f"{n_events(in_2018)} of {n_events(events)} events", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: page_query(dash_duo).get("from") == ["2018-01-01"], "the URL lacks the range")
    assert dash_duo.get_logs() == []


def test_playback_steps_the_window_to_the_end_and_stops(dash_duo, seed_store):
    events = stored_events(seed_store)
    start_app(dash_duo, seed_store)
    lo, hi = events["event_date"].min(), events["event_date"].max()
    for cid, value in (("play-window", "400"), ("play-step", "400")):
        box = dash_duo.find_element(f"#{cid}")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(value, Keys.TAB)

    seen: list[str] = []

    def summary_seen(text: str) -> bool:
        now = dash_duo.find_element("#summary").text
        if not seen or seen[-1] != now:
            seen.append(now)
        return text in now

    history_before = dash_duo.driver.execute_script("return window.history.length")
    dash_duo.find_element("#play").click()
    first_end = lo + pd.Timedelta(days=399)
    WebDriverWait(dash_duo.driver, TIMEOUT, poll_frequency=0.1).until(
        lambda _d: summary_seen(f"{lo:%Y-%m-%d} → {first_end:%Y-%m-%d}"), f"no first window: {seen}"
    )
    WebDriverWait(dash_duo.driver, 3 * TIMEOUT, poll_frequency=0.1).until(
        lambda _d: summary_seen(f"→ {hi:%Y-%m-%d}"), f"playback never reached the end: {seen}"
    )
    dash_duo.wait_for_text_to_equal("#play", "▶ Play", timeout=TIMEOUT)

    # Stopped at the last window: map and list show exactly its events. The link is written when
    # playback stops, in an answer after the Play label's: wait for it before reading it.
    wait_until(dash_duo, lambda: "from" in page_query(dash_duo), "the stopped window is not in the link")
    last_start = pd.Timestamp(page_query(dash_duo)["from"][0])
    last = events[(events["event_date"] >= last_start) & (events["event_date"] <= hi)]
    assert 0 < len(last) < len(events)
    wait_until(
        dash_duo,
        lambda: keys_on_map(dash_duo) == sorted(set(last["place_key"])),
        "the map does not follow the playback window",
    )
    wait_until(dash_duo, lambda: len(sentence_texts(dash_duo)) == len(last), "the list does not follow playback")
    windows = [s for s in seen if "→" in s]
    assert len(windows) >= 2 and windows[0] != windows[-1], f"the window never advanced: {seen}"
    # Steps are not history entries: Back after playback goes to the page before it, not to a step.
    assert dash_duo.driver.execute_script("return window.history.length") <= history_before + 1
    assert dash_duo.get_logs() == []


def test_a_permalink_restores_filters_window_place_and_map_view(dash_duo, seed_store):
    events = stored_events(seed_store)
    moscow = next(k for k in events["place_key"] if k.startswith("Moscow|"))
    state = {
        "type": "Diplomacy",
        "from": "2020-03-04",
        "to": "2020-03-05 23:59:59",
        "place": moscow,
        "lon": "37.5",
        "lat": "50",
        "scale": "3",
    }
    expected = events[
        (events["event_type"] == "Diplomacy")
        & (events["place_key"] == moscow)
        & events["event_date"].between("2020-03-04", "2020-03-05 23:59:59")
    ]
    assert len(expected)
    state["event"] = expected["event_id"].iloc[0]

    dash_duo.start_server(__import__("dashboard.app.app", fromlist=["create_app"]).create_app(seed_store))
    dash_duo.driver.get(f"{dash_duo.server_url}/?{urlencode(state)}")

    dash_duo.wait_for_text_to_equal("#filter-types-value", "Diplomacy", timeout=FIRST_RENDER)
    dash_duo.wait_for_text_to_equal(
        "#summary",
        f"{n_events(expected)} of {n_events(events)} events · 2020-03-04 → 2020-03-05 · Moscow",
        timeout=TIMEOUT,
    )
    wait_until(dash_duo, lambda: len(sentence_texts(dash_duo)) == len(expected), "the list was not restored")
    in_window = events[
        (events["event_type"] == "Diplomacy") & events["event_date"].between("2020-03-04", "2020-03-05 23:59:59")
    ]
    wait_until(
        dash_duo, lambda: keys_on_map(dash_duo) == sorted(set(in_window["place_key"])), "the map was not restored"
    )
    view = wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(
            "const g = document.querySelector(arguments[0])._fullLayout.geo;"
            "return g ? [g.center.lon, g.center.lat, g.projection.scale] : null;",
            MAP_GD,
        ),
        "no geo layout",
    )
    assert view == [37.5, 50, 3], view
    chosen = dash_duo.find_element("#excerpts .excerpt.selected .sentence").text
    assert chosen == expected["excerpt"].iloc[0], "the event of the link is not the one marked"
    if len(expected) > 1:  # choosing another event from the list moves the mark and the link
        other = expected.iloc[1]
        dash_duo.driver.execute_script(
            "Array.from(document.querySelectorAll('#excerpts .excerpt'))"
            ".find(a => a.querySelector('.sentence').textContent === arguments[0]).querySelector('.pick').click();",
            other["excerpt"],
        )
        wait_until(
            dash_duo,
            lambda: page_query(dash_duo).get("event") == [other["event_id"]],
            "selecting an excerpt did not reach the URL",
        )
        wait_until(
            dash_duo,
            lambda: (
                dash_duo.driver.execute_script(
                    "const s = document.querySelector('#excerpts .excerpt.selected .sentence');"
                    " return s && s.textContent;"
                )
                == other["excerpt"]
            ),
            "the selected excerpt is not marked",
        )
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled")

    # Change the state in the page; the URL follows, and opening it in a fresh page gives it back.
    dash_duo.find_element("#precise-only input").click()
    wait_until(dash_duo, lambda: page_query(dash_duo).get("towns") == ["1"], "the URL does not follow the page")
    url = dash_duo.driver.current_url
    assert page_query(dash_duo)["type"] == ["Diplomacy"] and page_query(dash_duo)["place"] == [moscow]
    dash_duo.driver.get("about:blank")
    dash_duo.driver.get(url)
    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(
            "const i = document.querySelector('#precise-only input'); return i && i.checked;"
        ),
        "'towns only' was not restored",
        timeout=FIRST_RENDER,
    )
    dash_duo.wait_for_text_to_equal("#filter-types-value", "Diplomacy", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text("#summary", "2020-03-04 → 2020-03-05 · Moscow", timeout=TIMEOUT)

    # Panning the map (a real drag) moves the view in the URL, and the moved view is what a link opens.
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the reopened page never settled")
    x, y, w, h = dash_duo.driver.execute_script(
        "const r = document.querySelector('#map .geo').getBoundingClientRect();return [r.x, r.y, r.width, r.height];"
    )
    pan = ActionBuilder(dash_duo.driver)
    pan.pointer_action.move_to_location(int(x + w / 2), int(y + h / 2))
    pan.pointer_action.pointer_down()
    for k in range(1, 6):
        pan.pointer_action.move_to_location(int(x + w / 2 - 16 * k), int(y + h / 2 + 8 * k))
    pan.pointer_action.pointer_up()
    pan.perform()
    moved = wait_until(
        dash_duo,
        lambda: (q := page_query(dash_duo)) and q.get("lon") != ["37.5"] and q,
        "panning the map did not change the URL's view",
    )
    dash_duo.driver.get("about:blank")
    dash_duo.driver.get(dash_duo.server_url + "/?" + urlencode(moved, doseq=True))
    center = wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(
            "const gd = document.querySelector(arguments[0]); const g = gd && gd._fullLayout && gd._fullLayout.geo;"
            "return g && g.center ? [g.center.lon, g.center.lat] : null;",
            MAP_GD,
        ),
        "no map",
        timeout=FIRST_RENDER,
    )
    assert center == pytest.approx([float(moved["lon"][0]), float(moved["lat"][0])], abs=1e-3)
    assert dash_duo.get_logs() == []


def wait_for_download(dash_duo, pattern: str) -> Path:
    """The downloaded file whose name matches `pattern` (a glob), once it is whole."""
    folder = Path(dash_duo.download_path)

    def done() -> Path | None:
        found = [p for p in folder.glob(pattern) if p.is_file() and p.stat().st_size > 0]
        return found[0] if len(found) == 1 and not list(folder.glob("*.crdownload")) else None

    return wait_until(dash_duo, done, f"{pattern} was not downloaded")


def test_export_downloads_exactly_the_selection(dash_duo, seed_store):
    events = stored_events(seed_store)
    start_app(dash_duo, seed_store)
    choose_option(dash_duo, "filter-types", "Diplomacy")
    drag_timeline(dash_duo, "2020-03-01", "2020-03-31 23:59")
    expected = events[
        (events["event_type"] == "Diplomacy") & events["event_date"].between("2020-03-01", "2020-03-31 23:59")
    ]
    assert 0 < len(expected) < len(events)
    wait_until(dash_duo, lambda: len(sentence_texts(dash_duo)) == len(expected), "the selection did not settle")

    dash_duo.find_element("#export-csv").click()
    # Named after what it holds: the brushed days (their ends as the brush left them) and the type.
    path = wait_for_download(dash_duo, "conflictmap_*.csv")
    assert path.name.startswith("conflictmap_2020-0") and path.name.endswith("_Diplomacy.csv"), path.name
    csv = pd.read_csv(path)
    assert list(csv.columns) == list(S.NAMES), "every events-table column, in schema order"
    assert sorted(csv["event_id"]) == sorted(expected["event_id"])
    assert set(csv["event_type"]) == {"Diplomacy"}

    dash_duo.find_element("#export-geojson").click()
    geo = json.loads(wait_for_download(dash_duo, path.stem + ".geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"
    assert sorted(f["properties"]["event_id"] for f in geo["features"]) == sorted(expected["event_id"])
    by_id = expected.set_index("event_id")
    for f in geo["features"]:
        row = by_id.loc[f["properties"]["event_id"]]
        assert f["geometry"]["coordinates"] == [row["longitude"], row["latitude"]]
    assert dash_duo.get_logs() == []

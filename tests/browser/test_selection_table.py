"""The selection as a table, and the camera that goes to a place chosen anywhere (issue 13).

The store is written straight from rows made for these tests (no parse): 24 events around Idlib
and Homs, one far away in Buenos Aires (the map opens on Syria and leaves it out of view), and an
event whose source is hostile markup.
"""

from __future__ import annotations

import pandas as pd
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_dashboard import TIMEOUT, app_is_settled, click_marker, start_app, wait_until
from test_interactions import page_query
from test_map_reading import requests_for

from dashboard import schema as S
from dashboard.ingest.article import Article
from dashboard.store import EventsStore

FAR = "Buenos Aires"
HOSTILE = '<img src=x onerror="document.body.dataset.owned=1">'


def rows(plain_row) -> list[dict]:
    out = []
    for i in range(24):
        town, lat, lon = (("Idlib", 35.93, 36.63), ("Homs", 34.73, 36.71))[i % 2]
        out.append(
            plain_row(
                event_id=f"s{i}",
                article_id=f"a{i}",
                event_date=f"2021-03-{3 + i:02d}",
                location=town,
                toponym=town,
                latitude=lat,
                longitude=lon,
                fatalities=i % 8,
                source=f"Outlet {i}",
                actor1=f"Group {chr(65 + i)}",
            )
        )
    out.append(
        plain_row(
            event_id="far",
            article_id="a24",
            event_date="2021-03-01",
            location=FAR,
            toponym=FAR,
            latitude=-34.61,
            longitude=-58.38,
            country="Argentina",
            country_code="AR",
            admin1="",
            fatalities=40,
            source="Far Outlet",
            actor1="Group Far",
        )
    )
    out.append(
        plain_row(
            event_id="bad",
            article_id="a25",
            event_date="2021-02-01",
            location="Hama",
            toponym="Hama",
            latitude=35.13,
            longitude=36.75,
            fatalities=None,
            source=HOSTILE,
            actor1=HOSTILE,
        )
    )
    return out


@pytest.fixture
def table_store(tmp_path, plain_row) -> tuple:
    events = S.coerce_events(pd.DataFrame(rows(plain_row)))
    articles = [
        Article(
            text=f"Text of article {r['article_id']}.",
            title=r["title"],
            source=str(r["source"]),
            article_id=r["article_id"],
        )
        for r in rows(plain_row)
    ]
    EventsStore(tmp_path / "store").append(events, articles)
    return tmp_path / "store", events


def table_texts(dash_duo, column: int) -> list[str]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#excerpts .events-table tbody tr'))"
        ".map(r => r.children[arguments[0]].textContent)",
        column,
    )


def map_center(dash_duo) -> tuple[float, float] | None:
    box = dash_duo.driver.execute_script(
        "return window.conflictmap.geoBox(document.querySelector('#map .js-plotly-plot'))"
    )
    return None if not box else ((box[0] + box[1]) / 2, (box[2] + box[3]) / 2)


def geo_range(dash_duo) -> tuple[list[float], list[float]] | None:
    """The map's lon and lat ranges as plotly holds them for the drawn figure (its data, not pixels)."""
    return dash_duo.driver.execute_script(
        "const g = document.querySelector('#map .js-plotly-plot'), geo = g && g._fullLayout && g._fullLayout.geo;"
        "return geo && geo.lonaxis && geo.lataxis ? [geo.lonaxis.range.slice(), geo.lataxis.range.slice()] : null;"
    )


def shows(dash_duo, *points: tuple[float, float]) -> tuple[list[float], list[float]] | None:
    """The map's ranges when every (lon, lat) point lies inside them, else None."""
    got = geo_range(dash_duo)
    if not got:
        return None
    (w, e), (s, n) = got
    return got if all(w <= lon <= e and s <= lat <= n for lon, lat in points) else None


def near(center, lon: float, lat: float, within: float = 3.0) -> bool:
    return center is not None and abs(center[0] - lon) < within and abs(center[1] - lat) < within


def click_js(dash_duo, selector: str) -> None:
    def attempt() -> bool:
        return bool(
            dash_duo.driver.execute_script(
                "const b = document.querySelector(arguments[0]); if (!b) return false; b.click(); return true;",
                selector,
            )
        )

    wait_until(dash_duo, attempt, f"nothing to click at {selector}")


def test_the_table_sorts_pages_escapes_and_selects_with_the_camera(dash_duo, table_store):
    store_dir, events = table_store
    start_app(dash_duo, store_dir)
    assert not near(map_center(dash_duo), -58.38, -34.61, 20), "the map should open on Syria"

    click_js(dash_duo, "#excerpts button[data-view='table']")
    # One row per event, 25 a page: the second page holds the last one.
    wait_until(dash_duo, lambda: len(table_texts(dash_duo, 0)) == 25, "the table's first page is not 25 events")
    # Read in a wait: the panel is drawn again when the map redraws for the narrower plot the table leaves it.
    hint = "const h = document.querySelector('#excerpts .hint'); return h ? h.textContent : '';"
    wait_until(dash_duo, lambda: "26 event(s)" in dash_duo.driver.execute_script(hint), "the table does not count 26")
    assert table_texts(dash_duo, 0)[0] == "2021-03-26"  # newest first; the headings sort on the server
    click_js(dash_duo, "#excerpts .pager-button")
    wait_until(dash_duo, lambda: len(table_texts(dash_duo, 0)) == len(events) - 25, "no second page")
    click_js(dash_duo, "#excerpts button.sort[data-sort='deaths']")
    wait_until(dash_duo, lambda: table_texts(dash_duo, 4)[:2] == ["40", "7"], "deaths do not sort, largest first")
    click_js(dash_duo, "#excerpts button.sort[data-sort='deaths']")
    wait_until(
        dash_duo,
        lambda: table_texts(dash_duo, 4)[0] in ("0", "—") and "40" not in table_texts(dash_duo, 4),
        "a second click does not turn the order around",
    )
    assert "—" in table_texts(dash_duo, 4)  # no toll reported
    # Article text is text: the hostile source is shown as written and runs nothing.
    assert HOSTILE in table_texts(dash_duo, 5)
    assert dash_duo.driver.execute_script("return document.body.dataset.owned") is None
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#excerpts img")

    # A row selects its event and place, and the camera goes to the far place.
    click_js(dash_duo, "#excerpts button.sort[data-sort='deaths']")
    wait_until(dash_duo, lambda: table_texts(dash_duo, 4)[0] == "40", "the third click does not sort largest first")
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    dash_duo.driver.execute_script("performance.setResourceTimingBufferSize(10000)")
    n = requests_for(
        dash_duo,
        lambda: click_js(dash_duo, "#excerpts button.row-pick[data-event='far']"),
        lambda: page_query(dash_duo).get("event") == ["far"] and near(map_center(dash_duo), -58.38, -34.61),
        "a row click",
    )
    # The views, the link, the correction panel (an event is selected), the link again with the view.
    assert n <= 4, f"a row click took {n} requests"
    assert page_query(dash_duo)["place"][0].startswith(FAR + "|")
    wait_until(dash_duo, lambda: near(map_center(dash_duo), -58.38, -34.61), "the camera did not go to the place")
    assert shows(dash_duo, (-58.38, -34.61)), geo_range(dash_duo)
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    # ...and keeps that view across a filter change.
    dash_duo.find_element("#precise-only input").click()
    wait_until(
        dash_duo,
        lambda: page_query(dash_duo).get("towns") == ["1"] and app_is_settled(dash_duo),
        "the filter did not apply",
    )
    assert near(map_center(dash_duo), -58.38, -34.61), "a filter change moved the camera"
    assert dash_duo.get_logs() == []


def test_the_place_list_sends_the_camera_to_a_place_out_of_view(dash_duo, table_store):
    store_dir, _ = table_store
    start_app(dash_duo, store_dir)
    assert not near(map_center(dash_duo), -58.38, -34.61, 20)
    dash_duo.find_element("#place-pick").click()
    dash_duo.wait_for_element("input.dash-dropdown-search", timeout=TIMEOUT)
    ActionChains(dash_duo.driver).send_keys("Buenos").perform()

    def offered() -> bool:
        return any(FAR in el.text for el in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role='option']"))

    WebDriverWait(dash_duo.driver, TIMEOUT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda _d: offered(), "the place list does not offer the far place"
    )
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    wait_until(
        dash_duo,
        lambda: (page_query(dash_duo).get("place") or [""])[0].startswith(FAR + "|"),
        "the place was not selected",
    )
    wait_until(dash_duo, lambda: near(map_center(dash_duo), -58.38, -34.61), "the camera did not go to the place")
    # A click on the marker in view (letting the place go) leaves the camera where it is.
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    before = map_center(dash_duo)
    click_marker(dash_duo, FAR + "|")
    wait_until(
        dash_duo,
        lambda: "place" not in page_query(dash_duo) and app_is_settled(dash_duo),
        "the marker click did not let the place go",
    )
    assert near(map_center(dash_duo), *before, 0.01)
    assert dash_duo.get_logs() == []


IDLIB, HOMS, BUENOS_AIRES = (36.63, 35.93), (36.71, 34.73), (-58.38, -34.61)


def test_rows_marked_together_fit_the_map_to_their_places_by_mouse_and_keyboard(dash_duo, table_store):
    store_dir, _ = table_store
    start_app(dash_duo, store_dir)
    opening = wait_until(dash_duo, lambda: shows(dash_duo, IDLIB, HOMS), "the map does not open on Syria")
    assert not shows(dash_duo, BUENOS_AIRES)
    click_js(dash_duo, "#excerpts button[data-view='table']")
    wait_until(dash_duo, lambda: len(table_texts(dash_duo, 0)) == 25, "the table's first page is not 25 events")
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")

    # A row in Idlib, then one in Homs, with Ctrl held: the map fits the two places, closer than it
    # opened. (A plain choice would select the row's place, and the table would list that place's only.)
    marked = (
        "return Array.from(document.querySelectorAll('#excerpts tr.marked button.row-pick')).map(b => b.dataset.event)"
    )
    idlib = dash_duo.find_element("#excerpts button.row-pick[data-event='s0']")
    ActionChains(dash_duo.driver).key_down(Keys.CONTROL).click(idlib).key_up(Keys.CONTROL).perform()
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script(marked) == ["s0"], "a Ctrl+click did not mark its row")
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    homs = dash_duo.find_element("#excerpts button.row-pick[data-event='s1']")
    dash_duo.driver.execute_script("performance.setResourceTimingBufferSize(10000)")

    def fitted() -> bool:
        got = shows(dash_duo, IDLIB, HOMS)
        return bool(got) and got[0][1] - got[0][0] < (opening[0][1] - opening[0][0]) / 2

    n = requests_for(
        dash_duo,
        lambda: ActionChains(dash_duo.driver).key_down(Keys.CONTROL).click(homs).key_up(Keys.CONTROL).perform(),
        fitted,
        "a second row marked",
    )
    assert n <= 2, f"marking a row took {n} requests"
    # Marked, not selected: no event or place is in the link.
    assert "event" not in page_query(dash_duo) and "place" not in page_query(dash_duo)
    assert sorted(dash_duo.driver.execute_script(marked)) == ["s0", "s1"]

    # From the keyboard: Shift+Enter on the far place's row adds it, and the map takes in all three.
    click_js(dash_duo, "#excerpts button.sort[data-sort='deaths']")
    wait_until(dash_duo, lambda: table_texts(dash_duo, 4)[:1] == ["40"], "deaths do not sort, largest first")
    far = dash_duo.find_element("#excerpts button.row-pick[data-event='far']")
    far.send_keys(Keys.SHIFT + Keys.ENTER)
    wait_until(dash_duo, lambda: shows(dash_duo, IDLIB, HOMS, BUENOS_AIRES), "the map does not fit the three rows")
    pressed = "return document.querySelector(\"#excerpts button.row-pick[data-event='far']\").ariaPressed"
    assert dash_duo.driver.execute_script(pressed) == "true"
    # Marks outlive a redraw of the table (another sort: newest first, the three rows on its first page).
    click_js(dash_duo, "#excerpts button.sort[data-sort='date']")
    wait_until(dash_duo, lambda: table_texts(dash_duo, 0)[:1] == ["2021-03-26"], "the dates do not sort")
    wait_until(dash_duo, lambda: sorted(dash_duo.driver.execute_script(marked)) == ["far", "s0", "s1"], "marks lost")
    assert dash_duo.get_logs() == []


def test_an_excerpts_other_places_sends_the_camera_to_its_place(dash_duo, table_store):
    """The sentence list's way to a place goes through the same camera as a table row's."""
    store_dir, _ = table_store
    start_app(dash_duo, store_dir)
    assert not shows(dash_duo, BUENOS_AIRES)
    click_js(dash_duo, "#excerpts button[data-action='correct'][data-event='far']")
    wait_until(dash_duo, lambda: shows(dash_duo, BUENOS_AIRES), "the camera did not go to the excerpt's place")
    assert page_query(dash_duo).get("event") == ["far"]
    assert dash_duo.get_logs() == []

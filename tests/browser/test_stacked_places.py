"""Places at one point, in a real browser: a village the gazetteer knows only by its district is drawn
at the district town's point. A click on the middle of the town's marker opens the town (plotly had
given it to the small marker drawn at the same point), and the town's panel offers the village."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from test_dashboard import TIMEOUT, _pointer_to, marker_element, start_app, wait_until

from dashboard import schema as S
from dashboard.store import EventsStore

VILLAGE = "Kafr Tala, Idlib"


@pytest.fixture(scope="module")
def stacked_store(seed_store, tmp_path_factory) -> Path:
    """The seed events, Idlib's event twice more on later days, and one event at a village placed at
    Idlib city's own point (district level): the town's marker is the bigger one."""
    events = EventsStore(seed_store).load_events()
    city = events[(events[S.LOCATION] == "Idlib") & (events[S.RECORD_KIND] == "event")].head(1)
    assert len(city), "the seed article no longer has an Idlib event"
    day = pd.Timedelta(days=1)

    def copy(name: str, days: int, **more) -> pd.DataFrame:
        return city.assign(event_id=name, cluster_id=name, event_date=city[S.EVENT_DATE] + days * day, **more)

    added = [copy("city-2", 10), copy("city-3", 20), copy("village-1", 30, location=VILLAGE, geo_precision=2)]
    store = tmp_path_factory.mktemp("stacked") / "store"
    EventsStore(store).replace_with_chunks(
        [(S.coerce_events(pd.concat([events, *added], ignore_index=True)), EventsStore(seed_store).load_articles())]
    )
    return store


def click_centre_of(dash_duo, key_prefix: str) -> None:
    """Click the middle of a marker as a user does: wherever plotly's hover says the pointer is."""
    el = wait_until(dash_duo, lambda: marker_element(dash_duo, key_prefix), f"no marker {key_prefix!r}")
    x, y = dash_duo.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];", el
    )
    _pointer_to(dash_duo, x, y)
    ActionChains(dash_duo.driver).click().perform()


def heading(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "const h = document.querySelector('#excerpts h2'); return h && h.textContent;"
    )


def test_a_click_on_a_towns_marker_opens_the_town_and_offers_the_places_under_it(dash_duo, stacked_store):
    start_app(dash_duo, stacked_store)
    drawn = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#map .scattergeo .point'))"
        ".map(p => String((p.__data__ || {}).data));"
    )
    assert not any(k.startswith(VILLAGE + "|") for k in drawn), "the village has a marker of its own at the town"

    click_centre_of(dash_duo, "Idlib|")
    wait_until(dash_duo, lambda: heading(dash_duo) == "Excerpts — Idlib", "the click did not open Idlib")
    note = dash_duo.wait_for_element("#excerpts .stacked-places", timeout=TIMEOUT)
    assert "Also placed at this point (1 place" in note.text, note.text
    button = note.find_element("css selector", "button[data-action='place']")
    assert button.text == f"{VILLAGE} · 1"

    button.click()
    wait_until(dash_duo, lambda: heading(dash_duo) == f"Excerpts — {VILLAGE}", "the note's button did not open it")
    wait_until(
        dash_duo,
        lambda: marker_element(dash_duo, VILLAGE + "|") is not None and marker_element(dash_duo, "Idlib|") is None,
        "the selected village is not the marker of its point",
    )
    back = dash_duo.wait_for_element("#excerpts .stacked-places button[data-action='place']", timeout=TIMEOUT)
    assert back.text.startswith("Idlib · ")
    assert dash_duo.get_logs() == []

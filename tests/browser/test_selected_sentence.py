"""Selecting a sentence in a real (headless) browser: the list stays on the page the sentence is on, a
link with the event opens on the page that holds it (both engines), "select" only marks it (the
correction dialog opens from "Other places"), and on a phone a marker's tap brings its sentences into
view. The store is written straight from rows made for these tests (no parse): 40 events at Idlib,
several on one day and from one publication (the list orders them by id; each names its own actor,
so none are reports of one event), and 4 at Homs.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import pandas as pd
import pytest
from query_oracle import with_place_key
from test_dashboard import TIMEOUT, app_is_settled, click_marker, start_app, wait_until
from test_panels import click, excerpt_button
from test_reading import PHONE, set_viewport

from dashboard import schema as S
from dashboard.ingest.article import Article
from dashboard.store import EventsStore

IDLIB, HOMS = ("Idlib", 35.93, 36.63), ("Homs", 34.73, 36.71)


def rows(plain_row) -> list[dict]:
    out = []
    for i in range(44):
        (town, lat, lon), at_idlib = (IDLIB, True) if i < 40 else (HOMS, False)
        day = pd.Timestamp("2021-01-01") + pd.Timedelta(days=i // 3 if at_idlib else i)  # three a day
        out.append(
            plain_row(
                event_id=f"ev{(i * 7) % 44:02d}",  # ids not in date order: ties go by id
                article_id=f"a{i // 3}",
                event_date=day.strftime("%Y-%m-%d"),
                published=day.strftime("%Y-%m-%d"),
                location=town,
                toponym=town,
                latitude=lat,
                longitude=lon,
                admin1=town,
                actor1=f"Group {i}",  # one actor each: no two rows are reports of one event (merge.compatible)
                excerpt=f"Turkish troops clashed in {town}, report {i}.",
            )
        )
    return out


@pytest.fixture
def paged_store(tmp_path, plain_row) -> tuple:
    events = S.coerce_events(pd.DataFrame(rows(plain_row)))
    articles = {
        r["article_id"]: Article(
            text=" ".join(x["excerpt"] for x in rows(plain_row) if x["article_id"] == r["article_id"]),
            title=r["title"],
            source=str(r["source"]),
            article_id=r["article_id"],
        )
        for r in rows(plain_row)
    }
    EventsStore(tmp_path / "store").append(events, list(articles.values()))
    return tmp_path / "store", with_place_key(events)


def newest_first(events: pd.DataFrame, key: str) -> list[str]:
    """The place's event ids as the list orders them: event date, publication, then id."""
    at = events[events[S.PLACE_KEY] == key]
    return at.sort_values([S.EVENT_DATE, S.PUBLISHED, S.EVENT_ID], ascending=[False, False, True])[S.EVENT_ID].tolist()


def hint(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "const h = document.querySelector('#excerpts p.hint'); return h ? h.textContent : '';"
    )


def pressed(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        'return Array.from(document.querySelectorAll(\'#excerpts button[data-action="pick"][aria-pressed="true"]\'))'
        ".map(b => b.dataset.event)"
    )


def in_view(dash_duo, event_id: str) -> bool:
    """The sentence's box lies inside the panel's visible box and the window."""
    return bool(
        dash_duo.driver.execute_script(
            """
            const b = document.querySelector(arguments[0]);
            const item = b && b.closest('article'), panel = document.getElementById('excerpts');
            if (!item || !panel) return false;
            const r = item.getBoundingClientRect(), p = panel.getBoundingClientRect();
            return r.top >= Math.max(p.top, 0) - 1 && r.bottom <= Math.min(p.bottom, window.innerHeight) + 1;
            """,
            excerpt_button(event_id, "pick"),
        )
    )


def correct_hidden(dash_duo) -> bool:
    return bool(dash_duo.driver.execute_script("const c = document.getElementById('correct'); return !c || c.hidden;"))


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_a_sentence_selected_on_page_two_stays_there_and_its_link_opens_there(
    dash_duo, paged_store, monkeypatch, engine
):
    monkeypatch.setenv("CONFLICTMAP_ENGINE", engine)
    store, events = paged_store
    key = events[events[S.LOCATION] == "Idlib"][S.PLACE_KEY].iloc[0]
    order = newest_first(events, key)
    assert len(order) == 40
    start_app(dash_duo, store)
    dash_duo.driver.get(f"{dash_duo.server_url}/?{urlencode({'place': key})}")
    wait_until(dash_duo, lambda: "sentences 1–25" in hint(dash_duo), "the place's list did not open")
    click(dash_duo, "#excerpts button.pager-button")
    wait_until(dash_duo, lambda: "sentences 26–40" in hint(dash_duo), "the second page did not open")

    chosen = order[31]  # on the second page, between sentences of one day and one publication
    click(dash_duo, excerpt_button(chosen, "pick"))
    wait_until(dash_duo, lambda: pressed(dash_duo) == [chosen], "the sentence was not marked")
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    assert "sentences 26–40" in hint(dash_duo), "selecting sent the list back to its first page"
    assert pressed(dash_duo) == [chosen]
    link = dash_duo.driver.current_url
    assert parse_qs(urlparse(link).query)["event"] == [chosen]

    # The shared link opens on the page that holds the sentence, marked and in view.
    dash_duo.driver.get(link)
    wait_until(dash_duo, lambda: pressed(dash_duo) == [chosen], "the link's sentence is not listed and marked")
    assert "sentences 26–40" in hint(dash_duo)
    wait_until(dash_duo, lambda: in_view(dash_duo, chosen), "the link's sentence is not in view")
    assert correct_hidden(dash_duo), "a link's event opened the correction dialog"
    assert dash_duo.get_logs() == []


def test_select_only_marks_the_sentence_and_other_places_opens_the_correction(dash_duo, paged_store):
    store, events = paged_store
    key = events[events[S.LOCATION] == "Idlib"][S.PLACE_KEY].iloc[0]
    first, second = newest_first(events, key)[:2]
    start_app(dash_duo, store)
    dash_duo.driver.get(f"{dash_duo.server_url}/?{urlencode({'place': key})}")
    wait_until(dash_duo, lambda: "sentences 1–25" in hint(dash_duo), "the place's list did not open")

    click(dash_duo, excerpt_button(first, "pick"))
    wait_until(dash_duo, lambda: pressed(dash_duo) == [first], "the sentence was not marked")
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    assert correct_hidden(dash_duo), "“select” opened the correction dialog"

    click(dash_duo, excerpt_button(first, "correct"))
    dash_duo.wait_for_text_to_equal("#correct-title", "Where is “Idlib”?", timeout=TIMEOUT)
    assert not correct_hidden(dash_duo)
    # Another sentence selected: the dialog (whose save acts on the selected event) closes.
    click(dash_duo, excerpt_button(second, "pick"))
    wait_until(dash_duo, lambda: pressed(dash_duo) == [second], "the other sentence was not marked")
    wait_until(dash_duo, lambda: correct_hidden(dash_duo), "the dialog stayed open on another event")
    assert dash_duo.get_logs() == []


def scrolled(dash_duo) -> float:
    return float(dash_duo.driver.execute_script("return window.scrollY"))


def panel_top(dash_duo) -> float:
    script = "return document.getElementById('excerpts').getBoundingClientRect().top"
    return float(dash_duo.driver.execute_script(script))


def test_a_tapped_marker_on_a_phone_brings_its_sentences_into_view(dash_duo, paged_store):
    store, events = paged_store
    start_app(dash_duo, store)
    # On a wide screen the panel is beside the map: a click scrolls nothing.
    click_marker(dash_duo, "Homs|")
    dash_duo.wait_for_contains_text("#summary", "Homs", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: "Excerpts — Homs" in dash_duo.find_element("#excerpts h2").text, "no Homs list")
    assert scrolled(dash_duo) == 0

    set_viewport(dash_duo, *PHONE)
    dash_duo.driver.get(dash_duo.server_url)
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    assert scrolled(dash_duo) == 0, "the page scrolled with no tap"
    assert panel_top(dash_duo) > PHONE[1], "the sentences are not below the screen at first"
    click_marker(dash_duo, "Idlib|")
    dash_duo.wait_for_contains_text("#summary", "Idlib", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: "Excerpts — Idlib" in dash_duo.find_element("#excerpts h2").text, "no Idlib list")
    wait_until(
        dash_duo,
        lambda: scrolled(dash_duo) > 0 and -2 <= panel_top(dash_duo) < PHONE[1] / 3,
        "the tapped place's sentences were not brought into view",
    )
    assert dash_duo.get_logs() == []

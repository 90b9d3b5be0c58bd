"""A map gesture (a drag, a lasso) is the user's: a redraw that arrives from the server while it is in
progress does not undo it. The server's answer is held in the page (a wrapped fetch) and let go once
the gesture has started, so it lands in the middle of the gesture whatever the machine's load."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from test_dashboard import (
    MAP_GD,
    app_is_settled,
    start_app,
    wait_until,
)
from test_interactions import keys_on_map

# window.__holdNextMapAnswer() holds the next answer that redraws the map (its request names the output
# "map.figure") until window.__releaseMapAnswer(): the request goes out, its answer waits in the page.
HOLD_MAP_ANSWERS_JS = """
const fetch0 = window.fetch;
window.__heldMapAnswers = 0;
let armed = false, release = null;
window.__holdNextMapAnswer = () => { armed = true; };
window.__releaseMapAnswer = () => { if (release) { release(); release = null; } };
window.fetch = function (url, options) {
    const answer = fetch0.apply(this, arguments);
    const body = options && typeof options.body === 'string' ? options.body : '';
    if (!armed || !String(url).includes('_dash-update-component') || !body.includes('map.figure')) {
        return answer;
    }
    armed = false;
    window.__heldMapAnswers += 1;
    return new Promise(resolve => { release = () => resolve(answer); });
};
"""

# Where the map puts a page pixel: [lon, lat] under it, read from plotly's live projection.
LON_LAT_AT_JS = """
const gd = document.querySelector(arguments[0]);
const sp = gd && gd._fullLayout && gd._fullLayout.geo && gd._fullLayout.geo._subplot;
if (!sp || !sp.projection) return null;
const svg = gd.querySelector('.main-svg').getBoundingClientRect();
const q = sp.projection.invert([arguments[1] - svg.left, arguments[2] - svg.top]);
return q && isFinite(q[0]) && isFinite(q[1]) ? q : null;
"""

# The redraw that was held has reached the map: drawn by plotly, or held by the page for the gesture.
ANSWER_AT_MAP_JS = """
const state = window.store.getState();
const path = state.paths.strs[arguments[1]];
const figure = path.reduce((n, key) => n && n[key], state.layout).props.figure;
const gd = document.querySelector(arguments[0]);
if (!gd || !figure || figure === window.__figureBefore) return false;
const drawn = gd.data === figure.data && !gd.classList.contains('dash-graph--pending');
return drawn || document.getElementById(arguments[1]).dataset.held === 'figure';
"""

REMEMBER_FIGURE_JS = """
const state = window.store.getState();
const path = state.paths.strs[arguments[0]];
window.__figureBefore = path.reduce((n, key) => n && n[key], state.layout).props.figure;
"""


def lon_lat_at(dash_duo, x: float, y: float) -> list[float] | None:
    return dash_duo.driver.execute_script(LON_LAT_AT_JS, MAP_GD, x, y)


def map_middle(dash_duo) -> tuple[int, int]:
    rect = dash_duo.driver.execute_script(
        "const r = document.querySelector('#map .geo .layer.bg rect').getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2];"
    )
    return int(rect[0]), int(rect[1])


def press_and_move(dash_duo, start: tuple[int, int], to: tuple[int, int], down: bool) -> None:
    """The pointer moved from `start` to `to` in steps, pressed at `start` first when `down`; left pressed."""
    actions = ActionBuilder(dash_duo.driver)
    if down:
        actions.pointer_action.move_to_location(*start)
        actions.pointer_action.pointer_down()
    for k in range(1, 7):
        actions.pointer_action.move_to_location(
            int(start[0] + (to[0] - start[0]) * k / 6), int(start[1] + (to[1] - start[1]) * k / 6)
        )
    actions.perform()


def let_go(dash_duo) -> None:
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.pointer_up()
    actions.perform()


def held_answers(dash_duo) -> int:
    return int(dash_duo.driver.execute_script("return window.__heldMapAnswers"))


def hold_the_next_redraw(dash_duo) -> int:
    """From now on the next answer that redraws the map waits in the page; how many were held before."""
    dash_duo.driver.execute_script(
        "if (!window.__holdNextMapAnswer) {" + HOLD_MAP_ANSWERS_JS + "} window.__holdNextMapAnswer();"
    )
    return held_answers(dash_duo)


def remember_the_figure(dash_duo) -> None:
    dash_duo.driver.execute_script(REMEMBER_FIGURE_JS, "map")


def redraw_arrives(dash_duo) -> None:
    """Let the held answer go and wait until it has reached the map (drawn, or held for a gesture)."""
    dash_duo.driver.execute_script("window.__releaseMapAnswer()")
    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(ANSWER_AT_MAP_JS, MAP_GD, "map"),
        "the held redraw never reached the map",
    )


def ask_for_a_redraw(dash_duo) -> None:
    """A change that redraws the map (size by deaths), its answer held in the page."""
    remember_the_figure(dash_duo)
    before = hold_the_next_redraw(dash_duo)
    dash_duo.find_element("#size-by input[value='fatalities']").click()
    wait_until(dash_duo, lambda: held_answers(dash_duo) == before + 1, "the redraw's request never went out")


def drawn_latest(dash_duo) -> bool:
    """The map draws the latest answer Dash holds for it, and holds none back."""
    return bool(
        dash_duo.driver.execute_script(
            """
            const s = window.store.getState(), p = s.paths.strs['map'];
            const figure = p.reduce((n, k) => n && n[k], s.layout).props.figure;
            const gd = document.querySelector(arguments[0]);
            return gd.data === figure.data && !gd.classList.contains('dash-graph--pending')
                && document.getElementById('map').dataset.held === undefined;
            """,
            MAP_GD,
        )
    )


def map_box(dash_duo) -> list[float]:
    return dash_duo.driver.execute_script(
        "return window.conflictmap.geoBox(document.querySelector(arguments[0]));", MAP_GD
    )


def test_a_redraw_arriving_mid_drag_keeps_the_drag(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    x0, y0 = map_middle(dash_duo)
    grabbed = lon_lat_at(dash_duo, x0, y0)
    assert grabbed is not None

    ask_for_a_redraw(dash_duo)
    half = (x0 - 90, y0 + 30)
    press_and_move(dash_duo, (x0, y0), half, down=True)
    # The map follows the pointer: the place grabbed stays under it.
    assert lon_lat_at(dash_duo, *half) == pytest.approx(grabbed, abs=0.05)

    redraw_arrives(dash_duo)
    assert lon_lat_at(dash_duo, *half) == pytest.approx(grabbed, abs=0.05), "the redraw undid the drag so far"

    end = (x0 - 180, y0 + 60)
    press_and_move(dash_duo, half, end, down=False)
    # The answer to the drag itself (the map redrawn for its new view) is held too, to look at the map
    # between the drag's end and that answer: the redraw held during the drag, drawn on the drag's view.
    remember_the_figure(dash_duo)
    before = hold_the_next_redraw(dash_duo)
    let_go(dash_duo)
    wait_until(dash_duo, lambda: held_answers(dash_duo) == before + 1, "the drag's redraw never went out")
    wait_until(dash_duo, lambda: drawn_latest(dash_duo), "the redraw held during the drag was not drawn after it")
    assert lon_lat_at(dash_duo, *end) == pytest.approx(grabbed, abs=0.05), "the map did not keep the drag"
    dragged = map_box(dash_duo)

    dash_duo.driver.execute_script("window.__releaseMapAnswer()")
    wait_until(dash_duo, lambda: app_is_settled(dash_duo) and drawn_latest(dash_duo), "the page never settled")
    # Redrawn for the box the drag left (the box round trip refits the view by a fraction of a degree
    # at this zoom: a bounding box of the curved view, fitted again).
    uirevision = dash_duo.driver.execute_script("return document.querySelector(arguments[0]).layout.uirevision", MAP_GD)
    assert [float(v) for v in uirevision.split("|")[1:]] == pytest.approx(dragged, abs=1e-3)
    assert lon_lat_at(dash_duo, *end) == pytest.approx(grabbed, abs=1.0)
    assert dash_duo.get_logs() == []


def test_a_redraw_arriving_mid_lasso_keeps_the_lasso(dash_duo, seed_and_countrywide_store):
    points = start_app(dash_duo, seed_and_countrywide_store)
    chosen = sorted(p.key for p in points if 33 <= p.lat <= 41 and 30 <= p.lon <= 40)
    assert 1 < len(chosen) < len(points), points
    dash_duo.find_element("#map .modebar-btn[data-val='lasso']").click()
    rects = dash_duo.driver.execute_script(
        """
        return Array.from(document.querySelectorAll('#map .scattergeo .point'))
            .filter(p => arguments[0].includes(String((p.__data__ || {}).data)))
            .map(p => { const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; });
        """,
        chosen,
    )
    x0, x1 = int(min(x for x, _ in rects) - 12), int(max(x for x, _ in rects) + 12)
    y0, y1 = int(min(y for _, y in rects) - 12), int(max(y for _, y in rects) + 12)

    ask_for_a_redraw(dash_duo)
    press_and_move(dash_duo, (x0, y0), (x1, y0), down=True)
    press_and_move(dash_duo, (x1, y0), (x1, y1), down=False)
    redraw_arrives(dash_duo)
    press_and_move(dash_duo, (x1, y1), (x0, y1), down=False)
    press_and_move(dash_duo, (x0, y1), (x0, y0 + 2), down=False)
    let_go(dash_duo)

    wait_until(dash_duo, lambda: keys_on_map(dash_duo) == chosen, "the lasso did not narrow the map")
    assert dash_duo.get_logs() == []

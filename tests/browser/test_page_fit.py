"""What a first look at the page showed out of place (issue 13), held in a real (headless) browser:
a header control running into the next, a field too narrow for its placeholder, a map squeezed to a
third of the screen under a legend that hid its southern markers, a phone's top bar of 150 px."""

from __future__ import annotations

import pytest
from test_dashboard import MAP_GD, app_is_settled, dash_prop, start_app, wait_until
from test_selection_table import table_store  # noqa: F401 (a fixture: Idlib, Homs and Hama, and one far place)

from dashboard.app.basemap import PANEL_PX

DESKTOP = (1280, 800)
PHONE = (390, 844)

# The map's plot area (plotly's margins taken off the graph's box), its legend's box, and the boxes
# of the elements named: what the layout tests read, in one script.
LAYOUT_JS = """
const gd = document.querySelector(arguments[0]), full = gd && gd._fullLayout;
if (!full || !full._size) return null;
const g = gd.getBoundingClientRect(), s = full._size;
// checkVisibility: a closed <details>' content keeps a box in Chromium, but is not shown.
const box = e => { if (!e || !e.checkVisibility()) return null; const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? {top: r.top, bottom: r.bottom, left: r.left, right: r.right} : null; };
const out = {plot: {top: g.top + s.t, bottom: g.top + s.t + s.h, width: s.w, height: s.h},
             drawn: Math.abs(full.width - g.width) < 1 && Math.abs(full.height - g.height) < 1,
             legend: box(gd.querySelector('.legend')), viewport: innerHeight, boxes: {}};
for (const sel of arguments[1]) out.boxes[sel] = box(document.querySelector(sel));
return out;
"""


def set_viewport(dash_duo, width: int, height: int) -> None:
    """The page's viewport at exactly this size; a desktop is no mobile device (its scrollbars take room)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800},
    )


def test_header_controls_keep_apart_and_the_search_field_shows_its_whole_placeholder(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    set_viewport(dash_duo, *DESKTOP)
    gap = wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(
            "const a = document.querySelector('.upload-meta summary'), b = document.querySelector('#upload');"
            "if (!a || !b) return null;"
            "return [b.getBoundingClientRect().left - a.getBoundingClientRect().right];"
        ),
        "the upload controls are not drawn",
    )[0]  # in a list: a gap of 0 is an answer, not a wait
    assert gap >= 4, f"'outlet, link, date' runs into 'Add articles' ({gap:.1f} px apart)"
    # The placeholder's width in the field's own font, against the room inside the field.
    text, room = dash_duo.driver.execute_script(
        """
        const e = document.querySelector('#filter-text'), cs = getComputedStyle(e);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = cs.font;
        const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return [ctx.measureText(e.placeholder).width, room];
        """
    )
    assert text <= room, f"the search field's placeholder is cut: {text:.0f} px of text in {room:.0f} px"


def layout(dash_duo, *selectors: str) -> dict:
    return dash_duo.driver.execute_script(LAYOUT_JS, MAP_GD, list(selectors))


def test_at_1280_by_800_the_map_takes_most_of_the_height_and_its_legend_covers_none_of_it(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    set_viewport(dash_duo, *DESKTOP)
    named = ("#map", "#timeline", "#excerpts", "#map-key", ".topbar")

    def fitted() -> dict | None:
        got = layout(dash_duo, *named)
        # Plotly redraws a responsive graph after the resize: read the layout once it has.
        return got if got and got["viewport"] == DESKTOP[1] and got["drawn"] else None

    got = wait_until(dash_duo, fitted, "the map was not drawn at 1280×800")
    plot, legend, boxes = got["plot"], got["legend"], got["boxes"]
    # It was 292 px, the legend drawn over its bottom 29, under a two-row top bar and four lines of key.
    assert plot["height"] >= 0.45 * DESKTOP[1], f"the map's plot area is {plot['height']:.0f} px tall"
    assert legend is not None and legend["top"] >= plot["bottom"] - 1, f"the legend is drawn over the map: {got}"
    assert boxes[".topbar"]["bottom"] - boxes[".topbar"]["top"] <= 45, "the top bar takes more than one row"
    # The key, the timeline and the side panel stay in view, under and beside the map.
    assert plot["bottom"] <= boxes["#map-key"]["top"] and boxes["#map-key"]["bottom"] <= boxes["#timeline"]["top"]
    assert (
        boxes["#timeline"]["bottom"] <= DESKTOP[1] + 1
        and boxes["#timeline"]["bottom"] - boxes["#timeline"]["top"] >= 110
    )
    assert boxes["#excerpts"]["left"] >= 800 and boxes["#excerpts"]["top"] < 200
    # The how-to is behind its "?" until asked for.
    assert layout(dash_duo, ".map-help > .small")["boxes"][".map-help > .small"] is None
    dash_duo.find_element(".map-help summary").click()
    wait_until(dash_duo, lambda: layout(dash_duo, ".map-help > .small")["boxes"][".map-help > .small"], "no how-to")
    assert dash_duo.get_logs() == []


def test_at_phone_size_the_map_starts_under_a_one_row_top_bar_and_its_legend_is_outside_it(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    set_viewport(dash_duo, *PHONE)
    extras = ("#size-by", "#precise-only", "#reset-selection", "#upload", "#theme-toggle", "#summary")

    def fitted() -> dict | None:
        got = layout(dash_duo, "#map", ".topbar", *extras)
        return got if got and got["viewport"] == PHONE[1] and got["drawn"] else None

    got = wait_until(dash_duo, fitted, "the map was not drawn at phone size")
    boxes = got["boxes"]
    # The title, the counts and the theme in one row; the map right under the filters' bar (it
    # started 245 px down, under eight controls on lines of their own).
    assert boxes[".topbar"]["bottom"] - boxes[".topbar"]["top"] <= 45, boxes[".topbar"]
    assert boxes["#theme-toggle"] and boxes["#summary"]
    assert boxes["#map"]["top"] <= 130, f"the map starts {boxes['#map']['top']:.0f} px down"
    assert got["legend"]["top"] >= got["plot"]["bottom"] - 1, f"the legend hides the map's southern places: {got}"
    # The top bar's other controls open with the filters' drawer.
    hidden = ("#size-by", "#precise-only", "#reset-selection", "#upload")
    assert all(boxes[s] is None for s in hidden), boxes
    dash_duo.find_element("#filters-toggle").click()
    opened = wait_until(
        dash_duo,
        lambda: (b := layout(dash_duo, *hidden)["boxes"]) and all(b[s] for s in hidden) and b,
        "the drawer does not show the top bar's controls",
    )
    assert all(opened[s]["right"] <= PHONE[0] + 0.5 for s in hidden), opened
    assert dash_duo.get_logs() == []


# The town and place names plotly drew on the map (their boxes on the page), and the map's plot area.
TOWN_NAMES_JS = """
const gd = document.querySelector(arguments[0]), full = gd && gd._fullLayout;
if (!full || !full._size) return null;
const g = gd.getBoundingClientRect(), s = full._size, names = [];
for (const t of gd.querySelectorAll('g.trace')) {
    const trace = t.__data__ && t.__data__[0] && t.__data__[0].trace;
    if (!trace || (trace.name !== 'basemap: towns' && trace.name !== 'basemap: place names')) continue;
    for (const e of t.querySelectorAll('text')) {
        const r = e.getBoundingClientRect();
        if (r.width > 0) names.push([e.textContent, r.left, r.top, r.right, r.bottom]);
    }
}
return {names: names, plot: [g.left + s.l, g.top + s.t, g.left + s.l + s.w, g.top + s.t + s.h]};
"""


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_town_names_neither_run_into_each_other_nor_past_the_map(dash_duo, table_store, size):  # noqa: F811
    """Around Idlib the names of Aleppo and Antakya, a degree apart, ran together on a phone: which names
    fit is reckoned for the plot area the page measured (MAP_BOX "px"), not a desktop's."""
    start_app(dash_duo, table_store[0])
    set_viewport(dash_duo, *size)

    def drawn_for_this_size() -> dict | None:
        got = layout(dash_duo, "#map")
        if not got or got["viewport"] != size[1] or not got["drawn"] or not app_is_settled(dash_duo):
            return None
        px = (dash_prop(dash_duo, "map-box", "data") or {}).get("px") or PANEL_PX
        plot = got["plot"]
        if abs(px[0] - plot["width"]) > 0.1 * px[0] or abs(px[1] - plot["height"]) > 0.1 * px[1]:
            return None  # the answer for this size is not in yet
        return dash_duo.driver.execute_script(TOWN_NAMES_JS, MAP_GD)

    got = wait_until(dash_duo, drawn_for_this_size, f"the map was not drawn for {size}")
    names, (left, top, right, bottom) = got["names"], got["plot"]
    assert len(names) >= 5, names
    clashes = [
        (a[0], b[0])
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert not clashes, f"town names drawn over each other at {size}: {clashes}"
    cut = [n[0] for n in names if n[1] < left - 1 or n[3] > right + 1 or n[2] < top - 1 or n[4] > bottom + 1]
    assert not cut, f"town names cut by the map's edge at {size}: {cut}"
    assert dash_duo.get_logs() == []


# The size of the drawn map: plotly clips a geo map to its axis ranges, and leaves the rest of its
# plot area blank when the ranges' shape is not the plot area's.
GEO_CLIP_JS = """
const gd = document.querySelector(arguments[0]), full = gd && gd._fullLayout;
const clip = gd && gd.querySelector('clipPath rect');
if (!full || !full._size || !clip) return null;
return {clip: [+clip.getAttribute('width'), +clip.getAttribute('height')], plot: [full._size.w, full._size.h],
        ranged: !!(gd.layout.geo && gd.layout.geo.lonaxis && gd.layout.geo.lonaxis.range)};
"""


def test_at_phone_size_the_map_fills_its_panel_whatever_the_places_shape(dash_duo, seed_store):
    # The seed's places run from Idlib to Moscow: far higher than wide. Plotly's own fit keeps their
    # shape, a strip in the middle of the phone's panel with blank bands beside it; the map now opens
    # on their box in the panel's shape.
    start_app(dash_duo, seed_store)
    set_viewport(dash_duo, *PHONE)

    def filled() -> dict | None:
        got = dash_duo.driver.execute_script(GEO_CLIP_JS, MAP_GD)
        if not got or not got["ranged"] or not app_is_settled(dash_duo):
            return None
        (cw, ch), (pw, ph) = got["clip"], got["plot"]
        return got if pw < PHONE[0] + 1 and cw >= 0.95 * pw and ch >= 0.95 * ph else None

    wait_until(dash_duo, filled, "the phone's map is drawn in a strip of its panel")
    assert dash_duo.get_logs() == []


# Each label of the time bars with the field it names, by selector: the label's box and the field's.
PAIRS_JS = """
const out = {};
for (const [label, field] of arguments[0]) {
    const l = document.querySelector(label), f = document.querySelector(field);
    if (!l || !f) return null;
    const a = l.getBoundingClientRect(), b = f.getBoundingClientRect();
    out[label] = {label: [a.top, a.bottom, a.right], field: [b.top, b.bottom, b.left]};
}
return out;
"""


def test_at_phone_size_every_time_label_stays_on_the_line_of_its_field(dash_duo, seed_store):
    """At 390 px the time bars wrap: a label ended one line and its field began the next ("window"
    then, under it, "30"), so that a number was read as the label's before it. Each label now
    shares its field's line and stands just left of it; "last:" stays with the first preset."""
    start_app(dash_duo, seed_store)
    set_viewport(dash_duo, *PHONE)
    pairs = [
        ("label[for='play-window']", "#play-window"),
        ("label[for='play-step']", "#play-step"),
        ("label[for='date-from']", "#date-from"),
        ("label[for='date-to']", "#date-to"),
        (".datebar span.small", "#preset-7"),
    ]
    got = wait_until(
        dash_duo,
        lambda: (
            dash_duo.driver.execute_script("return innerWidth") == PHONE[0]
            and dash_duo.driver.execute_script(PAIRS_JS, pairs)
        ),
        "the time bars are not drawn at phone size",
    )
    for label, box in got.items():
        (top, bottom, right), (ftop, fbottom, left) = box["label"], box["field"]
        middle = (top + bottom) / 2
        assert ftop <= middle <= fbottom, f"{label} is not on its field's line: {box}"
        assert 0 <= left - right <= 12, f"{label} is not just before its field: {box}"
    assert dash_duo.get_logs() == []

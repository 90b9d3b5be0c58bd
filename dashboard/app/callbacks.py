"""Thin callbacks: read the selection, call the pure functions, return components."""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from pathlib import Path
from tempfile import TemporaryDirectory

import dash
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc

from dashboard import schema as S
from dashboard.app import ids
from dashboard.app.basemap import PANEL_PX, panel_px
from dashboard.app.clientside import PLAY_JS
from dashboard.app.clusters import OPEN_ASPECT
from dashboard.app.data import StoreView
from dashboard.app.download_name import download_name
from dashboard.app.excerpts import (  # noqa: F401 (report_badges, summary_text: the panel's API, re-exported)
    report_badges,
    summary_line,
    summary_text,
)
from dashboard.app.figures import map_spec, with_note
from dashboard.app.filters import Filters, parse_number
from dashboard.app.mapview import CLUSTER_PREFIX, MapView
from dashboard.app.query import (
    Selection,
    counts_line,
    places_from_selected,
    time_bin,
)
from dashboard.app.stacks import neighbours, neighbours_note, with_stack_note
from dashboard.app.state import (
    clean_view,
    restore_view,
    view_from_relayout,
)
from dashboard.app.table import views_panel as panel
from dashboard.app.timeline_figure import timeline_spec
from dashboard.app.url_sync import register_url_sync
from dashboard.app.views import DuckViews, MemoryViews, select_masks, timeline_bars  # noqa: F401 (select_masks: tests)
from dashboard.export import write_event_chunks

# Plotly reports every resize as relayoutData ({"autosize": true}); only range changes select dates.
# Filtering them in the browser keeps a resize from racing (and undoing) a drag's selection.
RANGE_ONLY_JS = """
function(r) {
    if (r && ("xaxis.range[0]" in r || "xaxis.range" in r || "xaxis.autorange" in r)) { return r; }
    return window.dash_clientside.no_update;
}
"""


# The lon/lat box the map shows, for clustering (ids.MAP_BOX): read from plotly's own projection
# (its projection.scale is relative to a fit that changes with the data, so the permalink's
# center/scale in ids.MAP_VIEW cannot give it). A click on a cluster asks the server to move the
# map to the cluster's box ("goto"). A link's view ("view", set by sync_url) holds until the user
# moves the map: then the box (which the figure carries) replaces it. The map panel's plot area
# (ids.MAP_PANEL, reported by assets/panels.js after each draw that changed it) gives the opening
# view's shape ("aspect": a degree of longitude is drawn about 0.8 of a degree of latitude at these
# latitudes) and which town names fit ("px", basemap.panel_px); asked for again only when either
# changes by a tenth. (Read at plotly's first "autosize" only, it was sometimes the plot of a page
# still being laid out, 853 × 284 px where it became 853 × 408: dcc.Graph sends an equal
# relayoutData for the later resize, which wakes no callback, and the map stayed letterboxed.)
MAP_BOX_JS = (
    """
function(relayout, click, panel, current) {
    const nu = window.dash_clientside.no_update;
    const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id).join(" ");
    const cur = current || {};
    if (trig.indexOf("clickData") >= 0) {
        const p = click && click.points && click.points[0];
        const key = p && p.customdata;
        if (typeof key === "string" && key.indexOf("__PREFIX__") === 0) {
            const box = key.slice("__PREFIX__".length).split("|").map(Number);
            return {box: box, goto: box, view: null};
        }
        return nu;
    }
    if (trig.indexOf("__PANEL__.") >= 0) {
        if (!panel || !Array.isArray(panel.px) || !(panel.px[0] > 0 && panel.px[1] > 0)) { return nu; }
        const w = panel.px[0], h = panel.px[1];
        const aspect = Math.round(w / h / 0.8 * 10) / 10;
        const was = cur.aspect || __ASPECT__, px = cur.px || __PX__;
        const reshaped = !cur.box && Math.abs(aspect - was) > 0.1 * was;
        const resized = Math.abs(w - px[0]) > 0.1 * px[0] || Math.abs(h - px[1]) > 0.1 * px[1];
        return reshaped || resized ? Object.assign({}, cur, {aspect: aspect, px: [w, h]}) : nu;
    }
    if (!relayout) { return nu; }
    const gd = document.querySelector("#__MAP__ .js-plotly-plot");
    const full = gd && gd._fullLayout;
    if (relayout.autosize) {
        window.conflictmap.watchPanel(gd, "__PANEL__");  // assets/panels.js: the plot area's size from now on
        return nu;
    }
    if (full && full.map && ("map.zoom" in relayout)) {
        const z = relayout["map.zoom"], c = relayout["map.center"] || full.map.center;
        const half = 180 / Math.pow(2, z);
        return {box: [c.lon - half, c.lon + half, c.lat - half / 2, c.lat + half / 2], goto: cur.goto || null};
    }
    if (!Object.keys(relayout).some(k => k.indexOf("geo.") === 0)) { return nu; }
    const box = window.conflictmap.geoBox(gd);  // assets/panels.js
    return box ? {box: box, goto: cur.goto || null} : nu;
}
""".replace("__PREFIX__", CLUSTER_PREFIX)
    .replace("__MAP__", ids.MAP)
    .replace("__PANEL__", ids.MAP_PANEL)
    .replace("__ASPECT__", str(OPEN_ASPECT))
    .replace("__PX__", json.dumps(list(PANEL_PX)))
)


# state.view_of_box of a box the map was sent to (a cluster's, or a chosen place's); pans after it
# change `box` only. Numbers rounded as state.to_query writes them (6 significant digits).
GOTO_VIEW_JS = """
function(box, current) {
    const nu = window.dash_clientside.no_update;
    const b = box || {}, g = b.goto;
    if (!Array.isArray(g) || g.length !== 4 || JSON.stringify(g) !== JSON.stringify(b.box)) { return nu; }
    if (!g.every(v => typeof v === 'number' && isFinite(v))) { return nu; }
    const next = {west: g[0], east: g[1], south: g[2], north: g[3]};
    return JSON.stringify(next) === JSON.stringify(current) ? nu : next;
}
"""


def panel_aspect(value: object) -> float:
    """The map panel's shape MAP_BOX_JS measured (longitude per latitude degree), within sane bounds."""
    number = parse_number(value, float)
    return OPEN_ASPECT if number is None else min(max(number, 0.4), 8.0)


def chosen_tiles(basemap: str | None, tiles: tuple[str, str] | None) -> tuple[str, str] | None:
    """The tile source when the user chose tiles and the server has one; else the offline basemap."""
    return tiles if basemap == "tiles" else None


def register_callbacks(app: dash.Dash, view: StoreView, tiles: tuple[str, str] | None = None) -> None:
    app.clientside_callback(
        RANGE_ONLY_JS,
        Output(ids.TIMELINE_RANGE, "data"),
        Input(ids.TIMELINE, "relayoutData"),
        prevent_initial_call=True,
    )
    _register_map_state(app)
    register_url_sync(app, view)
    _register_views(app, view, tiles)


def _register_map_state(app: dash.Dash) -> None:
    """The map's box and view and a lasso's places, kept in the page's stores."""
    app.clientside_callback(
        MAP_BOX_JS,
        Output(ids.MAP_BOX, "data"),
        Input(ids.MAP, "relayoutData"),
        Input(ids.MAP, "clickData"),
        Input(ids.MAP_PANEL, "data"),
        State(ids.MAP_BOX, "data"),
        prevent_initial_call=True,
    )

    # A marker click, a timeline drag, "Clear selection" and the excerpts' buttons set the selection in
    # the browser (clientside.SELECT_JS): no request before the one that redraws the views.
    @app.callback(
        Output(ids.MAP_PLACES, "data"),
        Input(ids.MAP, "selectedData"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.MAP_DOUBLE_CLICK, "data"),
        prevent_initial_call=True,
    )
    def choose_area(selected, _reset, _double_click):
        clear = dash.ctx.triggered_id in (ids.RESET, ids.MAP_DOUBLE_CLICK)
        places = [] if clear else places_from_selected(selected)
        return dash.no_update if places is None else places

    @app.callback(
        Output(ids.MAP_VIEW, "data"),
        Input(ids.MAP, "relayoutData"),
        State(ids.MAP_VIEW, "data"),
        prevent_initial_call=True,
    )
    def remember_view(relayout, current):
        nxt = view_from_relayout(relayout, current)
        return dash.no_update if nxt is None or nxt == current else nxt

    # A cluster click or a place chosen off screen (clientside.CAMERA_JS) sets box and goto to where the
    # map goes; the link keeps that box (state.view_of_box, in the browser: no request of its own).
    app.clientside_callback(
        GOTO_VIEW_JS,
        Output(ids.MAP_VIEW, "data", allow_duplicate=True),
        Input(ids.MAP_BOX, "data"),
        State(ids.MAP_VIEW, "data"),
        prevent_initial_call=True,
    )


def _register_views(app: dash.Dash, view: StoreView, tiles: tuple[str, str] | None) -> None:
    """The views redrawn for a selection (render), playback, and the selection's export."""

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.TIMELINE, "figure"),
        Output(ids.EXCERPT_NODES, "data"),
        Output(ids.SUMMARY, "children"),
        Output(ids.COUNTS, "children"),
        Output(ids.DATE_EXTENT, "data"),
        Output(ids.PLACE_OPTIONS, "data"),
        Input(ids.SELECTION, "data"),
        Input(ids.SIZE_BY, "value"),
        Input(ids.FILTERS, "data"),
        Input(ids.MEASURE, "value"),
        Input(ids.STORE_GENERATION, "data"),
        Input(ids.MAP_BOX, "data"),
        Input(ids.BASEMAP, "value"),
        Input(ids.EXCERPT_PAGE, "data"),
        Input(ids.TABLE_STATE, "data"),
    )
    def render(selection, size_by, filters, measure, _generation, map_box, basemap, page, table_state):
        sel, f, v = Selection.from_dict(selection), Filters.from_dict(filters), view.views()
        if dash.ctx.triggered_id in (ids.EXCERPT_PAGE, ids.TABLE_STATE):
            return panel_answer(v, f, sel, page, table_state)
        tiled = chosen_tiles(basemap, tiles)
        answer = views_answer(v, f, sel, size_by, measure, map_box or {}, tiled, page, table_state)
        v.after_answer(f)
        return answer

    # Playback steps in the browser (clientside.PLAY_JS, the twin of state.playback_step): a step
    # costs the redraw and the link's no-op, not a request of its own.
    app.clientside_callback(
        PLAY_JS,
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Output(ids.PLAY_INTERVAL, "disabled"),
        Output(ids.PLAY, "children"),
        Input(ids.PLAY, "n_clicks"),
        Input(ids.PLAY_INTERVAL, "n_intervals"),
        State(ids.PLAY_INTERVAL, "disabled"),
        State(ids.SELECTION, "data"),
        State(ids.DATE_EXTENT, "data"),
        State(ids.PLAY_WINDOW, "value"),
        State(ids.PLAY_STEP, "value"),
        State(ids.PLAY_CUMULATIVE, "value"),
        prevent_initial_call=True,
    )
    _register_export(app, view)


def _register_export(app: dash.Dash, view: StoreView) -> None:
    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.EXPORT_CSV, "n_clicks"),
        Input(ids.EXPORT_GEOJSON, "n_clicks"),
        State(ids.FILTERS, "data"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def export(_csv, _geojson, filters, selection):
        fmt = "geojson" if dash.ctx.triggered_id == ids.EXPORT_GEOJSON else "csv"
        f, sel = Filters.from_dict(filters), Selection.from_dict(selection)
        return export_download(view.views().chunks(f, sel), fmt, download_name(f, sel, fmt))


Views = DuckViews | MemoryViews


def panel_answer(v: Views, f: Filters, sel: Selection, page: dict | None, table_state: dict | None) -> tuple:
    """Another page, sort or view of the panel: the map and the timeline have not changed."""
    n = v.figures(f, sel)[0]
    nodes = panel(v, f, sel, n, page, table_state, v.empty_reason(f, sel, n), v.place_label(sel.place))
    also = neighbours(v.labelled(v.places(f, sel)), sel.place) if sel.place else None
    return (dash.no_update, dash.no_update, with_stack_note(nodes, neighbours_note(also)), *[dash.no_update] * 4)


def views_answer(
    v: Views,
    f: Filters,
    sel: Selection,
    size_by: str | None,
    measure: str | None,
    box: dict,
    tiles: tuple[str, str] | None,
    page: dict | None,
    table_state: dict | None,
) -> tuple:
    """render's answer: the map, the timeline, the panel, the summary and counts, the date extent and
    the places to go to. The timeline and the panel are made in threads of their own beside the
    map (each mostly waits on DuckDB, which lets the interpreter go meanwhile): the panel once the
    map's places give its count."""
    extent = v.extent(f)
    unit = _time_unit(sel, extent)
    measure = measure or "events"
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="answer") as pool:
        timeline = pool.submit(copy_context().run, _timeline, v, f, sel, unit, measure, extent)
        agg = v.labelled(v.places(f, sel))
        n, places, low, high, tolled = v.figures(f, sel)
        empty = v.empty_reason(f, sel, n)
        name = v.place_label(sel.place)
        listed = pool.submit(copy_context().run, panel, v, f, sel, n, page, table_state, empty, name)
        fig = _map_figure(agg, sel, f, size_by, box, tiles)
        total = v.total()
        stack_note = neighbours_note(neighbours(agg, sel.place))
        drawn, nodes = timeline.result(), listed.result()
    if empty:
        fig, drawn = (
            with_note(go.Figure(x, _validate=False) if isinstance(x, dict) else x, empty) for x in (fig, drawn)
        )
    return (
        fig,
        drawn,
        with_stack_note(nodes, stack_note),
        summary_line(total, n, sel, name),
        counts_line(n, places, low, high, tolled, total),
        [f"{extent[0]:%Y-%m-%d}", f"{extent[1]:%Y-%m-%d}"] if extent else None,
        place_options(agg),
    )


def _timeline(v: Views, f: Filters, sel: Selection, unit: str, measure: str, extent: tuple | None) -> dict | go.Figure:
    bars, background = v.series(f, sel, unit, measure)
    return timeline_spec(bars, sel.start, sel.end, extent, unit, measure, background)


def _time_unit(sel: Selection, extent: tuple[pd.Timestamp, pd.Timestamp] | None) -> str:
    """The timeline's bin: for the selected dates, else for the whole span."""
    if sel.start and sel.end:
        return time_bin(pd.Timestamp(sel.start), pd.Timestamp(sel.end))
    return time_bin(*extent) if extent else "day"


def _map_figure(
    agg: pd.DataFrame, sel: Selection, f: Filters, size_by: str | None, box: dict, tiles: tuple[str, str] | None
) -> dict | go.Figure:
    goto, shown = MapView.from_box(box.get("goto")), MapView.from_box(box.get("box"))
    # The figures go out as plain dicts (figures.map_spec); a plotly Figure only where one is edited.
    fig: dict | go.Figure = map_spec(
        agg,
        sel.place,
        tiles,
        size_by or "n_events",
        shown,
        goto,
        panel_aspect(box.get("aspect")),
        panel_px(box.get("px")),
    )
    # A new map area clears plotly's own selection state (kept by uirevision, by point index).
    fig["layout"]["selectionrevision"] = "|".join(f.places)
    if goto is None and shown is None and clean_view(box.get("view")):  # until the map moves, a link's view
        fig = restore_view(go.Figure(fig, _validate=False), box.get("view"))
    return fig


PLACE_OPTIONS = 300  # the busiest places in view: a list to type into, not every village of a large store


def place_options(places: pd.DataFrame, limit: int = PLACE_OPTIONS) -> list[dict]:
    """ "Go to place" choices: the places the map shows, busiest first, by their unique labels."""
    if not len(places):
        return []
    located = np.flatnonzero(places[S.LATITUDE].notna().to_numpy())
    n_events = places["n_events"].to_numpy(dtype=np.int64)[located]
    # Busiest first, ties in the aggregate's order (as DataFrame.nlargest keeps them), on arrays:
    # the DataFrame path cost ~3 ms an answer.
    top = located[np.argsort(-n_events, kind="stable")[:limit]]
    names, counts, keys = (places[c].to_numpy(dtype=object)[top] for c in ("label", "n_events", S.PLACE_KEY))
    return [
        {"label": f"{name} — {int(n):,} event{'s' * (int(n) != 1)}", "value": key}
        for name, n, key in zip(names, counts, keys, strict=True)
    ]


def export_download(chunks: Iterable[pd.DataFrame], fmt: str, name: str | None = None) -> dict:
    """The selection as a download named `name` (download_name's), written by the same function as
    `conflictmap export` (piece by piece: a large selection is never one DataFrame)."""
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / (name or download_name(Filters(), Selection(), fmt))
        write_event_chunks(chunks, fmt, path)
        return dcc.send_file(str(path))

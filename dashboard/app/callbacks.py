"""Thin callbacks: read the selection, call the pure functions, return components."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlparse

import dash
import pandas as pd
from dash import ALL, Input, Output, State, dcc, html

from dashboard import schema as S
from dashboard.app import engine as E
from dashboard.app import ids
from dashboard.app.data import StoreView
from dashboard.app.figures import map_figure, precision_label, timeline_figure, type_color
from dashboard.app.filters import Filters
from dashboard.app.panels import excerpt_actions
from dashboard.app.query import (
    Selection,
    counts_line,
    excerpt_records,
    format_date,
    next_selection,
    places_from_selected,
    split_highlights,
    time_bin,
)
from dashboard.app.state import (
    Playback,
    ViewState,
    box_of_view,
    clean_view,
    from_query,
    playback_done,
    playback_step,
    restore_view,
    to_query,
    view_from_relayout,
    view_of_box,
)
from dashboard.app.views import CHOICES, choice_lists, select_masks, timeline_bars  # noqa: F401 (tests)
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
# moves the map: then the box (which the figure carries) replaces it.
MAP_BOX_JS = """
function(relayout, click, current) {
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
    if (!relayout) { return nu; }
    const gd = document.querySelector("#__MAP__ .js-plotly-plot");
    const full = gd && gd._fullLayout;
    if (full && full.map && ("map.zoom" in relayout)) {
        const z = relayout["map.zoom"], c = relayout["map.center"] || full.map.center;
        const half = 180 / Math.pow(2, z);
        return {box: [c.lon - half, c.lon + half, c.lat - half / 2, c.lat + half / 2], goto: cur.goto || null};
    }
    const sp = full && full.geo && full.geo._subplot;
    if (!sp || !sp.bounds || !Object.keys(relayout).some(k => k.indexOf("geo.") === 0)) { return nu; }
    const b = sp.bounds, lon = [], lat = [];
    for (let i = 0; i <= 8; i++) {
        for (let j = 0; j <= 8; j++) {
            const q = sp.projection.invert([b[0][0] + (b[1][0] - b[0][0]) * i / 8,
                                            b[0][1] + (b[1][1] - b[0][1]) * j / 8]);
            if (q && isFinite(q[0]) && isFinite(q[1])) { lon.push(q[0]); lat.push(q[1]); }
        }
    }
    if (!lon.length) { return nu; }
    const box = [Math.max(-180, Math.min(...lon)), Math.min(180, Math.max(...lon)),
                 Math.max(-90, Math.min(...lat)), Math.min(90, Math.max(...lat))];
    return {box: box, goto: cur.goto || null};
}
""".replace("__PREFIX__", E.CLUSTER_PREFIX).replace("__MAP__", ids.MAP)
# The newest 50 sentences: more than a screenful to read, ~120 kB on the wire with their buttons (the
# panel says how many there are); building and encoding them is the largest part of an answer.
EXCERPT_LIMIT = 50
# The controls the permalink mirrors, in the order of ViewState <-> control values below.
CONTROL_PROPS = [*((c, "value") for c in CHOICES), (ids.FILTER_MIN_FATALITIES, "value"),
                 (ids.FILTER_MIN_CONFIDENCE, "value"), (ids.FILTER_TEXT, "value"), (ids.PRECISE_ONLY, "value"),
                 (ids.MEASURE, "value"), (ids.SIZE_BY, "value")]
STORE_PROPS = [(ids.MAP_PLACES, "data"), (ids.SELECTION, "data"), (ids.MAP_VIEW, "data")]


def state_from_controls(values: list) -> ViewState:
    """The ViewState of the control values, in CONTROL_PROPS + STORE_PROPS order."""
    *choices, minf, minc, text, precise, measure, size_by, places, selection, view = values
    filters = Filters.from_dict({
        **{ids.CHOICE_FILTERS[c]: v for c, v in zip(CHOICES, choices, strict=True)},
        "min_fatalities": minf, "min_confidence": minc, "text": text, "precise_only": bool(precise),
        "places": places,
    })
    return ViewState(filters, Selection.from_dict(selection), clean_view(view), measure or "events",
                     size_by or "n_events")


def controls_from_state(state: ViewState) -> list:
    """The control values that show `state`: the inverse of state_from_controls."""
    f = state.filters
    return [*(list(getattr(f, ids.CHOICE_FILTERS[c])) for c in CHOICES), f.min_fatalities, f.min_confidence,
            f.text, ["on"] if f.precise_only else [], state.measure, state.size_by, list(f.places),
            state.selection.to_dict(), state.view_dict()]


def chosen_tiles(basemap: str | None, tiles: tuple[str, str] | None) -> tuple[str, str] | None:
    """The tile source when the user chose tiles and the server has one; else the offline basemap."""
    return tiles if basemap == "tiles" else None


def register_callbacks(app: dash.Dash, view: StoreView, tiles: tuple[str, str] | None = None) -> None:
    app.clientside_callback(RANGE_ONLY_JS, Output(ids.TIMELINE_RANGE, "data"), Input(ids.TIMELINE, "relayoutData"),
                            prevent_initial_call=True)
    app.clientside_callback(MAP_BOX_JS, Output(ids.MAP_BOX, "data"), Input(ids.MAP, "relayoutData"),
                            Input(ids.MAP, "clickData"), State(ids.MAP_BOX, "data"), prevent_initial_call=True)

    @app.callback(
        Output(ids.SELECTION, "data"),
        Input(ids.TIMELINE_RANGE, "data"),
        Input(ids.MAP, "clickData"),
        Input(ids.RESET, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def update_selection(relayout, click, _reset, current):
        kind = {ids.RESET: "reset", ids.TIMELINE_RANGE: "range", ids.MAP: "click"}.get(dash.ctx.triggered_id)
        if kind == "click" and E.is_cluster_key(((click or {}).get("points") or [{}])[0].get("customdata")):
            return dash.no_update  # a cluster zooms the map (MAP_BOX_JS); it selects no place
        nxt = next_selection(kind, relayout, click, Selection.from_dict(current))
        return dash.no_update if nxt is None else nxt.to_dict()

    @app.callback(Output(ids.MAP_PLACES, "data"), Input(ids.MAP, "selectedData"), Input(ids.RESET, "n_clicks"),
                  Input(ids.MAP_DOUBLE_CLICK, "data"), prevent_initial_call=True)
    def choose_area(selected, _reset, _double_click):
        clear = dash.ctx.triggered_id in (ids.RESET, ids.MAP_DOUBLE_CLICK)
        places = [] if clear else places_from_selected(selected)
        return dash.no_update if places is None else places

    @app.callback(Output(ids.MAP_VIEW, "data"), Input(ids.MAP, "relayoutData"), State(ids.MAP_VIEW, "data"),
                  prevent_initial_call=True)
    def remember_view(relayout, current):
        nxt = view_from_relayout(relayout, current)
        return dash.no_update if nxt is None or nxt == current else nxt

    @app.callback(Output(ids.MAP_VIEW, "data", allow_duplicate=True), Input(ids.MAP_BOX, "data"),
                  State(ids.MAP_VIEW, "data"), prevent_initial_call=True)
    def remember_cluster_box(box, current):
        # A cluster click sets box and goto to the cluster's box (MAP_BOX_JS); pans after it change box only.
        box = box or {}
        nxt = view_of_box(box.get("goto")) if box.get("goto") and box.get("goto") == box.get("box") else None
        return dash.no_update if nxt is None or nxt == current else nxt

    @app.callback(
        Output(ids.FILTERS, "data"),
        *(Input(c, p) for c, p in CONTROL_PROPS[:-2]), Input(ids.MAP_PLACES, "data"),
        # The layout starts with the empty filters: collecting them again would draw every view twice.
        prevent_initial_call=True,
    )
    def collect_filters(*values):
        *choices, minf, minc, text, precise, places = values
        state = state_from_controls([*choices, minf, minc, text, precise, None, None, places, None, None])
        return state.filters.to_dict()

    @app.callback(
        Output(ids.URL, "search"),
        *(Output(c, p) for c, p in CONTROL_PROPS),
        *(Output(c, p, allow_duplicate=True) for c, p in STORE_PROPS),
        *(Output(c, "options") for c in CHOICES),
        Output(ids.MAP_BOX, "data", allow_duplicate=True),
        Input(ids.URL, "search"),
        Input(ids.CLEAR_FILTERS, "n_clicks"),
        Input(ids.STORE_GENERATION, "data"),
        Input(ids.PLAY_INTERVAL, "disabled"),
        *(Input(c, p) for c, p in CONTROL_PROPS + STORE_PROPS),
        prevent_initial_call="initial_duplicate",
    )
    def sync_url(search, _clear, _generation, stopped, *values):
        # One callback both ways (URL -> controls on load/back, controls -> URL on change): Dash
        # allows a component to be input and output of the same callback, not across two. It also
        # fills the dropdowns, in the same response as their values: a dropdown drops values its
        # options lack, so restored values must never arrive before their options.
        n = len(CONTROL_PROPS) + len(STORE_PROPS)
        keep_options = [dash.no_update] * (len(CHOICES) + 1)  # and the map box
        current = state_from_controls(list(values))
        trigger = dash.ctx.triggered_id
        if trigger == ids.CLEAR_FILTERS:
            cleared = replace(current, filters=Filters())
            return [to_query(cleared), *controls_from_state(cleared), *keep_options]
        if trigger == ids.STORE_GENERATION:
            return [dash.no_update] * (n + 1) + view.views().choices(current.filters) + [dash.no_update]
        if trigger is None or trigger == ids.URL:
            wanted = from_query(search)
            options = view.views().choices(wanted.filters)
            if wanted == current:
                return [dash.no_update] * (n + 1) + options + [dash.no_update]
            # The link's map view goes to the map once (see MAP_BOX_JS and state.restore_view).
            # A cluster's box goes to the map as a click on the cluster would send it.
            box = box_of_view(wanted.view_dict())
            move = dash.no_update if wanted.view == current.view else {"box": box, "goto": box, "view": None} \
                if box else {"box": None, "goto": None, "view": wanted.view_dict()}
            return [dash.no_update, *controls_from_state(wanted), *options, move]
        # Each URL change is a browser-history entry: playback steps would bury the user's own
        # steps, so the link is written when playback stops (this callback runs again then).
        if stopped is False:
            return [dash.no_update] * (n + 1) + keep_options
        query = to_query(current)
        return [dash.no_update if query == (search or "") else query] + [dash.no_update] * n + keep_options

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.TIMELINE, "figure"),
        Output(ids.EXCERPTS, "children"),
        Output(ids.SUMMARY, "children"),
        Output(ids.COUNTS, "children"),
        Input(ids.SELECTION, "data"),
        Input(ids.SIZE_BY, "value"),
        Input(ids.FILTERS, "data"),
        Input(ids.MEASURE, "value"),
        Input(ids.STORE_GENERATION, "data"),
        Input(ids.MAP_BOX, "data"),
        Input(ids.BASEMAP, "value"),
    )
    def render(selection, size_by, filters, measure, _generation, map_box, basemap):
        sel, f, v = Selection.from_dict(selection), Filters.from_dict(filters), view.views()
        extent = v.extent(f)
        unit = time_bin(pd.Timestamp(sel.start), pd.Timestamp(sel.end)) if sel.start and sel.end else \
            time_bin(*extent) if extent else "day"
        measure = measure or "events"
        bars, background = v.series(f, sel, unit, measure)
        box = map_box or {}
        goto, shown = E.MapView.from_box(box.get("goto")), E.MapView.from_box(box.get("box"))
        fig = map_figure(v.places(f, sel), sel.place, chosen_tiles(basemap, tiles),
                         size_by or "n_events", shown, goto)
        if goto is None and shown is None:  # until the map moves, the view a link opened with
            fig = restore_view(fig, box.get("view"))
        # A new map area clears plotly's own selection state (kept by uirevision, by point index).
        fig.update_layout(selectionrevision="|".join(f.places))
        n, places, deaths = v.figures(f, sel)
        return (fig, timeline_figure(bars, sel.start, sel.end, extent, unit, measure, background),
                excerpts_list(v.newest(f, sel, EXCERPT_LIMIT), n, sel),
                summary_line(v.n, n, sel), counts_line(n, places, deaths, v.n))

    @app.callback(
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Output(ids.PLAY_INTERVAL, "disabled"),
        Output(ids.PLAY, "children"),
        Input(ids.PLAY, "n_clicks"),
        Input(ids.PLAY_INTERVAL, "n_intervals"),
        State(ids.PLAY_INTERVAL, "disabled"),
        State(ids.SELECTION, "data"),
        State(ids.FILTERS, "data"),
        State(ids.PLAY_WINDOW, "value"),
        State(ids.PLAY_STEP, "value"),
        State(ids.PLAY_CUMULATIVE, "value"),
        prevent_initial_call=True,
    )
    def play(_clicks, _ticks, stopped, selection, filters, window, step, cumulative):
        pressed = dash.ctx.triggered_id == ids.PLAY
        if pressed and not stopped:
            return dash.no_update, True, "▶ Play"
        if not pressed and stopped:
            return dash.no_update, dash.no_update, dash.no_update
        extent = view.views().extent(Filters.from_dict(filters))
        sel = Selection.from_dict(selection)
        if extent is None or (not pressed and playback_done(sel.end, extent[1])):
            return dash.no_update, True, "▶ Play"
        p = Playback(int(window or 30), int(step or 7), bool(cumulative))
        start, end = playback_step(sel.start, sel.end, *extent, p)
        return replace(sel, start=start, end=end).to_dict(), False, "❚❚ Pause"

    @app.callback(
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Input({"type": ids.PICK_EVENT, "event": ALL}, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def pick_event(_clicks, current):
        # New excerpt buttons also fire this callback (n_clicks None): only a real click selects.
        trigger = dash.ctx.triggered_id
        if not trigger or not dash.ctx.triggered[0].get("value"):
            return dash.no_update
        sel = Selection.from_dict(current)
        return replace(sel, event=None if sel.event == trigger["event"] else trigger["event"]).to_dict()

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
        chunks = view.views().chunks(Filters.from_dict(filters), Selection.from_dict(selection))
        return export_download(chunks, fmt)


def export_download(chunks: Iterable[pd.DataFrame], fmt: str) -> dict:
    """The selection as a download, written by the same function as `conflictmap export` (piece by
    piece: a large selection is never one DataFrame)."""
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"conflictmap-selection.{fmt}"
        write_event_chunks(chunks, fmt, path)
        return dcc.send_file(str(path))


def _count(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def node(kind: str, children: object = None, **props: object) -> dict:
    """An html component as the JSON Dash sends for it (html.<kind>(children, **props)): an answer
    lists ~800 of them, and building Component objects cost more than computing the views."""
    if children is not None:
        props["children"] = children
    return {"type": kind, "namespace": "dash_html_components", "props": props}


def report_badges(r: dict) -> list:
    """Injured and displaced counts, and what the other reports of the same event say."""
    out = []
    for col, word in ((S.INJURED, "injured"), (S.DISPLACED, "displaced")):
        n = _count(r.get(col))
        if n is not None:
            out.append(html.Span(f"{n:,} {word}", className="counts"))
    sources = _count(r.get(S.N_SOURCES)) or 1
    low, high = _count(r.get(S.FATALITIES_LOW)), _count(r.get(S.FATALITIES_HIGH))
    if sources > 1:
        out.append(html.Span(f"{sources} sources", className="sources", title="outlets reporting this event"))
    if low is not None and high is not None and low != high:
        out.append(html.Span(f"reports: {low}–{high} killed", className="deaths-range"))
    return out


def is_web_link(url: object) -> bool:
    """Only http(s) article URLs become links; anything else (javascript:, data:) stays text."""
    return isinstance(url, str) and urlparse(url.strip()).scheme in ("http", "https")


def summary_text(events: pd.DataFrame, listed: pd.DataFrame, sel: Selection) -> str:
    """"N of M events" for the listed selection, with its date range and place."""
    return summary_line(len(events), len(listed), sel)


def summary_line(n_events: int, n_listed: int, sel: Selection) -> str:
    """summary_text from the counts alone."""
    if not n_events:
        return "No events in the store yet: run `conflictmap ingest PATH`."
    parts = [f"{n_listed:,} of {n_events:,} events"]
    if sel.start or sel.end:
        parts.append(f"{(sel.start or '…')[:10]} → {(sel.end or '…')[:10]}")
    if sel.place:
        parts.append(sel.place.split("|")[0])
    return " · ".join(parts)


def excerpts_list(df: pd.DataFrame, total: int, sel: Selection, limit: int = EXCERPT_LIMIT) -> list:
    """The panel for the first `limit` rows of df (newest first) out of `total` listed events."""
    records = excerpt_records(df, limit)
    heading = f"Excerpts — {sel.place.split('|')[0]}" if sel.place else "Excerpts"
    if not records:
        return [node("H2", heading), node("P", "Click a marker to read the sentences behind it.", className="hint")]
    items = [node("H2", heading), node("P", f"{total:,} event(s){', newest first' if total > 1 else ''}"
                                      + (f"; showing {limit}" if total > limit else ""), className="hint")]
    for r in records:
        spans = [(*r["place_span"], "place")]
        if r["trigger_span"]:
            spans.append((*r["trigger_span"], "trigger"))
        sentence = [node("Mark", piece, className=f"hl-{kind}") if kind else piece
                    for piece, kind in split_highlights(r[S.EXCERPT], spans)]
        title = r[S.TITLE] or "(untitled)"
        link = node("A", title, href=r[S.URL], target="_blank", rel="noopener noreferrer") \
            if is_web_link(r[S.URL]) else node("Span", title)
        deaths = r[S.FATALITIES]
        meta = [node("Span", format_date(r[S.EVENT_DATE], r[S.DATE_PRECISION]), className="date"),
                node("Span", r[S.SUB_EVENT_TYPE] or r[S.EVENT_TYPE], className="etype",
                          style={"borderColor": type_color(r[S.EVENT_TYPE])})]
        if deaths is not None and deaths == deaths:
            meta.append(node("Span", f"{int(deaths)} killed", className="deaths"))
        meta.extend(report_badges(r))
        if r[S.IS_FUTURE]:
            meta.append(node("Span", "scheduled", className="future"))
        meta.append(node("Span", f"{r[S.LOCATION]} ({precision_label(r[S.GEO_PRECISION])})",
                              className="where"))
        pub = format_date(r[S.PUBLISHED], "day") + (" (inferred)" if r[S.PUBLISHED_INFERRED] else "")
        chosen = sel.event is not None and r[S.EVENT_ID] == sel.event
        meta.append(node("Button", "selected" if chosen else "select", className="pick",
                                id={"type": ids.PICK_EVENT, "event": r[S.EVENT_ID]},
                                title="select this event (kept in the page's link)",
                                **{"aria-pressed": "true" if chosen else "false"}))
        items.append(node("Article", className="excerpt selected" if chosen else "excerpt", children=[
            node("Div", meta, className="meta"),
            node("Blockquote", sentence, className="sentence"),
            node("Div", [link, node("Span", f" — {r[S.SOURCE]}, published {pub}", className="source")],
                     className="cite"),
            excerpt_actions(r[S.EVENT_ID]),
        ]))
    return items

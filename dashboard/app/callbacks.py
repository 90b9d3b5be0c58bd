"""Thin callbacks: read the selection, call the pure functions, return components."""

from __future__ import annotations

from urllib.parse import urlparse

import dash
import pandas as pd
from dash import Input, Output, State, html

from dashboard import schema as S
from dashboard.app import engine as E
from dashboard.app import ids
from dashboard.app.data import StoreView
from dashboard.app.figures import map_figure, precision_label, timeline_figure, type_color
from dashboard.app.query import (
    Selection,
    excerpt_records,
    format_date,
    next_selection,
    split_highlights,
    time_bin,
)

# Plotly reports every resize as relayoutData ({"autosize": true}); only range changes select dates.
# Filtering them in the browser keeps a resize from racing (and undoing) a drag's selection.
RANGE_ONLY_JS = """
function(r) {
    if (r && ("xaxis.range[0]" in r || "xaxis.range" in r || "xaxis.autorange" in r)) { return r; }
    return window.dash_clientside.no_update;
}
"""

# The map's view as a lon/lat box, for clustering: read from plotly's own projection (its
# projection.scale is relative to a fit that changes with the data, so it cannot be used alone).
# A click on a cluster asks the server to move the map to the cluster's box ("goto").
MAP_VIEW_JS = """
function(relayout, click, current) {
    const nu = window.dash_clientside.no_update;
    const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id).join(" ");
    const cur = current || {};
    if (trig.indexOf("clickData") >= 0) {
        const p = click && click.points && click.points[0];
        const key = p && p.customdata;
        if (typeof key === "string" && key.indexOf("__PREFIX__") === 0) {
            const box = key.slice("__PREFIX__".length).split("|").map(Number);
            return {box: box, goto: box};
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


def register_callbacks(app: dash.Dash, view: StoreView, tiles: tuple[str, str] | None = None) -> None:
    app.clientside_callback(RANGE_ONLY_JS, Output(ids.TIMELINE_RANGE, "data"), Input(ids.TIMELINE, "relayoutData"),
                            prevent_initial_call=True)
    app.clientside_callback(MAP_VIEW_JS, Output(ids.MAP_VIEW, "data"), Input(ids.MAP, "relayoutData"),
                            Input(ids.MAP, "clickData"), State(ids.MAP_VIEW, "data"), prevent_initial_call=True)

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
            return dash.no_update  # a cluster zooms the map (MAP_VIEW_JS); it selects no place
        nxt = next_selection(kind, relayout, click, Selection.from_dict(current))
        return dash.no_update if nxt is None else nxt.to_dict()

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.TIMELINE, "figure"),
        Output(ids.EXCERPTS, "children"),
        Output(ids.SUMMARY, "children"),
        Input(ids.SELECTION, "data"),
        Input(ids.SIZE_BY, "value"),
        Input(ids.PRECISE_ONLY, "value"),
        Input(ids.MAP_VIEW, "data"),
    )
    def render(selection, size_by, precise, map_view):
        sel = Selection.from_dict(selection)
        ix = view.index()
        events = E.precise_mask(ix, bool(precise))
        in_time = events & E.date_mask(ix, sel.start, sel.end)
        at = E.place_mask(ix, sel.place)
        listed = in_time & at
        extent = E.date_extent(ix, events)
        unit = time_bin(pd.Timestamp(sel.start), pd.Timestamp(sel.end)) if sel.start and sel.end else \
            time_bin(*extent) if extent else "day"
        mv = map_view or {}
        n_listed = int(listed.sum())
        return (map_figure(E.places_aggregate(ix, in_time), sel.place, tiles, size_by or "n_events",
                           E.MapView.from_box(mv.get("box")), E.MapView.from_box(mv.get("goto"))),
                timeline_figure(E.timeline_counts(ix, events & at & E.around(ix, sel.start, sel.end), unit),
                                sel.start, sel.end, extent, unit),
                excerpts_list(E.rows_frame(ix, E.newest_rows(ix, listed, EXCERPT_LIMIT)), n_listed, sel),
                summary_line(ix.n, n_listed, sel))


# The newest 100 sentences: a screenful to read, ~150 kB on the wire (the panel says how many there are).
EXCERPT_LIMIT = 100


def _count(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


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


def excerpts_panel(df, sel: Selection, limit: int = EXCERPT_LIMIT) -> list:
    return excerpts_list(df, len(df), sel, limit)


def excerpts_list(df, total: int, sel: Selection, limit: int = EXCERPT_LIMIT) -> list:
    """The panel for the first `limit` rows of df (newest first) out of `total` listed events."""
    records = excerpt_records(df, limit)
    heading = f"Excerpts — {sel.place.split('|')[0]}" if sel.place else "Excerpts"
    if not records:
        return [html.H2(heading), html.P("Click a marker to read the sentences behind it.", className="hint")]
    items = [html.H2(heading), html.P(f"{total:,} event(s){', newest first' if total > 1 else ''}"
                                      + (f"; showing {limit}" if total > limit else ""), className="hint")]
    for r in records:
        spans = [(*r["place_span"], "place")]
        if r["trigger_span"]:
            spans.append((*r["trigger_span"], "trigger"))
        sentence = [html.Mark(piece, className=f"hl-{kind}") if kind else piece
                    for piece, kind in split_highlights(r[S.EXCERPT], spans)]
        title = r[S.TITLE] or "(untitled)"
        link = html.A(title, href=r[S.URL], target="_blank", rel="noopener noreferrer") \
            if is_web_link(r[S.URL]) else html.Span(title)
        deaths = r[S.FATALITIES]
        meta = [html.Span(format_date(r[S.EVENT_DATE], r[S.DATE_PRECISION]), className="date"),
                html.Span(r[S.SUB_EVENT_TYPE] or r[S.EVENT_TYPE], className="etype",
                          style={"borderColor": type_color(r[S.EVENT_TYPE])})]
        if deaths is not None and deaths == deaths:
            meta.append(html.Span(f"{int(deaths)} killed", className="deaths"))
        meta.extend(report_badges(r))
        if r[S.IS_FUTURE]:
            meta.append(html.Span("scheduled", className="future"))
        meta.append(html.Span(f"{r[S.LOCATION]} ({precision_label(r[S.GEO_PRECISION])})",
                              className="where"))
        pub = format_date(r[S.PUBLISHED], "day") + (" (inferred)" if r[S.PUBLISHED_INFERRED] else "")
        items.append(html.Article(className="excerpt", children=[
            html.Div(meta, className="meta"),
            html.Blockquote(sentence, className="sentence"),
            html.Div([link, html.Span(f" — {r[S.SOURCE]}, published {pub}", className="source")],
                     className="cite"),
        ]))
    return items

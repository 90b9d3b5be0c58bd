"""Figures built from DataFrames by pure functions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import schema as S
from dashboard.app.basemap import BASEMAP_PREFIX, PANEL_PX, TOWN_NAMES, basemap_traces
from dashboard.app.clusters import OPEN_ASPECT, bulk_view, cluster_positions, opening_view, tall_panel_view
from dashboard.app.map_hover import cluster_hover, place_hover, place_names, short_count
from dashboard.app.map_labels import busiest_place_names
from dashboard.app.mapview import MapView
from dashboard.app.stacks import stacked_singles
from dashboard.app.type_mix import MIX_PREFIX, ring_layers, ring_traces

TYPE_COLORS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#8c1c13",
    "Protests": "#2ca02c",
    "Riots": "#bcbd22",
    "Strategic developments": "#9467bd",
    "Diplomacy": "#1f77b4",
    "Political": "#17becf",
    "Displacement": "#e377c2",
    "Other": "#7f7f7f",
}


TILE_PRESETS = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    "carto": ("https://basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png", "© OpenStreetMap contributors © CARTO"),
}


def type_color(event_type: str) -> str:
    return TYPE_COLORS.get(event_type, "#7f7f7f")


def marker_size(n: pd.Series, biggest: float | None = None) -> pd.Series:
    """Marker diameter in px: area grows with the count, from 9 px for one event to 42 px for the largest."""
    top = max(float(biggest if biggest is not None else n.max() if len(n) else 1), 1.0)
    values = np.sqrt(np.maximum(n.astype(float).to_numpy(), 1.0) - 1) / math.sqrt(max(top - 1, 1.0))
    return pd.Series(9 + 33 * values, index=n.index)


def tile_style(url: str, attribution: str) -> dict:
    """A MapLibre style with one raster tile source and nothing else fetched (no glyphs, no sprites)."""
    return {
        "version": 8,
        "sources": {"tiles": {"type": "raster", "tiles": [url], "tileSize": 256, "attribution": attribution}},
        "layers": [{"id": "tiles", "type": "raster", "source": "tiles"}],
    }


def map_figure(
    places: pd.DataFrame,
    selected: str | None = None,
    tiles: tuple[str, str] | None = None,
    size_by: str = "n_events",
    view: MapView | None = None,
    goto: MapView | None = None,
    aspect: float = OPEN_ASPECT,
) -> go.Figure:
    """map_spec as a plotly Figure (unvalidated: built from known-good literals)."""
    return go.Figure(map_spec(places, selected, tiles, size_by, view, goto, aspect), _validate=False)


def map_spec(
    places: pd.DataFrame,
    selected: str | None = None,
    tiles: tuple[str, str] | None = None,
    size_by: str = "n_events",
    view: MapView | None = None,
    goto: MapView | None = None,
    aspect: float = OPEN_ASPECT,
    px: tuple[int, int] = PANEL_PX,
) -> dict:
    """The map as the plain {"data", "layout"} dict Dash sends (the callback answers with it: a
    plotly Figure deep-copies it twice and turns its arrays into base64 on the way out, ~10 ms an
    answer). One marker per place, coloured by its main event type, sized by its number of events (or deaths);
    nearby places merge into count-labelled clusters when there are many (see engine.cluster_places).

    Country- and province-level places are drawn hollow (or faded on tiles): the marker is a
    centroid, not a spot. `view` is what the map shows now (None: all the data); `goto` is a box
    to move the map to (a clicked cluster's). With `tiles` (url, attribution) the markers go on a
    tile basemap; without, on the bundled offline basemap. `aspect` is the panel's shape
    (longitude per latitude degree) the opening view is fitted to, `px` its plot area (pixels: which
    town names fit).
    """
    single_rows, clusters = cluster_positions(places, view, selected, size_by)
    singles = stacked_singles(places, single_rows, selected, size_by)  # one marker per point
    biggest = max([1.0, *singles["_size"].astype(float), *clusters["size"].astype(float)])
    if tiles is not None:
        return _tile_map_spec(
            singles, clusters, selected, tiles, biggest, goto or view, opening_view(places, aspect), size_by
        )
    traces = _geo_traces(singles, clusters, selected, biggest)
    # The figure itself carries the view (a clicked cluster's box, else where the user zoomed), under a
    # uirevision of its own: plotly's kept GUI zoom did not survive the re-render a zoom triggers.
    # Until the user moves the map it fits the places (on a phone's tall panel, their box in its shape),
    # or the bulk of the events when a few lie far away, under the plain uirevision: refitted on a filter.
    target = goto or view
    shown = target or bulk_view(places, aspect=aspect) or tall_panel_view(places, aspect)
    box = shown.box() if shown is not None else None
    traces = with_scenery(traces, shown or opening_view(places, aspect), px, singles, biggest, shown is None)
    geo = _geo_layout(shown, places, box)
    layout = dict(
        geo=geo,
        margin=dict(l=0, r=0, t=0, b=0),
        clickmode="event",
        uirevision="map" if target is None else "map|" + "|".join(f"{v:.4f}" for v in target.box()),
        legend=map_legend(size_by),
    )
    # Built from known-good literals on every request: plotly's per-property validation would cost
    # more than all the rest of the map (the browser tests draw these figures instead).
    return dict(data=traces, layout=layout)


def with_scenery(
    traces: list[dict],
    view: MapView | None,
    px: tuple[int, int] = PANEL_PX,
    singles: pd.DataFrame | None = None,
    biggest: float = 1.0,
    fitted: bool = False,
) -> list[dict]:
    """The markers' traces between the basemap's (basemap.py) for what the map opens on or shows:
    provinces under the markers, town names over them (under them Aleppo's read "ppo"), and the
    busiest places' names beside their markers (map_labels.py; `singles`: the places drawn as
    markers; `fitted`: plotly fits the map, no box yet). No name takes a hover, click or lasso."""
    scenery = basemap_traces(view, px, fitted)
    over = [t for t in scenery if t["name"] == TOWN_NAMES]
    out = [t for t in scenery if t["name"] != TOWN_NAMES] + traces + over
    if singles is not None:
        names = busiest_place_names(singles, marker_size(singles["_size"], biggest).to_numpy(), view, px, over, fitted)
        out += [names] if names else []
    return out


def _geo_traces(singles: pd.DataFrame, clusters: pd.DataFrame, selected: str | None, biggest: float) -> list[dict]:
    """The offline map's markers: places by main type (hollow when not a spot), type mixes, clusters."""
    traces = []
    for event_type, cols in _by_main_type(singles, biggest):
        traces.append(
            dict(
                type="scattergeo",
                lat=cols["lat"],
                lon=cols["lon"],
                mode="markers",
                name=event_type,
                customdata=cols["key"],
                text=cols["name"],
                hovertext=cols["hover"],
                hoverinfo="text",
                marker=dict(
                    size=cols["size"],
                    color=type_color(event_type),
                    symbol=np.where(cols["precise"], "circle", "circle-open").tolist(),
                    line=dict(width=[3 if k == selected else 1 for k in cols["key"]], color="#111"),
                    opacity=0.85,
                ),
            )
        )
    traces += mix_traces(singles, biggest, "scattergeo")
    if not clusters.empty:
        trace = cluster_trace(clusters, biggest, "scattergeo")
        trace["textfont"] = dict(color="#fff", size=10)
        trace["marker"]["line"] = dict(width=1, color="#fff")
        traces.append(trace)
    return traces


def cluster_trace(clusters: pd.DataFrame, biggest: float, kind: str) -> dict:
    """The trace of the map's cluster markers (a count each), for plotly's geo or tile map."""
    return dict(
        type=kind,
        lat=clusters[S.LATITUDE].to_numpy(),
        lon=clusters[S.LONGITUDE].to_numpy(),
        mode="markers+text",
        name=CLUSTER_NAME,
        customdata=clusters["key"].to_list(),
        text=[short_count(n) for n in clusters["n_events"]],
        hovertext=cluster_hover(clusters),
        hoverinfo="text",
        marker=dict(
            size=marker_size(clusters["size"], biggest).clip(lower=18).to_numpy(),
            color=CLUSTER_COLOR,
            opacity=0.8,
        ),
    )


def _geo_layout(shown: MapView | None, places: pd.DataFrame, box: list[float] | None) -> dict:
    """The offline basemap (plotly's geo), on `box` when there is one, else fitted to the places."""
    geo = dict(
        projection=dict(type="natural earth"),
        showcountries=True,
        countrycolor="#9a9a9a",
        showcoastlines=True,
        coastlinecolor="#7a7a7a",
        showland=True,
        landcolor="#f3f1ea",
        showocean=True,
        oceancolor="#dfeaf2",
        showlakes=True,
        lakecolor="#dfeaf2",
        showrivers=True,
        rivercolor="#a9c8dc",
        riverwidth=1,
        resolution=basemap_resolution(shown, places),
        fitbounds="locations" if box is None and not places.empty else False,
    )
    if box is not None:
        geo.update(
            lonaxis=dict(range=box[:2]),
            lataxis=dict(range=box[2:]),
            projection=dict(type="natural earth", scale=1),
            center=dict(lon=(box[0] + box[1]) / 2, lat=(box[2] + box[3]) / 2),
        )
    return geo


def _by_main_type(singles: pd.DataFrame, biggest: float) -> list[tuple[str, dict]]:
    """The markers' columns split by main type (types by name; places without one are not drawn), each
    column read once for all places (a pandas groupby and per-group column reads cost ~15 ms an answer)."""
    if singles.empty:
        return []
    main = singles["main_type"].to_numpy(dtype=object)
    typed = np.array([isinstance(t, str) for t in main], dtype=bool)
    if not typed.any():
        return []
    cols = dict(
        lat=singles[S.LATITUDE].to_numpy(),
        lon=singles[S.LONGITUDE].to_numpy(),
        key=np.array(singles[S.PLACE_KEY].to_list() + [None], dtype=object)[:-1],
        name=np.array(place_names(singles).to_list() + [None], dtype=object)[:-1],
        hover=np.array(place_hover(singles) + [None], dtype=object)[:-1],
        size=marker_size(singles["_size"], biggest).to_numpy(),
        precise=(singles[S.GEO_PRECISION].fillna(4).astype(int) <= 2).to_numpy(),
    )
    out = []
    for event_type in sorted(set(main[typed].tolist())):
        # A spot first: plotly draws a trace's legend swatch as its first marker (hollow: a province).
        at = np.flatnonzero(main == event_type)[np.argsort(~cols["precise"][main == event_type], kind="stable")]
        out.append((event_type, {k: (v[at].tolist() if v.dtype == object else v[at]) for k, v in cols.items()}))
    return out


def mix_traces(singles: pd.DataFrame, biggest: float, kind: str) -> list[dict]:
    """The type-mix rings over the markers of places with more than one type (type_mix.py)."""
    if singles.empty:
        return []
    hollow = (singles[S.GEO_PRECISION].fillna(4).astype(int) > 2).to_numpy()
    sizes = marker_size(singles["_size"], biggest).to_numpy()
    return ring_traces(ring_layers(singles, sizes, hollow, type_color), kind)


def place_traces(fig: go.Figure) -> list:
    """The figure's markers of places and clusters: not the basemap's scenery (basemap.py), nor the
    type-mix rings drawn over the markers (type_mix.py)."""
    return [t for t in fig.data if not str(t.name or "").startswith((BASEMAP_PREFIX, MIX_PREFIX))]


def basemap_resolution(view: MapView | None, places: pd.DataFrame) -> int:
    """Natural Earth 1:50m outlines (1.1 MB) for a regional view, 1:110m (140 kB) for a continent or
    more, where the finer coasts cannot be seen and the larger file only delays the first map."""
    if view is not None:
        span = max(view.lon1 - view.lon0, view.lat1 - view.lat0)
    elif places.empty:
        return 110
    else:
        span = max(float(np.ptp(places[S.LONGITUDE].astype(float))), float(np.ptp(places[S.LATITUDE].astype(float))))
    return 50 if span <= REGIONAL_SPAN else 110


REGIONAL_SPAN = 30.0  # degrees


CLUSTER_NAME = "clusters (click to zoom in)"


CLUSTER_COLOR = "#33415c"


def legend_title(size_by: str) -> str:
    """What colour, size and a hollow marker mean (shown beside the map, assets-styled, by
    clientside.MAP_KEY_JS; the figure's own legend lists the types)."""
    size = "deaths" if size_by == "fatalities" else "number of events"
    return (
        f"Colour = event type: a place's most frequent type outside, its other types as rings inside "
        f"(each ring's area = that type's share; grey = past four types) · size = {size} · "
        "hollow = province/country-level place"
    )


def map_legend(size_by: str) -> dict:
    """The types' legend in a row under the map, outside its area (plotly widens the margin for it):
    drawn over the map's bottom edge it hid the southern markers and town names (Beirut, Gaza on a
    phone, where it takes three rows)."""
    # Every type's symbol at one small size (not its biggest marker's): a row less under the map.
    return dict(
        orientation="h",
        yanchor="top",
        y=-0.005,
        x=0.0,
        bgcolor="rgba(0,0,0,0)",
        font=dict(size=10),
        itemsizing="constant",
        itemwidth=30,
    )


def _tile_map_spec(
    singles: pd.DataFrame,
    clusters: pd.DataFrame,
    selected: str | None,
    tiles: tuple[str, str],
    biggest: float,
    goto: MapView | None,
    opening: MapView | None,
    size_by: str = "n_events",
) -> dict:
    traces = _tile_traces(singles, clusters, biggest)
    # Tiles open where the offline map does: on the bulk of the events, or on every place.
    shown = goto or opening
    center, zoom = {"lat": 30.0, "lon": 30.0}, 1.0
    if shown is not None:
        center = dict(lon=(shown.lon0 + shown.lon1) / 2, lat=(shown.lat0 + shown.lat1) / 2)
        zoom = float(np.clip(np.log2(360 / max(shown.lon1 - shown.lon0, shown.lat1 - shown.lat0, 1e-3)), 1, 16))
    layout = dict(
        map=dict(style=tile_style(*tiles), center=center, zoom=zoom),
        uirevision="map" if goto is None else "map|" + "|".join(f"{v:.4f}" for v in goto.box()),
        margin=dict(l=0, r=0, t=0, b=0),
        clickmode="event",
        legend=map_legend(size_by),
    )
    return dict(data=traces, layout=layout)


def _tile_traces(singles: pd.DataFrame, clusters: pd.DataFrame, biggest: float) -> list[dict]:
    """The tile map's markers: places by main type (faded when not a spot), type mixes, clusters."""
    traces = []
    for event_type, cols in _by_main_type(singles, biggest):
        traces.append(
            dict(
                type="scattermap",
                lat=cols["lat"],
                lon=cols["lon"],
                mode="markers",
                name=event_type,
                customdata=cols["key"],
                hovertext=cols["hover"],
                hoverinfo="text",
                marker=dict(
                    size=cols["size"], color=type_color(event_type), opacity=np.where(cols["precise"], 0.9, 0.35)
                ),
            )
        )
    traces += mix_traces(singles, biggest, "scattermap")
    if not clusters.empty:
        traces.append(cluster_trace(clusters, biggest, "scattermap"))
    return traces


def with_note(fig: go.Figure, text: str) -> go.Figure:
    """The figure with `text` across its middle; a figure with nothing to draw also loses its axes
    (a timeline with no bars would otherwise show plotly's default year 2000, a map the whole world)."""
    fig.update_layout(
        annotations=[
            dict(
                text=text,
                xref="paper",
                yref="paper",
                x=0.5,
                y=0.5,
                showarrow=False,
                font=dict(size=15),
                bgcolor="rgba(255,255,255,0.85)",
                borderpad=6,
                name="empty-note",
            )
        ]
    )
    if not any(_n_points(t) for t in fig.data):
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return fig


def _n_points(trace: object) -> int:
    for attr in ("x", "lat"):
        values = getattr(trace, attr, None)
        if values is not None and len(values):
            return len(values)
    return 0

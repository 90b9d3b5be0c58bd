"""Figures built from DataFrames by pure functions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import schema as S
from dashboard.app.basemap import BASEMAP_PREFIX, basemap_traces
from dashboard.app.clusters import OPEN_ASPECT, _size_measure, bulk_view, cluster_positions
from dashboard.app.mapview import MapView
from dashboard.app.type_mix import MIX_PREFIX, mix_words, ring_layers, ring_traces

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
PRECISION_LABEL = {1: "town/village", 2: "district", 3: "province", 4: "country/region"}


def precision_label(value: Any) -> str:  # a table cell: pandas scalars are untyped
    return PRECISION_LABEL.get(int(value), "?") if value is not None and pd.notna(value) else "?"


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
) -> dict:
    """The map as the plain {"data", "layout"} dict Dash sends (the callback answers with it: a
    plotly Figure deep-copies it twice and turns its arrays into base64 on the way out, ~10 ms an
    answer). One marker per place, coloured by its main event type, sized by its number of events (or deaths);
    nearby places merge into count-labelled clusters when there are many (see engine.cluster_places).

    Country- and province-level places are drawn hollow (or faded on tiles): the marker is a
    centroid, not a spot. `view` is what the map shows now (None: all the data); `goto` is a box
    to move the map to (a clicked cluster's). With `tiles` (url, attribution) the markers go on a
    tile basemap; without, on the bundled offline basemap. `aspect` is the panel's shape
    (longitude per latitude degree) the opening view is fitted to.
    """
    single_rows, clusters = cluster_positions(places, view, selected, size_by)
    singles = places.iloc[single_rows]
    singles = singles.assign(_size=_size_measure(singles, size_by))
    biggest = max([1.0, *singles["_size"].astype(float), *clusters["size"].astype(float)])
    if tiles is not None:
        return _tile_map_spec(
            singles, clusters, selected, tiles, biggest, goto or view, opening_view(places, aspect), size_by
        )
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
        traces.append(
            dict(
                type="scattergeo",
                lat=clusters[S.LATITUDE].to_numpy(),
                lon=clusters[S.LONGITUDE].to_numpy(),
                mode="markers+text",
                name=CLUSTER_NAME,
                customdata=clusters["key"].to_list(),
                text=[_short(n) for n in clusters["n_events"]],
                hovertext=_cluster_hover(clusters),
                hoverinfo="text",
                textfont=dict(color="#fff", size=10),
                marker=dict(
                    size=marker_size(clusters["size"], biggest).clip(lower=18).to_numpy(),
                    color=CLUSTER_COLOR,
                    line=dict(width=1, color="#fff"),
                    opacity=0.8,
                ),
            )
        )
    # The figure itself carries the view (a clicked cluster's box, else where the user zoomed), under a
    # uirevision of its own: plotly's kept GUI zoom did not survive the re-render a zoom triggers.
    # Until the user moves the map it fits the places, or, when a few lie far away, the bulk of the
    # events (engine.bulk_view), under the plain uirevision: a filter change refits it, a pan is kept.
    target = goto or view
    shown = target or bulk_view(places, aspect=aspect)
    box = shown.box() if shown is not None else None
    # Provinces and town names under the markers (basemap.py), for what the map opens on or shows.
    traces = basemap_traces(shown or opening_view(places, aspect)) + traces
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


def _by_main_type(singles: pd.DataFrame, biggest: float) -> list[tuple[str, dict]]:
    """The markers' columns split by main type (types by name; places without one are not drawn),
    as a groupby over the frame gives them: each column is read once for all places, and the split
    is a position list per type (a pandas groupby and per-group column reads cost ~15 ms an answer)."""
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
        name=np.array(_names(singles).to_list() + [None], dtype=object)[:-1],
        hover=np.array(_hover(singles) + [None], dtype=object)[:-1],
        size=marker_size(singles["_size"], biggest).to_numpy(),
        precise=(singles[S.GEO_PRECISION].fillna(4).astype(int) <= 2).to_numpy(),
    )
    out = []
    for event_type in sorted(set(main[typed].tolist())):
        at = np.flatnonzero(main == event_type)
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


def _short(n: int) -> str:
    n = int(n)
    return (
        f"{n / 1e6:.1f}M"
        if n >= 999_500
        else f"{n / 1e3:.0f}k"
        if n >= 9_500
        else f"{n / 1e3:.1f}k"
        if n >= 1000
        else str(n)
    )


def _cluster_hover(clusters: pd.DataFrame) -> list[str]:
    return [
        f"<b>{int(r['n_events']):,} events</b> in {int(r['n_places'])} places, {int(r['fatalities']):,} killed<br>"
        + "<br>".join(f"{_esc(name)}: {n:,}" for name, n in r["top"])
        + ("<br>…" if r["n_places"] > len(r["top"]) else "")
        + "<br><i>click to zoom in</i>"
        for r in clusters.to_dict("records")
    ]


def _names(places: pd.DataFrame) -> pd.Series:
    """What each place is called: its label (unique, engine.labelled) when the aggregate has one."""
    return places["label"] if "label" in places.columns else places[S.LOCATION]


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
    return dict(orientation="h", yanchor="bottom", y=0.0, x=0.0, bgcolor="rgba(255,255,255,0.8)")


def _hover(grp: pd.DataFrame) -> list[str]:
    # Column lists zipped, not to_dict("records"): this runs for every marker of every answer.
    high = grp["fatalities_high"].tolist() if "fatalities_high" in grp else grp["fatalities"].tolist()
    cols = (
        _names(grp).tolist(),
        grp[S.COUNTRY].tolist(),
        grp["n_events"].tolist(),
        grp["fatalities"].tolist(),
        high,
        grp["first"].tolist(),
        grp["last"].tolist(),
        grp[S.GEO_PRECISION].tolist(),
        [mix_words(t, m) for t, m in zip(grp.get("type_mix", [None] * len(grp)), grp["main_type"], strict=True)],
    )
    return [
        f"<b>{_esc(loc)}</b> ({_esc(country if isinstance(country, str) else '')})<br>{n} event(s), "
        f"{deaths_text(low, most)} killed<br>"
        + (f"reports by type: {_esc(mix)}<br>" if mix else "")
        + f"{_span(pd.Timestamp(first), pd.Timestamp(last))}<br>precision: {precision_label(prec)}"
        for loc, country, n, low, most, first, last, prec, mix in zip(*cols, strict=True)
    ]


def deaths_text(low: Any, high: Any) -> str:
    """One toll per event, summed: "12", or "10–12" when the reports of an event disagree."""
    lo = int(low) if pd.notna(low) else 0
    hi = int(high) if pd.notna(high) else lo
    return f"{lo:,}" if hi <= lo else f"{lo:,}–{hi:,}"


def opening_view(places: pd.DataFrame, aspect: float = OPEN_ASPECT) -> MapView | None:
    """The box a map opens on before the user moves it: the bulk of the events when a few places lie
    far away (engine.bulk_view), else every located place; None when nothing is located."""
    bulk = bulk_view(places, aspect=aspect)
    if bulk is not None:
        return bulk
    located = places[places[S.LATITUDE].notna() & places[S.LONGITUDE].notna()]
    if located.empty:
        return None
    lon, lat = located[S.LONGITUDE].astype(float), located[S.LATITUDE].astype(float)
    return MapView(lon.min(), max(lon.max(), lon.min() + 1e-3), lat.min(), max(lat.max(), lat.min() + 1e-3))


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
        traces.append(
            dict(
                type="scattermap",
                lat=clusters[S.LATITUDE].to_numpy(),
                lon=clusters[S.LONGITUDE].to_numpy(),
                mode="markers+text",
                name=CLUSTER_NAME,
                customdata=clusters["key"].to_list(),
                text=[_short(n) for n in clusters["n_events"]],
                hovertext=_cluster_hover(clusters),
                hoverinfo="text",
                marker=dict(
                    size=marker_size(clusters["size"], biggest).clip(lower=18).to_numpy(),
                    color=CLUSTER_COLOR,
                    opacity=0.8,
                ),
            )
        )
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


def timeline_figure(
    counts: pd.DataFrame,
    start: str | None = None,
    end: str | None = None,
    extent: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    unit: str = "day",
    measure: str = "events",
    background: pd.DataFrame | None = None,
) -> go.Figure:
    """timeline_spec as a plotly Figure (unvalidated)."""
    return go.Figure(timeline_spec(counts, start, end, extent, unit, measure, background), _validate=False)


def timeline_spec(
    counts: pd.DataFrame,
    start: str | None = None,
    end: str | None = None,
    extent: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    unit: str = "day",
    measure: str = "events",
    background: pd.DataFrame | None = None,
) -> dict:
    """The timeline as a plain {"data", "layout"} dict (see map_spec). Events (or deaths) per bin,
    stacked by type. Dragging along the x axis selects a date range.

    `counts` has columns day, event_type, n and optionally `precise`: rows with precise=False are
    the share of events dated only to a month or year, spread over that period and drawn lighter
    and hatched. `background` (day, n), when given, is drawn behind as a grey step area: the
    totals of every place, so a selected place's bars are seen against them. `extent` (the whole
    store's date span) keeps the axis steady when a place is selected.
    """
    traces: list[dict] = []
    if background is not None and not background.empty:
        # A step from each bin's start to the next; the closing point ends the last bin.
        days = pd.to_datetime(background["day"])
        bins = pd.Series(pd.date_range(days.min(), days.max() + BIN_OFFSET[unit], freq=BIN_FREQ[unit]))
        totals = background.set_index(days)["n"].reindex(bins, fill_value=0)
        traces.append(
            dict(
                type="scatter",
                x=_days(bins),
                y=totals.to_numpy(dtype=float),
                name="all places",
                mode="lines",
                line=dict(color="rgba(90,90,90,0.5)", width=1, shape="hv"),
                fill="tozeroy",
                fillcolor="rgba(120,120,120,0.18)",
                hoverinfo="skip",
            )
        )
    if "precise" not in counts.columns:
        counts = counts.assign(precise=True)
    word = "deaths" if measure == "deaths" else "events"
    for precise, event_type, x, y in _bar_groups(counts):
        traces.append(
            dict(
                type="bar",
                x=x,
                y=y,
                name=event_type if precise else f"{event_type} (month/year dates)",
                marker=dict(
                    color=type_color(event_type),
                    opacity=1.0 if precise else 0.45,
                    pattern=dict(shape="" if precise else "/", solidity=0.4),
                ),
                # Each bar spans its bin (day, week, month), centred on the bin's middle.
                xperiod=BAR_PERIOD[unit],
                xperiodalignment="middle",
                hovertemplate=HOVER_DATE[unit]
                + (": %{y} " if precise else ": %{y:.2f} ")
                + word
                + " · "
                + event_type
                + ("" if precise else " (dated only to a month or year, spread evenly over it)")
                + "<extra></extra>",
            )
        )
    xaxis: dict = dict(type="date", rangeslider=dict(visible=False))
    if start and end:
        xaxis.update(range=[start, end], autorange=False)
    elif extent is not None and pd.notna(extent[0]):
        pad = max(pd.Timedelta(days=15), (extent[1] - extent[0]) * 0.02)
        xaxis.update(range=[str(extent[0] - pad), str(extent[1] + pad)], autorange=False)
    layout = dict(
        barmode="stack",
        margin=dict(l=40, r=10, t=10, b=30),
        dragmode="zoom",
        showlegend=False,
        uirevision="timeline",
        bargap=0.1,
        xaxis=xaxis,
        yaxis=dict(fixedrange=True, title=dict(text=word)),
    )
    # Built from known-good literals, unvalidated, as the map is: plotly's per-property validation of
    # a few dozen bar traces cost more than computing them.
    return dict(data=traces, layout=layout)


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


def _bar_groups(counts: pd.DataFrame) -> list[tuple[bool, str, list[str], np.ndarray]]:
    """(precise, event type, bin starts, values) per stack part: dates known to the day at the bottom
    of each stack, the spread-out ones above them, types by name; rows without a type left out (as
    groupby drops them). On arrays, the dates converted once: a groupby cost ~4 ms an answer."""
    if counts.empty:
        return []
    precise = counts["precise"].to_numpy(dtype=bool)
    codes, types = pd.factorize(counts[S.EVENT_TYPE], use_na_sentinel=True)
    days = np.array(_days(counts["day"]), dtype=object)
    values = counts["n"].to_numpy(dtype=float)
    pairs = sorted(
        {(bool(p), int(c)) for p, c in zip(precise, codes, strict=True) if c >= 0},
        key=lambda g: (not g[0], types[g[1]]),
    )
    out = []
    for p, c in pairs:
        at = np.flatnonzero((codes == c) & (precise == p))
        out.append((p, types[c], days[at].tolist(), values[at]))
    return out


def _days(days: pd.Series) -> list[str]:
    """Bin starts as ISO dates (what a date axis reads; shorter on the wire than timestamps)."""
    return np.datetime_as_string(pd.to_datetime(days).to_numpy().astype("datetime64[D]")).tolist()


BIN_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}
BIN_OFFSET = {"day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7), "month": pd.DateOffset(months=1)}
BAR_PERIOD = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1"}
HOVER_DATE = {"day": "%{x|%Y-%m-%d}", "week": "week of %{x|%Y-%m-%d}", "month": "%{x|%B %Y}"}


def _esc(value: object) -> str:
    # Plotly renders hover text as a subset of HTML: escape what came from articles.
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _span(first: pd.Timestamp, last: pd.Timestamp) -> str:
    # Days from the fields, not strftime (~40 µs a call, twice for every marker of every answer).
    if pd.isna(first):
        return "undated"
    a = f"{first.year:04d}-{first.month:02d}-{first.day:02d}"
    b = a if pd.isna(last) else f"{last.year:04d}-{last.month:02d}-{last.day:02d}"
    return a if a == b else f"{a} – {b}"

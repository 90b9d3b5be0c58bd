"""Places that lie at one point of the map. The gazetteer gives a village it knows only by its
district, or a quarter of a city, the coordinates of the district or the city: "Kafr Foo, Aleppo"
and Aleppo then share a point. Drawn one over the other, the smallest marker took every click
(plotly picks the marker whose rim is nearest the pointer) and the rest could not be clicked at all.
One marker per point now: the selected place's, else the biggest; its hover counts the others, and
the selected place's panel lists them, each a button that selects it. Pure functions of a places
aggregate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app.clusters import size_measure
from dashboard.app.nodes import node

# Coordinates compared as the place keys write them (schema.place_keys: 4 decimals, ~11 m).
POINT_DIGITS = 4
STACK_PLACES = "stacked_places"  # other places at the marker's point (map_hover reads them)
STACK_EVENTS = "stacked_events"  # their events
LISTED_NEIGHBOURS = 30  # the panel names at most this many of them, busiest first


def _points(places: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
    """One int64 per row of `places` (or of `rows`, positions into it) naming its point: equal for
    equal rounded coordinates (a missing one is its own, a point no place has)."""
    lat = places[S.LATITUDE].to_numpy(dtype=float, na_value=np.nan)
    lon = places[S.LONGITUDE].to_numpy(dtype=float, na_value=np.nan)
    if rows is not None:
        lat, lon = lat[rows], lon[rows]
    scale = 10**POINT_DIGITS
    with np.errstate(invalid="ignore"):
        lat_i = np.nan_to_num(np.round(lat * scale), nan=-(10**7)).astype(np.int64)
        lon_i = np.nan_to_num(np.round(lon * scale), nan=-(10**7)).astype(np.int64)
    # Latitudes within ±900,000 and longitudes within ±1,800,000 ten-thousandths: one int64 for both.
    return lat_i * 10**8 + lon_i


def one_per_point(
    places: pd.DataFrame, rows: np.ndarray, size: np.ndarray, selected: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows (positions into `places`) drawn as markers: of the places sharing a point, the
    selected one, else the one of the biggest `size` (more events, then the name: the same marker
    whatever order the engine gave). Also, per kept row, how many other places and events share its
    point. `size` is aligned with `rows`."""
    if len(rows) < 2:
        return rows, np.zeros(len(rows), np.int64), np.zeros(len(rows), np.int64)
    point = np.unique(_points(places, rows), return_inverse=True)[1].reshape(-1)
    if point.max() == len(rows) - 1:  # every place at a point of its own (the usual map)
        return rows, np.zeros(len(rows), np.int64), np.zeros(len(rows), np.int64)
    n_events = places["n_events"].to_numpy(dtype=np.int64)[rows]
    keys = places[S.PLACE_KEY].to_numpy(dtype=object)[rows]  # only the drawn rows' keys: a 10M store has ~10^5 places
    chosen = keys == selected if selected else np.zeros(len(rows), bool)
    names = np.array([str(k) for k in keys])
    # The kept row first in its point's run: sorted by point, then chosen, size, events, name.
    order = np.lexsort((names, -n_events, -np.asarray(size, dtype=float), ~chosen, point))
    first = np.r_[True, point[order][1:] != point[order][:-1]]
    starts = np.flatnonzero(first)
    kept = order[starts]
    per_point = np.bincount(point, minlength=point.max() + 1)
    events_per_point = np.bincount(point, weights=n_events, minlength=point.max() + 1).astype(np.int64)
    others = per_point[point[kept]] - 1
    other_events = events_per_point[point[kept]] - n_events[kept]
    back = np.argsort(kept, kind="stable")  # the kept rows in their first order
    return rows[kept[back]], others[back], other_events[back]


def neighbours(places: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """The other places at `key`'s point (label, n_events, place_key), busiest first; none when the
    place is not in `places` or stands alone."""
    if not key or places.empty:
        return places.iloc[:0]
    keys = places[S.PLACE_KEY].to_numpy(dtype=object)
    at = np.flatnonzero(keys == key)
    if not at.size or places.iloc[at[0]][[S.LATITUDE, S.LONGITUDE]].isna().any():  # unlocated: no point
        return places.iloc[:0]
    point = _points(places)
    same = np.flatnonzero((point == point[at[0]]) & (keys != key))
    if not same.size:
        return places.iloc[:0]
    out = places.iloc[same]
    names = out["label"] if "label" in out.columns else out[S.LOCATION]
    return out.assign(label=names.astype(str)).sort_values(["n_events", "label"], ascending=[False, True])


def neighbours_note(others: pd.DataFrame | None, limit: int = LISTED_NEIGHBOURS) -> dict | None:
    """The panel's line naming the places drawn under the selected one's marker, each a button that
    selects it (its click reaches ids.EXCERPT_ACTION through assets/panels.js, action "place")."""
    if others is None or others.empty:
        return None
    n = len(others)
    shown = others.head(limit)
    buttons = [
        node(
            "Button",
            f"{label} · {int(count):,}",
            type="button",
            className="button small linkish",
            title=f"show the {int(count):,} event(s) placed at {label}",
            **{"data-action": "place", "data-place": key},
        )
        for label, count, key in zip(shown["label"], shown["n_events"], shown[S.PLACE_KEY], strict=True)
    ]
    more = [node("Span", f" and {n - len(shown):,} more (Go to place)")] if n > len(shown) else []
    lead = f"Also placed at this point ({n:,} place{'s' * (n != 1)}, one marker on the map): "
    return node("P", [lead, *buttons, *more], className="hint stacked-places", role="note")


def with_stack_note(panel: list, note: dict | None) -> list:
    """The panel's nodes with `note` after its heading (the first H2), or as they are."""
    if note is None:
        return panel
    for i, item in enumerate(panel):
        if isinstance(item, dict) and item.get("type") == "H2":
            return [*panel[: i + 1], note, *panel[i + 1 :]]
    return panel


def stacked_singles(places: pd.DataFrame, rows: np.ndarray, selected: str | None, size_by: str) -> pd.DataFrame:
    """The places drawn as markers of their own (`rows`, positions into `places`), one per point
    (one_per_point), with their size measure (`_size`) and what shares their point."""
    size = size_measure(places, size_by).to_numpy(dtype=float)
    kept, others, other_events = one_per_point(places, rows, size[rows], selected)
    return places.iloc[kept].assign(_size=size[kept], **{STACK_PLACES: others, STACK_EVENTS: other_events})

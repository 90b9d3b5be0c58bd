"""The SQL condition of a filter state and a selection (`where`), as `filters.index_mask` and the
selection's range and place keep the rows in memory."""

from __future__ import annotations

import pandas as pd

from dashboard import schema as S
from dashboard.app.engine import cluster_box
from dashboard.app.filters import Filters
from dashboard.app.query import Selection


def where(f: Filters, sel: Selection | None = None) -> tuple[str, list]:
    """The SQL condition (and its parameters) of filters.index_mask and the selection's range and place."""
    params: list[object] = []
    sql = ["true", *_filter_conditions(f, params)]
    if sel is not None:
        sql.extend(_selection_conditions(sel, params))
    return " AND ".join(sql), params


def _isin(expr: str, values: tuple[str, ...], params: list) -> str:
    params.extend(values)
    return f"{expr} IN ({', '.join('?' * len(values))})"


def _filter_conditions(f: Filters, params: list) -> list[str]:
    """The conditions of the filter panel, in the order their parameters are appended."""
    sql: list[str] = []
    for column, values in (
        (S.EVENT_TYPE, f.event_types),
        (S.SUB_EVENT_TYPE, f.sub_event_types),
        (S.COUNTRY, f.countries),
        (S.ADMIN1, f.admin1s),
        (S.SOURCE, f.sources),
    ):
        if values:
            sql.append(f"coalesce({_isin(column, values, params)}, false)")
    if f.actors:
        a1 = _isin(S.ACTOR1, f.actors, params)
        sql.append(f"(coalesce({a1}, false) OR coalesce({_isin(S.ACTOR2, f.actors, params)}, false))")
    if f.places:
        sql.append(_places_sql(f.places, params))
    if f.min_fatalities is not None and f.min_fatalities > 0:
        sql.append("coalesce(fatalities, 0) >= ?")
        params.append(int(f.min_fatalities))
    if f.min_confidence is not None and f.min_confidence > 0:
        sql.append("coalesce(confidence >= ?, false)")
        params.append(float(f.min_confidence))
    if f.precise_only:
        sql.append("coalesce(geo_precision BETWEEN 1 AND 2, false)")
    if f.text.strip():
        sql.append("coalesce(strpos(lower(excerpt), lower(?)) > 0, false)")
        params.append(f.text.strip())
    return sql


def _selection_conditions(sel: Selection, params: list) -> list[str]:
    """The conditions of the selection: its date range and its place."""
    sql: list[str] = []
    if sel.start:
        sql.append("event_date >= ?")
        params.append(pd.Timestamp(sel.start).normalize().to_pydatetime())
    if sel.end:
        sql.append("event_date <= ?")
        params.append(pd.Timestamp(sel.end).to_pydatetime())
    if sel.place:
        sql.append(place_is(sel.place, params))
    return sql


def dates_of(sel: Selection | None) -> tuple | None:
    """The date range `where` keeps the rows to for this selection (None: every date), for
    DuckEngine.query's `dates`."""
    if sel is None or not (sel.start or sel.end):
        return None
    return (pd.Timestamp(sel.start).normalize() if sel.start else None, pd.Timestamp(sel.end) if sel.end else None)


def _places_sql(keys: tuple[str, ...], params: list) -> str:
    """Rows at any of the place keys, or inside a cluster key's box (as engine.places_mask)."""
    parts: list[str] = []
    parts.extend(place_is(k, params) for k in keys if cluster_box(k) is None)
    for key in keys:
        box = cluster_box(key)
        if box is not None:
            parts.append("(longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?)")
            params.extend([box.lon0, box.lon1, box.lat0, box.lat1])
    return "coalesce(" + " OR ".join(parts) + ", false)" if parts else "false"


def place_is(key: str, params: list) -> str:
    """Rows at one place key, compared as (location, lat_i, lon_i): integers, not a string per row."""
    try:
        name, lat, lon = key.rsplit("|", 2)
        lat_i, lon_i = round(float(lat) * 10000), round(float(lon) * 10000)
    except ValueError:  # not a key this store writes (nan coordinates): compare the key itself
        params.append(key)
        return "place_key = ?"
    params.extend([name, lat_i, lon_i])
    return "(location = ? AND lat_i = ? AND lon_i = ?)"

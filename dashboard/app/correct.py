"""The correction dialog: where is this event's toponym? The geoparser's ranked alternatives, any
gazetteer place found by name, or a point picked on the map; the scope (this event, this article,
every article that names it); how many events the save moves, before saving; and the store's
corrections log, each with its undo.

Saving (corrections.save_correction) re-resolves the events in scope in one atomic store write that
also carries the log line (and, for every article, the override entry later ingests follow); the
selection then follows the moved marker.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from dash import dcc, html

from dashboard import schema as S
from dashboard.app import ids
from dashboard.app.event_index import EventIndex
from dashboard.app.listing import rows_where
from dashboard.app.nodes import dashed, node
from dashboard.app.place_search import picked_place, place_by_row, search_places
from dashboard.correction_log import corrections
from dashboard.corrections import (
    SCOPES,
    Alternative,
    parse_alternatives,
    same_name,
    would_move,
)

PRECISION_WORDS = {1: "town", 2: "district", 3: "province", 4: "country/region"}


LOG_SHOWN = 8  # the newest corrections listed in the dialog


def alternative_label(alt: Alternative, current: bool, scored: bool = True) -> str:
    where = ", ".join(x for x in (alt.admin1, alt.country or alt.country_code) if x and x != alt.name)
    kind = PRECISION_WORDS.get(alt.geo_precision or 0, alt.feature_code or "place")
    text = (
        f"{alt.name}"
        + (f" — {where}" if where else "")
        + f" · {kind} ({alt.feature_code or '?'})"
        + f" · {alt.lat:.2f}, {alt.lon:.2f}"
        + (f" · score {alt.score:.2f}" if scored else "")
    )
    return text + (" · current" if current else "")


def is_current(alt: Alternative, row: dict) -> bool:
    lat, lon = row.get(S.LATITUDE), row.get(S.LONGITUDE)
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return False
    return alt.name == row.get(S.LOCATION) and abs(alt.lat - lat) < 1e-4 and abs(alt.lon - lon) < 1e-4


def place_choices(row: dict) -> tuple[list[dict], int | None]:
    """RadioItems options for the row's alternatives, and the index of the place it has now."""
    alts = parse_alternatives(row.get(S.ALTERNATIVES))
    now = next((i for i, a in enumerate(alts) if is_current(a, row)), None)
    return [{"label": alternative_label(a, i == now), "value": i} for i, a in enumerate(alts)], now


def point_value(point: object) -> str | None:
    """The dialog's value of a point picked on the map ({"lat", "lon"}): "pt:<lat>,<lon>"; None if it is none."""
    if not isinstance(point, dict):
        return None
    try:
        lat, lon = float(point["lat"]), float(point["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    ok = -90 <= lat <= 90 and -180 <= lon <= 180
    return f"pt:{lat:.5f},{lon:.5f}" if ok else None


def point_option(row: dict, value: str) -> dict:
    """The choice of a point picked on the map, named by the nearest town (whose country it takes)."""
    lat, lon = (float(v) for v in value[3:].split(","))
    _place, town = picked_place(str(row.get(S.TOPONYM) or row.get(S.LOCATION) or ""), lat, lon)
    near = (
        f" — near {town[0].name}, {town[0].country or town[0].country_code} ({town[1]:.0f} km)"
        if town
        else " — no town within 100 km: no country"
    )
    return {"label": f"picked on the map: {lat:.4f}, {lon:.4f}{near}", "value": value}


def dialog_options(row: dict, query: str | None, picked: str | None = None) -> tuple[list[dict], str | None]:
    """The dialog's choices: a point picked on the map ("pt:<lat>,<lon>"), the stored alternatives
    ("alt:<i>"), then the gazetteer's places called `query` ("gaz:<row>"); and the value of the place
    the event has now."""
    now: int | str | None  # an alternative's index, a found place's option value, or none
    options, now = place_choices(row)
    out = [point_option(row, picked)] if picked else []
    out += [{"label": o["label"], "value": f"alt:{o['value']}"} for o in options]
    stored = {(a.name, round(a.lat, 4), round(a.lon, 4)) for a in parse_alternatives(row.get(S.ALTERNATIVES))}
    for i, alt in search_places(query[:200] if isinstance(query, str) else ""):
        if (alt.name, round(alt.lat, 4), round(alt.lon, 4)) in stored:
            continue  # offered above already, with its score
        here = is_current(alt, row)
        out.append({"label": "found: " + alternative_label(alt, here, scored=False), "value": f"gaz:{i}"})
        if here and now is None:
            now = f"gaz:{i}"
    return out, None if now is None else now if isinstance(now, str) else f"alt:{now}"


def chosen_place(row: dict, choice: object) -> Alternative | None:
    """The place a dialog value names (None for anything else)."""
    kind, _, number = str(choice or "").partition(":")
    if kind == "alt" and number.isdigit():
        alts = parse_alternatives(row.get(S.ALTERNATIVES))
        return alts[int(number)] if int(number) < len(alts) else None
    if kind == "pt":
        value = point_value(dict(zip(("lat", "lon"), number.split(",", 1), strict=False)))
        if value is None:
            return None
        lat, lon = (float(v) for v in value[3:].split(","))
        return picked_place(str(row.get(S.TOPONYM) or row.get(S.LOCATION) or ""), lat, lon)[0]
    return place_by_row(number) if kind == "gaz" else None


def scope_rows(ix: EventIndex, row: dict, scope: str) -> np.ndarray:
    """Row positions of the events a scope covers (before the toponym is checked)."""
    if scope == "event":
        return rows_where(ix, S.EVENT_ID, str(row[S.EVENT_ID]))
    if scope == "article":
        return rows_where(ix, S.ARTICLE_ID, str(row[S.ARTICLE_ID]))
    arr = ix.table[S.TOPONYM].combine_chunks() if ix.n else pa.array([], pa.string())
    if not pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_encode()
    codes = [i for i, v in enumerate(arr.dictionary.to_pylist()) if same_name(v, row[S.TOPONYM])]
    return np.flatnonzero(np.isin(arr.indices.fill_null(-1).to_numpy(zero_copy_only=False), codes))


def preview_text(ix: EventIndex, row: dict, place: Alternative | None, scope: str) -> str:
    """How many events the save would move, in words (reports of one event count once)."""
    if place is None:
        return "Choose a place, or search for one by name."
    if is_current(place, row) and scope == "event":
        return "That is already its place: choose another one to correct it."
    rows = scope_rows(ix, row, scope)
    frame = ix.table.take(pa.array(rows, pa.int64())).select([S.TOPONYM, S.LATITUDE, S.LONGITUDE]).to_pandas()
    moving = rows[would_move(frame, str(row[S.TOPONYM]), place).to_numpy()]
    n = len(np.unique(ix.cluster[moving])) if ix.cluster.size == ix.n else len(moving)
    where = ", ".join(x for x in (place.name, place.admin1, place.country or place.country_code) if x)
    later = " Later ingests will place it there too." if scope == "all" else ""
    return f"Saving moves {n} event{'s' * (n != 1)} ({SCOPES[scope]}) to {where}.{later}"


def log_view(root: Path, can_undo: bool) -> list:
    items = corrections(root)[:LOG_SHOWN]
    if not items:
        return []
    lines = []
    for r in items:
        place = r.get("place") or {}
        moved = sum(len(g["events"]) for g in r.get("before") or [])
        text = (
            f"{r['at'][:16]} · “{r['toponym']}” → {place.get('name')}"
            + (f", {place.get('country') or place.get('country_code')}" if place.get("country_code") else "")
            + f" · {SCOPES.get(r['scope'], r['scope'])} · {moved} moved"
        )
        action = (
            html.Span("undone", className="small")
            if r["undone"]
            else html.Button(
                "Undo",
                type="button",
                className="button small",
                hidden=not can_undo,
                title="put these events back where they were",
                **{"data-undo": r["id"]},
            )
        )
        lines.append(html.Li([html.Span(text), " ", action], className="undone" if r["undone"] else ""))
    return [html.H3("Corrections log"), html.Ul(lines, className="correct-log-list")]


def correct_fragment(can_save: bool = True) -> html.Section:
    return html.Section(
        id=ids.CORRECT,
        className="correct",
        hidden=True,
        **dashed(aria_labelledby=ids.CORRECT_TITLE),
        children=[
            html.Div(
                className="reader-bar",
                children=[
                    html.H2(id=ids.CORRECT_TITLE),
                    html.Button(
                        "Close ✕",
                        id=ids.CORRECT_CLOSE,
                        n_clicks=0,
                        className="button small",
                        title="deselect the event",
                    ),
                ],
            ),
            html.P(id=ids.CORRECT_CONTEXT, className="hint"),
            _search_field(),
            # Pick mode lives in the page (assets/panels.js): the next click on the map is the place.
            html.Button(
                "Pick on the map",
                id=ids.CORRECT_PICK,
                type="button",
                className="button small pick-point",
                title="then click the map where the event happened",
                **dashed(aria_pressed="false"),
            ),
            dcc.Store(id=ids.CORRECT_POINT),
            dcc.RadioItems(id=ids.CORRECT_CHOICE, className="choices", options=[], value=None),
            _scope_field(),
            html.P(id=ids.CORRECT_PREVIEW, className="hint", role="status"),
            html.Button("Save correction", id=ids.CORRECT_SAVE, n_clicks=0, className="button", hidden=not can_save),
            html.P(id=ids.CORRECT_STATUS, className="hint", role="status"),
            html.Div(id=ids.CORRECT_LOG, className="correct-log"),
            dcc.Store(id=ids.CORRECT_UNDO),
        ],
    )


def _search_field() -> html.Label:
    return html.Label(
        className="field correct-search",
        children=[
            html.Span("Search any place", className="small"),
            dcc.Input(
                id=ids.CORRECT_SEARCH,
                type="search",
                debounce=True,
                value="",
                autoComplete="off",
                placeholder="a place name, any country",
            ),
        ],
    )


def _scope_field() -> html.Div:
    """Whether the correction is for this event, this article or every event of the name."""
    return html.Div(
        className="correct-scope",
        role="group",
        **dashed(aria_label="what to correct"),
        children=[
            html.Span("Correct it in", className="small"),
            dcc.RadioItems(
                id=ids.CORRECT_SCOPE,
                inline=True,
                value="event",
                options=[{"label": label, "value": key} for key, label in SCOPES.items()],
            ),
        ],
    )


def correct_button(event_id: str, place_key: str) -> dict:
    """The excerpt's "Other places" (as nodes.node): selects the event and its place
    (clientside.SELECT_JS, through assets/panels.js), which opens this panel."""
    return node(
        "Button",
        "Other places",
        className="button small correct-place",
        type="button",
        title="ranked alternative places for this name; correct it",
        **{"data-action": "correct", "data-event": event_id, "data-place": place_key},
    )

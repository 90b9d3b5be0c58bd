"""A user's correction of a place: the ranked alternatives of an event's toponym, and
re-resolving every stored event with that toponym to the place chosen.

Pure pandas and the override table: the dashboard imports this, so nothing here loads the
gazetteer index or spaCy. Later ingests follow the correction through the override table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import schema as S
from dashboard.errors import GazetteerError
from dashboard.overrides import add_override, check_override
from dashboard.store import EventsStore


@dataclass(frozen=True)
class Alternative:
    """One candidate place for a toponym, as stored in the `alternatives` column."""

    name: str
    lat: float
    lon: float
    geonameid: int | None = None
    feature_code: str = ""
    country_code: str = ""
    country: str = ""
    admin1: str = ""
    geo_precision: int | None = None
    score: float = 0.0

    @classmethod
    def from_dict(cls, d: dict) -> Alternative:
        gid = d.get("geonameid")
        prec = d.get("geo_precision")
        return cls(str(d["name"]), float(d["lat"]), float(d["lon"]), int(gid) if gid not in (None, "") else None,
                   str(d.get("feature_code") or ""), str(d.get("country_code") or ""), str(d.get("country") or ""),
                   str(d.get("admin1") or ""), int(prec) if prec not in (None, "") else None,
                   float(d.get("score") or 0.0))

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def parse_alternatives(text: object) -> list[Alternative]:
    """The ranked candidates of a row's `alternatives` JSON; [] for a missing or malformed value
    (stores written before the column existed have none)."""
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        items = json.loads(text)
    except ValueError:
        return []
    out = []
    for d in items if isinstance(items, list) else []:
        try:
            alt = Alternative.from_dict(d)
        except (KeyError, TypeError, ValueError):
            continue
        if -90 <= alt.lat <= 90 and -180 <= alt.lon <= 180:
            out.append(alt)
    return out


def same_name(a: object, b: object) -> bool:
    """Toponyms compared as the override table compares names: case and spacing ignored."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def precision_of(feature_code: str) -> int:
    """geo_precision for a feature code, for alternatives stored without one."""
    if feature_code.startswith("PCL") or feature_code in ("CONT", "RGN"):
        return 4
    if feature_code == "ADM1":
        return 3
    if feature_code == "ADM2":
        return 2
    return 1


def reresolve(events: pd.DataFrame, toponym: str, place: Alternative) -> pd.DataFrame:
    """Every event whose toponym is `toponym` placed at `place` (location, coordinates, ids,
    country, admin1 and precision); other rows untouched."""
    # Compared once per distinct spelling, not per row (a million rows share a few thousand toponyms).
    col = events[S.TOPONYM]
    mask = col.isin([t for t in col.dropna().unique() if same_name(t, toponym)])
    if not mask.any():
        return events
    out = events.copy()
    values = {
        S.LOCATION: place.name, S.LATITUDE: place.lat, S.LONGITUDE: place.lon, S.GEONAMEID: place.geonameid,
        S.FEATURE_CODE: place.feature_code, S.COUNTRY: place.country or place.country_code,
        S.COUNTRY_CODE: place.country_code, S.ADMIN1: place.admin1,
        S.GEO_PRECISION: place.geo_precision if place.geo_precision is not None else precision_of(place.feature_code),
    }
    for col, value in values.items():
        out.loc[mask, col] = pd.NA if value is None else value
    return S.coerce_events(out)


def save_correction(store: EventsStore, toponym: str, place: Alternative, folder: Path | None = None) -> int:
    """Record that `toponym` means `place` (the gazetteer override table) and re-resolve the stored
    events that name it. Returns the store's new generation.

    The moved rows go to the store as an overlay (with the clusters the move changes); no other
    stored row is rewritten. The two commit together: the store write is the commit point and
    carries the override entry in its manifest; the entry is then added to the table and dropped
    from the manifest. A save killed before the store swap changed nothing; one killed after it is
    completed by the next `finish_corrections` (the next save, ingest or server start)."""
    if not toponym or not toponym.strip():
        raise GazetteerError("the event has no toponym to correct")
    entry = {"name": toponym, "latitude": place.lat, "longitude": place.lon, "country_code": place.country_code,
             "admin1": place.admin1, "feature_code": place.feature_code or "PPL", "geonameid": place.geonameid}
    check_override(**entry)  # refused before anything is written
    finish_corrections(store, folder)
    condition, params = toponym_is(toponym)
    generation = store.patch_events(condition, params, lambda events: reresolve(events, toponym, place),
                                    pending={"override": entry})
    finish_corrections(store, folder)
    return generation


def finish_corrections(store: EventsStore, folder: Path | None = None) -> bool:
    """Add to the override table the entry of a correction whose store write committed but whose
    table write did not happen (the process died in between). Returns whether there was one."""
    def apply(pending: dict) -> None:
        if isinstance(pending.get("override"), dict):
            add_override(**pending["override"], folder=folder)

    return store.finish_pending(apply)


def toponym_is(toponym: str) -> tuple[str, list]:
    """The rows whose toponym is `toponym` as same_name compares them (case and runs of spaces
    ignored), as an SQL condition the store's DuckDB scan evaluates while it reads."""
    return ("lower(trim(regexp_replace(toponym, '\\s+', ' ', 'g'))) = ?", [" ".join(toponym.split()).casefold()])

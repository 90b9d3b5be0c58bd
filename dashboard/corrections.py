"""A user's correction of a place: the ranked alternatives of an event's toponym, and
re-resolving the stored events with that toponym (in one event, one article, or everywhere) to
the place chosen; every correction is logged in the store and can be undone.

Pure pandas and the override table: the dashboard imports this, so nothing here loads the
gazetteer index or spaCy. Later ingests follow the correction through the override table.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import schema as S
from dashboard.correction_log import append_log, before_groups, moved_ids, restore_rows, undo_target
from dashboard.errors import CorrectionError, GazetteerError
from dashboard.overrides import add_override, check_override, override_entry, restore_override
from dashboard.store_protocol import Store


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
        return cls(
            str(d["name"]),
            float(d["lat"]),
            float(d["lon"]),
            int(gid) if gid not in (None, "") else None,
            str(d.get("feature_code") or ""),
            str(d.get("country_code") or ""),
            str(d.get("country") or ""),
            str(d.get("admin1") or ""),
            int(prec) if prec not in (None, "") else None,
            float(d.get("score") or 0.0),
        )

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
        S.LOCATION: place.name,
        S.LATITUDE: place.lat,
        S.LONGITUDE: place.lon,
        S.GEONAMEID: place.geonameid,
        S.FEATURE_CODE: place.feature_code,
        S.COUNTRY: place.country or place.country_code,
        S.COUNTRY_CODE: place.country_code,
        S.ADMIN1: place.admin1,
        S.GEO_PRECISION: place.geo_precision if place.geo_precision is not None else precision_of(place.feature_code),
    }
    for col, value in values.items():
        out.loc[mask, col] = pd.NA if value is None else value
    return S.coerce_events(out)


def _now() -> str:
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z"


SCOPES = {"event": "this event", "article": "this article", "all": "every article that names it"}


def scope_condition(
    toponym: str, scope: str, event_id: str | None = None, article_id: str | None = None
) -> tuple[str, list]:
    """The stored rows a correction of `scope` moves, as an SQL condition: the rows naming `toponym`,
    in this event, this article, or anywhere."""
    condition, params = toponym_is(toponym)
    if scope == "event" and event_id:
        return f"({condition}) AND event_id = ?", [*params, event_id]
    if scope == "article" and article_id:
        return f"({condition}) AND article_id = ?", [*params, article_id]
    if scope == "all":
        return condition, params
    raise CorrectionError(f"unknown scope {scope!r} (or its event/article missing); one of {', '.join(SCOPES)}")


def scope_keep(
    scope: str, event_id: str | None = None, article_id: str | None = None
) -> Callable[[pd.DataFrame], pd.Series]:
    """scope_condition's test beyond the toponym, on rows that name it (the store reads those by
    toponym from its index): in this event, this article, or all."""
    if scope == "event" and event_id:
        return lambda rows: rows[S.EVENT_ID].astype(str) == event_id
    if scope == "article" and article_id:
        return lambda rows: rows[S.ARTICLE_ID].astype("string") == article_id
    return lambda rows: pd.Series(True, index=rows.index)


def save_correction(
    store: Store,
    toponym: str,
    place: Alternative,
    folder: Path | None = None,
    scope: str = "all",
    event_id: str | None = None,
    article_id: str | None = None,
) -> int:
    """Record that `toponym` means `place` and re-resolve the stored events that name it: in one event,
    one article, or (scope "all") every article, where the gazetteer override table also records it
    for later ingests. Returns the store's new generation.

    The moved rows' places go to the store as a patch (with the clusters the move changes); no
    other stored row is rewritten. The store write is the commit point: its manifest carries the override
    entry and the log line (with where each moved event was, for an undo); both are then written
    and dropped from the manifest. A save killed before the store swap changed nothing; one killed
    after it is completed by the next `finish_corrections` (the next save, ingest or server start)."""
    if not toponym or not toponym.strip():
        raise GazetteerError("the event has no toponym to correct")
    condition, params = scope_condition(toponym, scope, event_id, article_id)
    entry = _override(toponym, place)
    check_override(**entry)  # refused before anything is written
    finish_corrections(store, folder)
    record: dict[str, Any] = {
        "id": uuid.uuid4().hex[:12],
        "at": _now(),
        "toponym": toponym,
        "scope": scope,
        "event_id": event_id,
        "article_id": article_id,
        "place": place.to_dict(),
        "override": entry if scope == "all" else None,
        "previous_override": override_entry(toponym, folder) if scope == "all" else None,
        "before": [],
    }
    pending = {"override": record["override"], "log": record}

    def move(rows: pd.DataFrame) -> pd.DataFrame:
        # Runs inside the store write, before its commit: the log line the commit carries learns
        # where the rows were (patch_events commits `pending` after calling this).
        record["before"] = before_groups(rows)
        return reresolve(rows, toponym, place)

    generation = store.patch_events(
        condition, params, move, pending=pending, toponym=toponym, keep=scope_keep(scope, event_id, article_id)
    )
    finish_corrections(store, folder)
    return generation


def _override(toponym: str, place: Alternative) -> dict[str, Any]:
    """The override file's entry (JSON) that makes `toponym` mean `place`."""
    return {
        "name": toponym,
        "latitude": place.lat,
        "longitude": place.lon,
        "country_code": place.country_code,
        "admin1": place.admin1,
        "feature_code": place.feature_code or "PPL",
        "geonameid": place.geonameid,
    }


def undo_correction(store: Store, correction_id: str, folder: Path | None = None) -> int:
    """Put the events a logged correction moved back where they were, and its override entry back to
    what it replaced; committed as a save is (one store write carrying the log line). Returns the
    store's new generation; CorrectionError when it cannot be undone (correction_log.undo_target)."""
    finish_corrections(store, folder)
    record = undo_target(store.root, correction_id)
    ids = sorted(moved_ids(record))
    line = {"id": uuid.uuid4().hex[:12], "at": _now(), "undoes": record["id"], "toponym": record["toponym"]}
    pending: dict = {"log": line}
    if record.get("override"):
        pending["restore_override"] = {"name": record["toponym"], "previous": record.get("previous_override")}
    # The moved events all name the correction's toponym: read by it, kept by id.
    generation = store.patch_events(
        "list_contains(?, event_id)",
        [ids],
        lambda rows: restore_rows(rows, record),
        pending=pending,
        toponym=str(record["toponym"]),
        keep=lambda rows: pd.Series(S.isin(rows[S.EVENT_ID], ids), index=rows.index),
    )
    finish_corrections(store, folder)
    return generation


def would_move(events: pd.DataFrame, toponym: str, place: Alternative) -> pd.Series:
    """Which of these rows (the rows a scope selects) a correction to `place` would move: those
    naming `toponym` that are not there already."""
    if events.empty:
        return pd.Series(False, index=events.index)
    names = events[S.TOPONYM]
    named = names.isin([t for t in names.dropna().unique() if same_name(t, toponym)])
    lat = pd.to_numeric(events[S.LATITUDE], errors="coerce")
    lon = pd.to_numeric(events[S.LONGITUDE], errors="coerce")
    there = ((lat - place.lat).abs() < 1e-4) & ((lon - place.lon).abs() < 1e-4)
    return (named & ~there.fillna(False).astype(bool)).astype(bool)


def preview_count(events: pd.DataFrame, toponym: str, place: Alternative) -> int:
    """How many of these rows a correction to `place` would move (would_move)."""
    return int(would_move(events, toponym, place).sum())


def finish_corrections(store: Store, folder: Path | None = None) -> bool:
    """Do the work a correction's (or an undo's) committed store write left pending, should the
    process have died before: the override table entry and the log line. Returns whether there was any."""

    def apply(pending: dict) -> None:
        if isinstance(pending.get("override"), dict):
            add_override(**pending["override"], folder=folder)
        if isinstance(pending.get("restore_override"), dict):
            restore_override(pending["restore_override"]["name"], pending["restore_override"].get("previous"), folder)
        if isinstance(pending.get("log"), dict):
            append_log(store.root, pending["log"])

    return store.finish_pending(apply)


def toponym_is(toponym: str) -> tuple[str, list]:
    """The rows whose toponym is `toponym` as same_name compares them (case and runs of spaces
    ignored), as an SQL condition the store's DuckDB scan evaluates while it reads. The row must
    first contain the name's longest word (lower-cased, which the full test implies): a cheap test
    that spares most rows the regular expression (a fifth of the selection's CPU at a million rows)."""
    name = " ".join(toponym.split()).casefold()
    word = max(name.split(), key=len, default="")
    return (
        "contains(lower(toponym), ?) AND lower(trim(regexp_replace(toponym, '\\s+', ' ', 'g'))) = ?",
        [word, name],
    )

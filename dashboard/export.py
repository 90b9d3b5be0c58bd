"""Writing the events table as CSV, GeoJSON or Parquet."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import pandas as pd

from dashboard import schema as S

FORMATS = ("csv", "geojson", "parquet")
KINDS = ("event", "mention", "all")


def select_kind(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The rows of one record_kind ("event" or "mention"), or all of them."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {KINDS}")
    if kind == "all":
        return df
    return df[(df[S.RECORD_KIND].fillna("event") == kind).to_numpy()].reset_index(drop=True)


def events_geojson(df: pd.DataFrame) -> dict:
    features = []
    for r in df.to_dict("records"):
        props: dict[str, object] = {}
        for k, v in r.items():
            if k in (S.LATITUDE, S.LONGITUDE):
                continue
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                props[k] = None
            elif isinstance(v, pd.Timestamp):
                props[k] = v.strftime("%Y-%m-%d")
            elif hasattr(v, "item"):
                props[k] = v.item()
            else:
                props[k] = v
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [r[S.LONGITUDE], r[S.LATITUDE]]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_events(df: pd.DataFrame, fmt: str, path: str | Path) -> int:
    """Write atomically (temp file + rename); returns the number of rows written."""
    return write_event_chunks([df], fmt, path)


def write_event_chunks(chunks: Iterable[pd.DataFrame], fmt: str, path: str | Path) -> int:
    """write_events for a table that comes in pieces (CSV and GeoJSON are streamed piece by piece,
    so a large selection is never one DataFrame); the output is the same as for their concatenation."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        if fmt == "parquet":
            pieces = list(chunks)
            df = S.coerce_events(pd.concat(pieces, ignore_index=True) if pieces else S.empty_events())
            df.to_parquet(tmp, index=False)
            n = len(df)
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                n = (_write_csv if fmt == "csv" else _write_geojson)((S.coerce_events(c) for c in chunks), out)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return n


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(…)" in an
# article's title): such text cells get a leading apostrophe, which spreadsheets show as text. Also
# where only spaces, control or invisible characters (NUL, no-break and zero-width spaces) come
# before the sign, which some spreadsheets skip, and the full-width signs some read as the ASCII ones.
FORMULA_START = r"^[\s\x00-\x1f\u00a0\u200b-\u200f\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\x00-\x1f]"
# A CR not followed by LF: pandas quotes a cell only for the line terminator's LF, and CSV readers
# end a record at a lone CR, so the rest of the cell would be read as a record of its own (its
# first cell not neutralised). Written as LF, the cell is quoted; its length is unchanged.
LONE_CR = r"\r(?!\n)"


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns with "'" before any cell that a spreadsheet would read as a formula (OWASP's
    CSV injection advice), and a lone CR in a cell written as LF (LONE_CR); numbers (a negative
    longitude) are left as they are."""
    for col in df.columns:
        if df[col].dtype == object or isinstance(df[col].dtype, pd.StringDtype):
            text = df[col]
            broken = text.str.contains("\r", regex=False, na=False)
            if broken.any():
                text = df[col] = text.where(~broken, text.astype("string").str.replace(LONE_CR, "\n", regex=True))
            risky = text.str.contains(FORMULA_START, regex=True, na=False)
            if risky.any():
                df[col] = text.where(~risky, "'" + text.astype("string"))
    return df


def _write_csv(chunks: Iterable[pd.DataFrame], out: TextIO) -> int:
    n = 0
    for i, df in enumerate(chunks):
        df = df.copy()
        for col in (S.EVENT_DATE, S.PUBLISHED):
            df[col] = df[col].dt.strftime("%Y-%m-%d")
        neutralise_formulas(df).to_csv(out, index=False, header=i == 0)
        n += len(df)
    if n == 0 and out.tell() == 0:
        S.empty_events().to_csv(out, index=False)
    return n


def _write_geojson(chunks: Iterable[pd.DataFrame], out: TextIO) -> int:
    # Byte for byte what json.dumps(events_geojson(all rows)) writes, one feature at a time.
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for df in chunks:
        for feature in events_geojson(df)["features"]:
            out.write((", " if n else "") + json.dumps(feature, ensure_ascii=False))
            n += 1
    out.write("]}")
    return n

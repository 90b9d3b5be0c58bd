"""Writing the events table as CSV, GeoJSON or Parquet."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from dashboard import schema as S

FORMATS = ("csv", "geojson", "parquet")


def events_geojson(df: pd.DataFrame) -> dict:
    features = []
    for r in df.to_dict("records"):
        props = {}
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
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [r[S.LONGITUDE], r[S.LATITUDE]]}})
    return {"type": "FeatureCollection", "features": features}


def write_events(df: pd.DataFrame, fmt: str, path: str | Path) -> int:
    """Write atomically (temp file + rename); returns the number of rows written."""
    path = Path(path)
    df = S.coerce_events(df)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        if fmt == "csv":
            out = df.copy()
            for col in (S.EVENT_DATE, S.PUBLISHED):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
            out.to_csv(tmp, index=False)
        elif fmt == "geojson":
            Path(tmp).write_text(json.dumps(events_geojson(df), ensure_ascii=False), encoding="utf-8")
        elif fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return len(df)

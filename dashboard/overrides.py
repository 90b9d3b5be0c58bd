"""The user gazetteer folder and its override table, with no heavy dependency.

The geoparser reads `overrides.tsv` when it builds its index (`dashboard.geo`); the dashboard
writes it when a user corrects a place from the page, so the writing lives here, where the app
may import it without pulling in the gazetteer, numpy indexes or spaCy.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import platformdirs

from dashboard.errors import GazetteerError

OVERRIDES = "overrides.tsv"
# geonameid came later: tables written before it read as "no id".
OVERRIDE_COLUMNS = ("name", "latitude", "longitude", "country_code", "admin1", "feature_code", "geonameid")


def gazetteer_dir() -> Path:
    env = os.environ.get("CONFLICTMAP_GAZETTEER")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("conflictmap")) / "gazetteer"


def atomic_write_tsv(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    """Write a TSV table through a temporary file and a rename, so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def read_table(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def check_override(
    name: str,
    latitude: float,
    longitude: float,
    country_code: str = "",
    admin1: str = "",
    feature_code: str = "PPL",
    geonameid: int | None = None,
) -> None:
    """GazetteerError when the entry cannot be recorded."""
    if not name.strip():
        raise GazetteerError("a place needs a name")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise GazetteerError(f"coordinates out of range: {latitude}, {longitude}")
    if geonameid is not None and geonameid <= 0:
        raise GazetteerError(f"a GeoNames id is a positive number, not {geonameid}")


def add_override(
    name: str,
    latitude: float,
    longitude: float,
    country_code: str = "",
    admin1: str = "",
    feature_code: str = "PPL",
    folder: Path | None = None,
    geonameid: int | None = None,
) -> Path:
    """Record a user correction: `name` means this place from now on."""
    check_override(name, latitude, longitude, geonameid=geonameid)
    folder = folder or gazetteer_dir()
    rows = [
        [r.get(c) or "" for c in OVERRIDE_COLUMNS]
        for r in read_table(folder / OVERRIDES)
        if r["name"].strip().lower() != name.strip().lower()
    ]
    rows.append(
        [
            name.strip(),
            f"{latitude:.6f}",
            f"{longitude:.6f}",
            country_code.upper(),
            admin1,
            feature_code,
            str(geonameid) if geonameid else "",
        ]
    )
    try:
        atomic_write_tsv(folder / OVERRIDES, OVERRIDE_COLUMNS, rows)
    except OSError as err:
        raise GazetteerError(f"{folder / OVERRIDES}: cannot write the correction ({err.strerror or err})") from err
    return folder / OVERRIDES


def override_entry(name: str, folder: Path | None = None) -> dict[str, str] | None:
    """The override table's entry for `name` (compared as add_override compares it), or None."""
    key = name.strip().lower()
    return next(
        (r for r in read_table((folder or gazetteer_dir()) / OVERRIDES) if r["name"].strip().lower() == key), None
    )


def restore_override(name: str, previous: dict | None, folder: Path | None = None) -> None:
    """Undo a correction's entry for `name`: put back the entry it replaced, or drop it when there was none."""
    folder = folder or gazetteer_dir()
    key = name.strip().lower()
    rows = [
        [r.get(c) or "" for c in OVERRIDE_COLUMNS]
        for r in read_table(folder / OVERRIDES)
        if r["name"].strip().lower() != key
    ]
    if previous:
        rows.append([str(previous.get(c) or "") for c in OVERRIDE_COLUMNS])
    try:
        atomic_write_tsv(folder / OVERRIDES, OVERRIDE_COLUMNS, rows)
    except OSError as err:
        raise GazetteerError(f"{folder / OVERRIDES}: cannot undo the correction ({err.strerror or err})") from err

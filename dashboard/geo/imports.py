"""The user's additions to the gazetteer: GeoNames dumps they downloaded, and their corrections.

Both live in a folder of their own (`$CONFLICTMAP_GAZETTEER`, else the user data dir), are read
when the gazetteer index is built, and survive upgrades of the packaged data:

- `imported.tsv` — places from `allCountries.txt` / `XX.zip` / `XX.txt` dumps (GeoNames' 19-column format);
- `admin1.tsv` — first-level division names and ids from `admin1CodesASCII.txt`;
- `overrides.tsv` — places added with `conflictmap gazetteer add`; they win over every other candidate
  of the same name.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dashboard.errors import GazetteerError
from dashboard.geo.gazetteer import Gazetteer, Place
from dashboard.overrides import (  # noqa: F401 (re-exported: the override table lives where the app may import it)
    OVERRIDE_COLUMNS,
    OVERRIDES,
    add_override,
    gazetteer_dir,
    read_table,
)
from dashboard.overrides import atomic_write_tsv as _atomic_write

IMPORTED = "imported.tsv"
ADMIN1 = "admin1.tsv"
IMPORT_COLUMNS = (
    "geonameid",
    "name",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "country_code",
    "admin1_code",
    "admin2_code",
    "population",
)
# Feature classes worth a place in a news geoparser: divisions, areas, water, populated places,
# spots (airports, bases), terrain. Roads, vegetation and undersea features are left out.
DEFAULT_CLASSES = frozenset("ALHPST")


@dataclass
class ImportResult:
    kind: str
    rows: int
    skipped: int
    path: Path


def _geonames_lines(path: Path) -> Iterator[tuple[int, str]]:
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if n.endswith(".txt") and not n.lower().startswith("readme")]
                if not names:
                    raise GazetteerError(f"{path}: zip holds no GeoNames .txt file")
                with zf.open(names[0]) as fh:
                    yield from enumerate(io.TextIOWrapper(fh, encoding="utf-8"), start=1)
        except zipfile.BadZipFile as err:
            raise GazetteerError(f"{path}: not a zip file ({err})") from err
        return
    try:
        with path.open(encoding="utf-8") as fh:
            yield from enumerate(fh, start=1)
    except UnicodeDecodeError as err:
        raise GazetteerError(f"{path}: not UTF-8 text ({err})") from err


def import_file(
    path: str | Path, folder: Path | None = None, classes: frozenset[str] = DEFAULT_CLASSES
) -> ImportResult:
    """Import a GeoNames dump (allCountries.txt, XX.zip, XX.txt) or admin1CodesASCII.txt."""
    path = Path(path)
    folder = folder or gazetteer_dir()
    if not path.is_file():
        raise GazetteerError(f"{path}: no such file")
    if path.name.lower().startswith("admin1codes"):
        return _import_admin1(path, folder)
    existing = {r["geonameid"]: r for r in read_table(folder / IMPORTED)}
    rows = skipped = 0
    for n, line in _geonames_lines(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 15:
            if line.strip():
                skipped += 1
                if skipped == 1 and n == 1:
                    raise GazetteerError(f"{path}:1: not a GeoNames dump (expected 19 tab-separated columns)")
            continue
        try:
            float(f[4]), float(f[5]), int(f[0])
        except ValueError:
            skipped += 1
            continue
        if f[6] not in classes:
            continue
        alts = [a for a in f[3].split(",") if a and len(a) <= 60][:40]
        existing[f[0]] = {
            "geonameid": f[0],
            "name": f[1],
            "alternatenames": "|".join([f[2], *alts]),
            "latitude": f[4],
            "longitude": f[5],
            "feature_class": f[6],
            "feature_code": f[7],
            "country_code": f[8],
            "admin1_code": f[10],
            "admin2_code": f[11],
            "population": f[14] or "0",
        }
        rows += 1
    if rows == 0:
        raise GazetteerError(
            f"{path}: no places of feature classes {''.join(sorted(classes))} found"
            + (f" ({skipped} malformed line(s))" if skipped else " (empty file?)")
        )
    _atomic_write(folder / IMPORTED, IMPORT_COLUMNS, [[r[c] for c in IMPORT_COLUMNS] for r in existing.values()])
    return ImportResult("places", rows, skipped, folder / IMPORTED)


def _import_admin1(path: Path, folder: Path) -> ImportResult:
    rows, skipped = [], 0
    for _n, line in _geonames_lines(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 4 or "." not in f[0]:
            skipped += int(bool(line.strip()))
            continue
        rows.append([f[0], f[1], f[3]])
    if not rows:
        raise GazetteerError(f"{path}: no admin1 codes found (expected CC.CODE<TAB>name<TAB>ascii<TAB>geonameid)")
    old = {r["code"]: [r["code"], r["name"], r["geonameid"]] for r in read_table(folder / ADMIN1)}
    old.update({r[0]: r for r in rows})
    _atomic_write(folder / ADMIN1, ("code", "name", "geonameid"), list(old.values()))
    return ImportResult("admin1", len(rows), skipped, folder / ADMIN1)


def stamp(folder: Path | None = None) -> str:
    """Changes whenever the user's additions change, so the cached index is rebuilt; "" when there are none."""
    folder = folder or gazetteer_dir()
    parts = []
    for name in (IMPORTED, ADMIN1, OVERRIDES):
        p = folder / name
        if p.exists():
            parts.append(f"{name}:{p.stat().st_size}.{p.stat().st_mtime_ns}")
    return "|".join(parts)


def apply_user_additions(gaz: Gazetteer, folder: Path | None = None) -> Gazetteer:
    """Add imported GeoNames places and the user's corrections (which outrank everything)."""
    folder = folder or gazetteer_dir()
    admin1 = {r["code"]: r for r in read_table(folder / ADMIN1)}
    for r in admin1.values():
        cc = r["code"].split(".")[0]
        place = gaz.admin1_place(cc, r["name"])
        if place is not None and r["geonameid"].isdigit():
            gaz.cols["geonameid"][place.idx] = int(r["geonameid"])
    known_ids = {int(g): i for i, g in enumerate(gaz.cols["geonameid"]) if int(g) > 0}
    for r in read_table(folder / IMPORTED):
        gid = int(r["geonameid"])
        if gid in known_ids:
            # GeoNames' own point for a place the packages know by another source's centroid
            # (countries and provinces come from countrystatecity): the dump is the reference.
            i = known_ids[gid]
            gaz.cols["latitude"][i], gaz.cols["longitude"][i] = float(r["latitude"]), float(r["longitude"])
            continue
        a1 = admin1.get(f"{r['country_code']}.{r['admin1_code']}", {}).get("name", "")
        gaz.add(_imported_place(r, gid, a1), aliases=[a for a in r["alternatenames"].split("|") if a])
    for r in read_table(folder / OVERRIDES):
        gaz.overrides.add(gaz.add(_override_place(r)).idx)
    gaz.columns_changed()  # ids and points above were written into the columns in place
    return gaz


def _imported_place(r: dict[str, str], gid: int, admin1: str) -> Place:
    """A place of the user's GeoNames dump (a row of imported.tsv), not yet in the gazetteer."""
    return Place(
        idx=-1,
        geonameid=gid,
        name=r["name"],
        latitude=float(r["latitude"]),
        longitude=float(r["longitude"]),
        feature_class=r["feature_class"],
        feature_code=r["feature_code"],
        country_code=r["country_code"],
        admin1=admin1,
        admin2="",
        population=int(r["population"] or 0),
    )


def _override_place(r: dict[str, str]) -> Place:
    """A place the user added or corrected (a row of overrides.tsv)."""
    code = r.get("feature_code") or "PPL"
    given_id = (r.get("geonameid") or "").strip()
    return Place(
        idx=-1,
        geonameid=int(given_id) if given_id.isdigit() else None,
        name=r["name"],
        latitude=float(r["latitude"]),
        longitude=float(r["longitude"]),
        feature_class="A" if code.startswith(("ADM", "PCL")) else "P",
        feature_code=code,
        country_code=r["country_code"],
        admin1=r["admin1"],
        admin2="",
        population=0,
    )

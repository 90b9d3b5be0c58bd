"""The gazetteer's cache: the packaged data's index built once and pickled under the cache folder,
and the index with the user's imports and corrections kept apart (`load_gazetteer`)."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from dashboard.errors import GazetteerError
from dashboard.geo.gazetteer import INDEX_VERSION, Gazetteer
from dashboard.paths import cache_dir

DATA = Path(__file__).with_name("data")

# -- building the index -------------------------------------------------------------------------


def _sources_stamp() -> str:
    import hashlib

    h = hashlib.sha1(str(INDEX_VERSION).encode())
    for name in (
        "demonyms.tsv",
        "regions.tsv",
        "country_aliases.tsv",
        "admin1_aliases.tsv",
        "region_aliases.tsv",
        "tables.toml",
    ):
        p = DATA / name
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:16]


def _read_pickle(path: Path) -> Gazetteer | None:
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as err:
        path.unlink(missing_ok=True)
        raise GazetteerError(f"{path}: corrupt gazetteer cache removed; run again ({err})") from err


KEEP_VERSIONS = 3  # cached index versions kept side by side (this one included)


def _write_pickle(gaz: Gazetteer, path: Path, replaces: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        # Keep the few newest other versions: two installs (a release and a checkout) sharing one
        # cache would otherwise delete each other's index and rebuild it on every other start.
        others = sorted(
            (p for p in path.parent.glob(replaces) if p != path), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in others[KEEP_VERSIONS - 1 :]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache only costs the next run a rebuild


def load_gazetteer(cache: Path | None = None, user_dir: Path | None = None) -> Gazetteer:
    """The gazetteer from the cache, building (and caching) it on first use.

    The packaged data's index and the one with the user's imports and corrections are cached
    apart, so a correction costs a re-application, not a rebuild from the packages.
    """
    from dashboard.geo.imports import apply_user_additions, gazetteer_dir, stamp

    cache = Path(cache or cache_dir())
    user_dir = user_dir or gazetteer_dir()
    base_stamp, user_stamp = _sources_stamp(), stamp(user_dir)
    if not user_stamp:
        path = cache / f"gazetteer-{base_stamp}.pickle"
        gaz = _read_pickle(path)
        if gaz is None:
            from dashboard.geo.gazetteer_build import build_gazetteer

            gaz = build_gazetteer()
            _write_pickle(gaz, path, "gazetteer-*.pickle")
        return gaz
    import hashlib

    key = hashlib.sha1(f"{base_stamp}|{user_dir.resolve()}|{user_stamp}".encode()).hexdigest()[:16]
    path = cache / "user" / f"gazetteer-{key}.pickle"
    gaz = _read_pickle(path)
    if gaz is None:
        gaz = apply_user_additions(load_gazetteer(cache, user_dir=cache / "no-user-additions"), user_dir)
        _write_pickle(gaz, path, "gazetteer-*.pickle")
    return gaz

"""Where bundled files and the default store live, for a checkout and for an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PKG = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # A wheel carries assets/ and data/ inside the package; a checkout (or editable
    # install) has them at the repository's top level.
    inside = _PKG / name
    if inside.is_dir():
        return inside
    return _PKG.parent / name


def assets_dir() -> Path:
    return _bundled("assets")


def data_dir() -> Path:
    return _bundled("data")


def default_store() -> Path:
    env = os.environ.get("CONFLICTMAP_STORE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("conflictmap")) / "store"


def cache_dir() -> Path:
    env = os.environ.get("CONFLICTMAP_CACHE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("conflictmap"))

"""Bundled files are found from a checkout and from an installed wheel (which carries them inside the package)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import paths


def test_bundled_files_are_found() -> None:
    assert (paths.assets_dir() / "topojson" / "world_50m.json").is_file()
    assert (paths.assets_dir() / "style.css").is_file()
    assert (paths.data_dir() / "articles" / "000_8dac7f83ad45b776.txt").is_file()


def test_a_wheel_layout_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "site-packages" / "dashboard"
    (pkg / "assets").mkdir(parents=True)
    monkeypatch.setattr(paths, "_PKG", pkg)
    assert paths.assets_dir() == pkg / "assets"
    assert paths.data_dir() == tmp_path / "site-packages" / "data", "no data/ inside: fall back to the checkout layout"


def test_store_location_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLICTMAP_STORE", str(tmp_path / "s"))
    assert paths.default_store() == tmp_path / "s"
    monkeypatch.delenv("CONFLICTMAP_STORE")
    assert paths.default_store().name == "store"

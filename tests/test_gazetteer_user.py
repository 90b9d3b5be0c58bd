"""GeoNames dump import and user corrections, on small files written in GeoNames' formats."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest

from dashboard.errors import GazetteerError
from dashboard.geo.gazetteer import Place
from dashboard.geo.gazetteer_build import _Builder
from dashboard.geo.imports import (
    ADMIN1,
    IMPORTED,
    OVERRIDES,
    add_override,
    apply_user_additions,
    import_file,
    read_table,
)
from dashboard.geo.toponyms import Context, Toponym, rank, resolve

# Two real GeoNames rows (19 tab-separated columns) for villages the packaged data lacks.
SARMADA = (
    "163806\tSarmada\tSarmada\tSarmadah,Sarmadā,سرمدا\t36.18414\t36.72063\tP\tPPL\tSY\t\t12\t\t\t\t"
    "15000\t\t380\tAsia/Damascus\t2012-01-18"
)
ATIMAH = (
    "172956\tAtimah\tAtimah\tAtmeh,Atma,أطمة\t36.23056\t36.66556\tP\tPPL\tSY\t\t12\t\t\t\t"
    "0\t\t350\tAsia/Damascus\t2012-01-18"
)
ROAD = "9999999\tSome Road\tSome Road\t\t36.0\t36.0\tR\tRD\tSY\t\t12\t\t\t\t0\t\t0\tAsia/Damascus\t2012-01-18"


def tiny_gazetteer():
    b = _Builder()
    b.add(
        ["Syria"],
        geonameid=163843,
        name="Syria",
        latitude=35.0,
        longitude=38.0,
        feature_class="A",
        feature_code="PCLI",
        country_code="SY",
        admin1="",
        admin2="",
        population=17_000_000,
    )
    b.add(
        ["Idlib"],
        geonameid=None,
        name="Idlib",
        latitude=35.86,
        longitude=36.57,
        feature_class="A",
        feature_code="ADM1",
        country_code="SY",
        admin1="Idlib",
        admin2="",
        population=1_500_000,
    )
    b.add(
        ["Moscow"],
        geonameid=5601538,
        name="Moscow",
        latitude=46.73,
        longitude=-117.0,
        feature_class="P",
        feature_code="PPL",
        country_code="US",
        admin1="Idaho",
        admin2="",
        population=25_000,
    )
    return b.finish({"SY": "Syria", "US": "United States"}, {})


def test_import_txt_keeps_places_and_skips_other_classes(tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text("\n".join([SARMADA, ATIMAH, ROAD, "not\ta\tvalid line"]) + "\n", encoding="utf-8")
    res = import_file(dump, folder=tmp_path / "gz")
    assert (res.kind, res.rows, res.skipped) == ("places", 2, 1)
    rows = read_table(tmp_path / "gz" / IMPORTED)
    assert {r["name"] for r in rows} == {"Sarmada", "Atimah"}


def test_import_zip_and_admin1_then_lookup(tmp_path: Path) -> None:
    folder = tmp_path / "gz"
    z = tmp_path / "SY.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "GeoNames readme")
        zf.writestr("SY.txt", SARMADA + "\n" + ATIMAH + "\n")
    assert import_file(z, folder=folder).rows == 2
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("SY.12\tIdlib\tIdlib\t169388\nbroken\n", encoding="utf-8")
    res = import_file(admin1, folder=folder)
    assert (res.kind, res.rows, res.skipped) == ("admin1", 1, 1)
    assert read_table(folder / ADMIN1)[0]["geonameid"] == "169388"

    gaz = apply_user_additions(tiny_gazetteer(), folder)
    sarmada = gaz.lookup("Sarmada")
    assert len(sarmada) == 1 and sarmada[0].country_code == "SY" and sarmada[0].admin1 == "Idlib"
    assert gaz.lookup("Atmeh")[0].name == "Atimah", "alternate names are indexed"
    assert gaz.admin1_place("SY", "Idlib").geonameid == 169388, "admin1 ids come from admin1CodesASCII"


def test_import_rejects_a_file_that_is_not_a_dump(tmp_path: Path) -> None:
    bad = tmp_path / "allCountries.txt"
    bad.write_text("hello world\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="allCountries.txt:1: not a GeoNames dump"):
        import_file(bad, folder=tmp_path / "gz")
    with pytest.raises(GazetteerError, match="no such file"):
        import_file(tmp_path / "missing.zip", folder=tmp_path / "gz")
    notzip = tmp_path / "XX.zip"
    notzip.write_bytes(b"plain bytes")
    with pytest.raises(GazetteerError, match="not a zip file"):
        import_file(notzip, folder=tmp_path / "gz")


def test_override_wins_over_every_other_candidate(tmp_path: Path) -> None:
    folder = tmp_path / "gz"
    add_override("Moscow", 55.75, 37.62, "RU", feature_code="PPLC", folder=folder)
    add_override("Moscow", 55.76, 37.61, "RU", feature_code="PPLC", folder=folder)  # replaces, not duplicates
    assert len(read_table(folder / OVERRIDES)) == 1
    gaz = apply_user_additions(tiny_gazetteer(), folder)
    cands = gaz.lookup("Moscow")
    ranked = rank(cands, "moscow", Context(Counter({"US": 5}), (), frozenset(gaz.overrides)))
    assert ranked[0][0].country_code == "RU" and round(ranked[0][0].latitude, 2) == 55.76

    from dashboard.geo.geocoder import GazetteerGeocoder

    tops = resolve([Toponym(0, 6, "Moscow", "GPE")], GazetteerGeocoder(gaz), gaz)
    assert tops[0].place.country_code == "RU"


def test_an_override_keeps_its_geonames_id_and_an_old_table_without_one_still_loads(tmp_path: Path) -> None:
    folder = tmp_path / "gz"
    add_override("Sarmada", 36.184, 36.721, "SY", "Idlib", folder=folder, geonameid=163345)
    gaz = apply_user_additions(tiny_gazetteer(), folder)
    assert [p.geonameid for p in gaz.lookup("Sarmada")] == [163345]
    with pytest.raises(GazetteerError, match="GeoNames id"):
        add_override("Sarmada", 36.184, 36.721, folder=folder, geonameid=0)
    # A table written before the geonameid column existed.
    (folder / OVERRIDES).write_text(
        "name\tlatitude\tlongitude\tcountry_code\tadmin1\tfeature_code\nAtimah\t36.2\t36.68\tSY\tIdlib\tPPL\n",
        encoding="utf-8",
    )
    gaz = apply_user_additions(tiny_gazetteer(), folder)
    assert [p.geonameid for p in gaz.lookup("Atimah")] == [None]
    add_override("Sarmada", 36.184, 36.721, "SY", folder=folder)
    assert [r["geonameid"] for r in read_table(folder / OVERRIDES)] == ["", ""]


@pytest.mark.parametrize("lat,lon", [(91, 0), (0, 181)])
def test_override_rejects_impossible_coordinates(tmp_path: Path, lat: float, lon: float) -> None:
    with pytest.raises(GazetteerError, match="out of range"):
        add_override("X", lat, lon, folder=tmp_path)


def test_cli_gazetteer_add_and_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from dashboard.cli import main

    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "gz"))
    assert (
        main(
            [
                "gazetteer",
                "add",
                "Sarmada",
                "36.184",
                "36.721",
                "--country",
                "SY",
                "--admin1",
                "Idlib",
                "--geonameid",
                "163345",
            ]
        )
        == 0
    )
    row = read_table(tmp_path / "gz" / OVERRIDES)[0]
    assert (row["admin1"], row["geonameid"]) == ("Idlib", "163345")
    dump = tmp_path / "SY.txt"
    dump.write_text(SARMADA + "\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["gazetteer", "import", str(dump), str(empty)]) == 1
    out = capsys.readouterr()
    assert "imported 1 places row(s)" in out.out
    assert "empty.txt" in out.err


def test_import_moves_known_countries_and_provinces_to_geonames_points(tmp_path: Path) -> None:
    """The packaged country and province points are another source's centroids; a dump's own
    rows for the same GeoNames ids replace them (here Syria, and Idlib once admin1 names its id)."""
    folder = tmp_path / "gz"
    syria = "163843\tSyria\tSyria\t\t35.0\t38.5\tA\tPCLI\tSY\t\t00\t\t\t\t22000000\t\t0\tAsia/Damascus\t2020-01-01"
    idlib = "169388\tIdlib\tIdlib\t\t35.75\t36.6\tA\tADM1\tSY\t\t12\t\t\t\t1500000\t\t0\tAsia/Damascus\t2020-01-01"
    dump = tmp_path / "SY.txt"
    dump.write_text(syria + "\n" + idlib + "\n", encoding="utf-8")
    import_file(dump, folder=folder)
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("SY.12\tIdlib\tIdlib\t169388\n", encoding="utf-8")
    import_file(admin1, folder=folder)
    gaz = apply_user_additions(tiny_gazetteer(), folder)
    (country,) = [p for p in gaz.lookup("Syria") if p.feature_code == "PCLI"]
    assert (country.latitude, country.longitude) == (35.0, 38.5)
    (province,) = gaz.lookup("Idlib")
    assert (province.geonameid, province.latitude, province.longitude) == (169388, 35.75, 36.6)
    assert len(gaz.lookup("Syria")) == 1, "not added twice"


def test_a_kept_lookup_is_forgotten_when_a_place_is_added_or_the_columns_change() -> None:
    gaz = tiny_gazetteer()
    assert gaz.lookup("Raqqa") == [] and gaz.lookup_spelling("Raqa", short=True) == []
    found = gaz.lookup("Moscow")
    found.clear()  # each caller gets its own list
    assert [p.name for p in gaz.lookup("Moscow")] == ["Moscow"]
    added = gaz.add(Place(-1, 163345, "Raqqa", 35.95, 39.01, "P", "PPLA", "SY", "Raqqa", "", 0))
    assert gaz.lookup("Raqqa") == [added] and gaz.lookup_spelling("Raqa", short=True) == [added]
    gaz.cols["latitude"][added.idx] = 36.5
    gaz.columns_changed()
    assert gaz.lookup("Raqqa")[0].latitude == 36.5 and gaz.lookup_spelling("Raqa", short=True)[0].latitude == 36.5

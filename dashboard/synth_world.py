"""The synthetic world the bench's stores are drawn from: a few conflict regions' towns (approximate
coordinates), their countries, actors and name syllables, the event types with the sentence each
opens with, the dates' span, and the place pool built from them (towns, villages, provinces,
countries) with each place's `alternatives`."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np
import pandas as pd

# (town, lat, lon, admin1, country index, weight): approximate coordinates are enough here.
TOWNS: tuple[tuple[str, float, float, str, int, float], ...] = (
    ("Idlib", 35.9306, 36.6339, "Idlib", 0, 5.0),
    ("Saraqib", 35.8644, 36.8006, "Idlib", 0, 3.0),
    ("Maarat al-Numan", 35.6434, 36.6747, "Idlib", 0, 2.5),
    ("Aleppo", 36.2021, 37.1343, "Aleppo", 0, 3.0),
    ("Deir ez-Zor", 35.3359, 40.1408, "Deir ez-Zor", 0, 1.5),
    ("Raqqa", 35.9528, 39.0079, "Raqqa", 0, 1.5),
    ("Douma", 33.5711, 36.4022, "Rif Dimashq", 0, 1.0),
    ("Daraa", 32.6189, 36.1021, "Daraa", 0, 1.0),
    ("Bakhmut", 48.5956, 38.0003, "Donetsk", 1, 5.0),
    ("Avdiivka", 48.1394, 37.7497, "Donetsk", 1, 3.0),
    ("Donetsk", 48.0159, 37.8028, "Donetsk", 1, 2.0),
    ("Kharkiv", 49.9935, 36.2304, "Kharkiv", 1, 3.0),
    ("Kherson", 46.6354, 32.6169, "Kherson", 1, 2.5),
    ("Zaporizhzhia", 47.8388, 35.1396, "Zaporizhzhia", 1, 2.0),
    ("Mariupol", 47.0971, 37.5434, "Donetsk", 1, 1.5),
    ("Taiz", 13.5795, 44.0209, "Taiz", 2, 3.0),
    ("Hodeidah", 14.7978, 42.9545, "Al Hudaydah", 2, 2.0),
    ("Marib", 15.4591, 45.3253, "Marib", 2, 2.5),
    ("Sanaa", 15.3694, 44.1910, "Amanat al Asimah", 2, 1.0),
    ("Khartoum", 15.5007, 32.5599, "Khartoum", 3, 4.0),
    ("Omdurman", 15.6445, 32.4777, "Khartoum", 3, 2.0),
    ("El Fasher", 13.6288, 25.3494, "North Darfur", 3, 3.0),
    ("Geneina", 13.4526, 22.4472, "West Darfur", 3, 2.0),
    ("Gao", 16.2666, -0.0400, "Gao", 4, 1.5),
    ("Mopti", 14.4843, -4.1827, "Mopti", 4, 1.5),
    ("Timbuktu", 16.7735, -3.0074, "Tombouctou", 4, 1.0),
    ("Djibo", 14.1022, -1.6306, "Sahel", 5, 2.0),
    ("Ouahigouya", 13.5828, -2.4216, "Nord", 5, 1.0),
    ("Myawaddy", 16.6883, 98.5088, "Kayin", 6, 1.5),
    ("Lashio", 22.9333, 97.7500, "Shan", 6, 1.5),
    ("Sagaing", 21.8787, 95.9797, "Sagaing", 6, 2.0),
    ("Goma", -1.6792, 29.2228, "North Kivu", 7, 2.5),
    ("Beni", 0.4911, 29.4731, "North Kivu", 7, 2.0),
    ("Bunia", 1.5667, 30.2500, "Ituri", 7, 1.5),
)


# (country, ISO code, centroid lat, lon, region weight, actor 1, actor 2, name syllables)
COUNTRIES: tuple[tuple[str, str, float, float, float, str, str, tuple[str, ...]], ...] = (
    (
        "Syria",
        "SY",
        35.0,
        38.0,
        3.0,
        "Military Forces of Syria (2000-)",
        "Hayat Tahrir al-Sham",
        ("Kafr", "Tal", "Ain", "Maarat", "Khan", "Jisr", "Deir", "Ras"),
    ),
    (
        "Ukraine",
        "UA",
        49.0,
        32.0,
        3.0,
        "Military Forces of Russia",
        "Military Forces of Ukraine",
        ("Novo", "Stara", "Krasno", "Pokrov", "Zales", "Bilo", "Vesel", "Chervon"),
    ),
    (
        "Yemen",
        "YE",
        15.5,
        47.5,
        1.5,
        "Houthis",
        "Military Forces of Yemen",
        ("Bayt", "Wadi", "Jabal", "Suq", "Hisn", "Bani", "Dhi", "Qarn"),
    ),
    (
        "Sudan",
        "SD",
        15.0,
        30.0,
        2.0,
        "Sudanese Armed Forces",
        "Rapid Support Forces",
        ("Um", "Abu", "Wad", "Jebel", "Kadu", "Nyala", "Bir", "Tawi"),
    ),
    (
        "Mali",
        "ML",
        17.0,
        -4.0,
        1.0,
        "JNIM",
        "Military Forces of Mali",
        ("Dou", "Ber", "Ten", "Kou", "Sir", "Nia", "Boni", "Ham"),
    ),
    (
        "Burkina Faso",
        "BF",
        12.5,
        -1.5,
        1.0,
        "JNIM",
        "Military Forces of Burkina Faso",
        ("Koul", "Tan", "Dji", "Sebb", "Arbi", "Gor", "Bara", "Tou"),
    ),
    (
        "Myanmar",
        "MM",
        21.0,
        96.0,
        1.0,
        "Military Forces of Myanmar",
        "People's Defence Force",
        ("Kyauk", "Myin", "Taung", "Pyin", "Hpa", "Mong", "Nyaung", "Shwe"),
    ),
    (
        "Democratic Republic of the Congo",
        "CD",
        -2.5,
        23.5,
        1.5,
        "M23",
        "Military Forces of the DRC",
        ("Ki", "Bu", "Mu", "Lu", "Ka", "Ma", "Ru", "Nya"),
    ),
)


SUFFIXES = ("a", "an", "iyah", "ivka", "ovo", "e", "ou", "ani", "ek", "ura", "ing", "ba")


# event type → (sub-event type, trigger word, prefix before the actors, violent?)
TYPES: tuple[tuple[str, str, str, bool, float], ...] = (
    ("Battles", "Armed clash", "Fighting", True, 0.28),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Shelling", True, 0.24),
    ("Explosions/Remote violence", "Air/drone strike", "Airstrikes", True, 0.12),
    ("Violence against civilians", "Attack", "Gunmen", True, 0.08),
    ("Protests", "Peaceful protest", "Protesters", False, 0.06),
    ("Riots", "Violent demonstration", "Rioters", False, 0.02),
    ("Strategic developments", "Change to group/activity", "Troops", False, 0.06),
    ("Diplomacy", "Meeting", "Talks", False, 0.06),
    ("Displacement", "Displacement", "Thousands", False, 0.05),
    ("Other", "", "Residents", False, 0.03),
)


VERBS = {
    "Fighting": "Fighting between {a} and {b} was reported near ",
    "Shelling": "Shelling by {a} hit ",
    "Airstrikes": "Airstrikes by {a} struck ",
    "Gunmen": "Gunmen linked to {a} attacked villagers in ",
    "Protesters": "Protesters gathered in ",
    "Rioters": "Rioters clashed with police in ",
    "Troops": "Troops of {a} withdrew from ",
    "Talks": "Talks between {a} and {b} were held in ",
    "Thousands": "Thousands of families fled ",
    "Residents": "Residents reported unrest in ",
}


START_DAY = int((pd.Timestamp("2021-01-01") - pd.Timestamp("1970-01-01")).days)
N_DAYS = 3 * 365
VILLAGES_PER_TOWN = 60
TAIL_PER_COUNTRY = 400


@dataclass(frozen=True, eq=False)  # one pool per seed, shared (build_places): compared and hashed as itself
class Places:
    """The place pool: towns, their villages, scattered villages, provinces and countries."""

    name: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    country: np.ndarray  # index into COUNTRIES
    admin1: np.ndarray
    precision: np.ndarray  # geo_precision 1, 3 or 4
    feature: np.ndarray
    town_first_village: int  # villages of town t: [town_first_village + t*V, ... + V)
    tail_first: int  # tail of country c: [tail_first + c*TAIL, ... + TAIL)
    province_of_town: np.ndarray  # place index of each town's province
    country_place: np.ndarray  # place index of each country


def _name(rng: np.random.Generator, syllables: tuple[str, ...]) -> str:
    a, b = rng.choice(len(syllables), 2)
    return f"{syllables[a]} {syllables[b].lower()}{SUFFIXES[rng.integers(len(SUFFIXES))]}".title()


def _tail_rows(rng: np.random.Generator) -> list[tuple[str, float, float, int, str, int, str]]:
    """Villages scattered across each country, TAIL_PER_COUNTRY of them, near a random town of it."""
    rows = []
    for c in range(len(COUNTRIES)):
        towns = [t for t in TOWNS if t[4] == c]
        spread = max(1.5, float(np.ptp([t[1] for t in towns]) + np.ptp([t[2] for t in towns])) / 2)
        for _ in range(TAIL_PER_COUNTRY):
            t = towns[rng.integers(len(towns))]
            rows.append(
                (
                    _name(rng, COUNTRIES[c][7]),
                    t[1] + rng.normal(0, spread / 2),
                    t[2] + rng.normal(0, spread / 2),
                    c,
                    t[3],
                    1,
                    "PPL",
                )
            )
    return rows


@lru_cache(maxsize=8)
def build_places(seed: int = 0) -> Places:
    """The pool of a seed, built once per process and shared, read-only: building it (~5,300 places)
    and its alternatives (place_alternatives) was most of the time of drawing a small store."""
    return _read_only(_build_places(seed))


def _read_only(places: Places) -> Places:
    for f in fields(places):
        value = getattr(places, f.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return places


def _build_places(seed: int) -> Places:
    rng = np.random.default_rng([seed, 1])
    rows: list[tuple[str, float, float, int, str, int, str]] = []
    for name, lat, lon, admin1, c, _w in TOWNS:
        rows.append((name, lat, lon, c, admin1, 1, "PPL"))
    first_village = len(rows)
    for _town, lat, lon, admin1, c, _w in TOWNS:
        # Villages cluster near the town: most within ~20 km, some up to ~80 km.
        d = rng.standard_t(3, size=(VILLAGES_PER_TOWN, 2)) * 0.12
        for k in range(VILLAGES_PER_TOWN):
            rows.append((_name(rng, COUNTRIES[c][7]), lat + d[k, 0], lon + d[k, 1], c, admin1, 1, "PPL"))
    tail_first = len(rows)
    rows.extend(_tail_rows(rng))
    provinces: dict[tuple[int, str], int] = {}
    for _town, lat, lon, admin1, c, _w in TOWNS:
        if (c, admin1) not in provinces:
            provinces[(c, admin1)] = len(rows)
            rows.append((admin1, lat + 0.2, lon - 0.2, c, admin1, 3, "ADM1"))
    country_place = []
    for c, (country, _cc, lat, lon, *_rest) in enumerate(COUNTRIES):
        country_place.append(len(rows))
        rows.append((country, lat, lon, c, "", 4, "PCLI"))
    cols = list(zip(*rows, strict=True))
    return Places(
        np.array(cols[0], dtype=object),
        np.round(np.array(cols[1]), 5),
        np.round(np.array(cols[2]), 5),
        np.array(cols[3]),
        np.array(cols[4], dtype=object),
        np.array(cols[5]),
        np.array(cols[6], dtype=object),
        first_village,
        tail_first,
        np.array([provinces[(t[4], t[3])] for t in TOWNS]),
        np.array(country_place),
    )


@lru_cache(maxsize=8)
def place_alternatives(places: Places) -> np.ndarray:
    """The `alternatives` JSON of each place, as a real ingest fills it: the place itself first, then
    what else its name could mean (a namesake elsewhere in the pool), its province and its country,
    each with every field the pipeline writes. One string per place: rows naming the same place
    carry the same candidates, as rows of one toponym do in a real store."""

    def entry(i: int, score: float) -> dict:
        c = COUNTRIES[int(places.country[i])]
        return {
            "name": str(places.name[i]),
            "lat": float(places.lat[i]),
            "lon": float(places.lon[i]),
            "geonameid": 9_000_000 + int(i),
            "feature_code": str(places.feature[i]),
            "country_code": c[1],
            "country": c[0],
            "admin1": str(places.admin1[i]),
            "geo_precision": int(places.precision[i]),
            "score": round(score, 3),
        }

    n = len(places.name)
    province = {str(places.admin1[p]): int(p) for p in places.province_of_town}
    out = np.empty(n, dtype=object)
    for i in range(n):
        others = [(i * 7919 + 13) % n]  # a namesake: another place of the pool, far or near
        prov = province.get(str(places.admin1[i]))
        if prov is not None:
            others.append(prov)
        others.append(int(places.country_place[int(places.country[i])]))
        seen, alts = {i}, [entry(i, 9.0)]
        for k, j in enumerate(others):
            if j not in seen:
                seen.add(j)
                alts.append(entry(j, 8.0 - k))
        out[i] = json.dumps(alts, ensure_ascii=False)
    out.flags.writeable = False  # shared by every draw of the pool (lru_cache)
    return out

"""Synthetic events stores for benchmarks and tests: realistic clustering, every column valid.

Events cluster in space around real towns of a few conflict regions (the town itself, villages
around it with a Zipf-like long tail, scattered villages across the country, and province- or
country-level rows) and in time (per-region trends plus bursts tied to a town: a siege, an
offensive). Each article reports a handful of events near one town around its date; its text is
the concatenation of its excerpts, so every offset points at the right words. Generation is
seeded and chunked: the same (n, seed) gives the same store, and memory stays bounded by a chunk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import schema as S

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
EVENTS_PER_ARTICLE = 8


@dataclass(frozen=True)
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


def build_places(seed: int = 0) -> Places:
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


@dataclass(frozen=True)
class Bursts:
    """Per region: a trend and a few bursts, each burst tied to one town."""

    town: np.ndarray  # town index of each burst
    center: np.ndarray  # day offset
    width: np.ndarray  # days (standard deviation)
    share: np.ndarray  # share of the region's articles


def build_bursts(seed: int = 0) -> list[Bursts]:
    rng = np.random.default_rng([seed, 2])
    out = []
    for c in range(len(COUNTRIES)):
        towns = np.array([i for i, t in enumerate(TOWNS) if t[4] == c])
        k = int(rng.integers(3, 7))
        share = rng.dirichlet(np.ones(k)) * rng.uniform(0.3, 0.6)
        out.append(Bursts(rng.choice(towns, k), rng.uniform(0, N_DAYS, k), rng.uniform(3, 25, k), share))
    return out


def _sample_articles(n_events: int, seed: int) -> pd.DataFrame:
    """Article-level draws: region, town, day, number of events (summing exactly to n_events)."""
    rng = np.random.default_rng([seed, 3])
    n_art = max(1, int(np.ceil(n_events / EVENTS_PER_ARTICLE * 1.1)))
    k = 1 + rng.poisson(EVENTS_PER_ARTICLE - 1, n_art)
    while k.sum() < n_events:  # at small n a short draw happens (seed 103 at 100 events): draw on
        k = np.append(k, 1 + rng.poisson(EVENTS_PER_ARTICLE - 1, n_art))
    cum = np.cumsum(k)
    n_art = int(np.searchsorted(cum, n_events) + 1)
    k = k[:n_art]
    k[-1] -= int(cum[n_art - 1] - n_events)
    region_w = np.array([c[4] for c in COUNTRIES])
    region = rng.choice(len(COUNTRIES), n_art, p=region_w / region_w.sum())
    town = np.empty(n_art, dtype=np.int64)
    day = np.empty(n_art, dtype=np.float64)
    town_w = np.array([t[5] for t in TOWNS])
    for c, b in enumerate(build_bursts(seed)):
        idx = np.flatnonzero(region == c)
        comp = rng.choice(len(b.share) + 1, idx.size, p=np.append(b.share, 1 - b.share.sum()))
        background = comp == len(b.share)
        # Background: a linear trend (rising or falling) through inverse-CDF sampling.
        slope = rng.uniform(-0.8, 0.8)
        u = rng.random(int(background.sum()))
        x = u if abs(slope) < 1e-6 else (-(1 - slope) + np.sqrt((1 - slope) ** 2 + 4 * slope * u)) / (2 * slope)
        d = np.empty(idx.size)
        d[background] = x * N_DAYS
        burst = ~background
        d[burst] = rng.normal(b.center[comp[burst]], b.width[comp[burst]])
        day[idx] = np.clip(d, 0, N_DAYS - 1)
        towns = np.array([i for i, t in enumerate(TOWNS) if t[4] == c])
        t = rng.choice(towns, idx.size, p=town_w[towns] / town_w[towns].sum())
        t[burst] = b.town[comp[burst]]
        town[idx] = t
    return pd.DataFrame({"region": region, "town": town, "day": day.astype(np.int64) + START_DAY, "k": k})


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
    return out


def _article_id(seed: int, i: int) -> str:
    return hashlib.sha1(f"synthetic-{seed}-{i}".encode()).hexdigest()[:16]


def _events_chunk(
    arts: pd.DataFrame, first_article: int, places: Places, seed: int, chunk_no: int, alternatives: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng([seed, 4, chunk_no])
    k = arts["k"].to_numpy()
    art = np.repeat(np.arange(len(arts)), k)
    n = art.size
    town = arts["town"].to_numpy()[art]
    region = arts["region"].to_numpy()[art]

    # Where: the article's town, its villages (Zipf-like), another town, the province, the country, the tail.
    u = rng.random(n)
    village = np.minimum(rng.zipf(1.6, n) - 1, VILLAGES_PER_TOWN - 1)
    place = np.where(u < 0.30, town, places.town_first_village + town * VILLAGES_PER_TOWN + village)
    other = np.array([rng.choice([i for i, t in enumerate(TOWNS) if t[4] == r]) for r in range(len(COUNTRIES))])
    place = np.where((u >= 0.72) & (u < 0.80), other[region], place)
    place = np.where((u >= 0.80) & (u < 0.88), places.province_of_town[town], place)
    place = np.where((u >= 0.88) & (u < 0.93), places.country_place[region], place)
    place = np.where(
        u >= 0.93, places.tail_first + region * TAIL_PER_COUNTRY + rng.integers(0, TAIL_PER_COUNTRY, n), place
    )

    # When: up to a few days before the article; some only to the month or year, a few undated.
    pub_day = arts["day"].to_numpy()[art]
    day = pub_day - np.minimum(rng.geometric(0.6, n) - 1, 6)
    dates = pd.to_datetime(day, unit="D")
    prec_u = rng.random(n)
    precision = np.where(prec_u < 0.03, "month", np.where(prec_u < 0.04, "year", "day")).astype(object)
    dates = dates.where(precision != "month", dates.to_period("M").start_time)
    dates = dates.where(precision != "year", dates.to_period("Y").start_time)
    dates = dates.where(prec_u < 0.99, pd.NaT)

    type_w = np.array([t[4] for t in TYPES])
    kind = rng.choice(len(TYPES), n, p=type_w / type_w.sum())
    violent = np.array([t[3] for t in TYPES])[kind]
    # Heavy-tailed tolls, reported for about half of the violent events.
    toll = np.where(violent & (rng.random(n) < 0.5), np.floor(rng.lognormal(0.8, 1.1, n)).astype(np.int64) + 1, -1)
    injured = np.where(violent & (rng.random(n) < 0.2), rng.integers(1, 40, n), -1)
    displaced = np.where(np.array([t[0] == "Displacement" for t in TYPES])[kind], rng.integers(50, 20_000, n), -1)

    toponym = places.name[place]
    excerpts, topo_off, tolls_text, inj_text, disp_text, triggers, a1s, a2s = [], [], [], [], [], [], [], []
    for i in range(n):
        c = COUNTRIES[region[i]]
        t = TYPES[kind[i]]
        prefix = VERBS[t[2]].format(a=c[5], b=c[6])
        tail = []
        ft = f"killing {toll[i]} people" if toll[i] >= 0 else ""
        it = f"{injured[i]} were injured" if injured[i] >= 0 else ""
        dt = f"{displaced[i]:,} people displaced" if displaced[i] >= 0 else ""
        for words in (ft, it, dt):
            if words:
                tail.append(words)
        excerpts.append(prefix + toponym[i] + (", " + ", ".join(tail) if tail else "") + ".")
        topo_off.append(len(prefix))
        tolls_text.append(ft)
        inj_text.append(it)
        disp_text.append(dt)
        triggers.append(t[2])
        a1s.append(c[5] if "{a}" in VERBS[t[2]] else "")
        a2s.append(c[6] if "{b}" in VERBS[t[2]] else "")
    ex_len = np.fromiter((len(e) for e in excerpts), dtype=np.int64, count=n)
    # Offsets inside the article text: excerpts joined by one space, in order.
    starts_in_art = np.zeros(n, dtype=np.int64)
    bounds = np.r_[0, np.cumsum(k)]
    cum = np.cumsum(ex_len + 1)
    starts_in_art[1:] = cum[:-1]
    starts_in_art -= np.repeat(starts_in_art[bounds[:-1]], k)

    art_ids = np.array([_article_id(seed, first_article + i) for i in range(len(arts))], dtype=object)
    n_sources = 3000
    source_no = (first_article + np.arange(len(arts))) * 2654435761 % n_sources
    sources = np.array([f"synthetic-news-{s:04d}" for s in source_no], dtype=object)
    titles = np.array(
        [f"{TYPES[kind[bounds[j]]][0]} near {TOWNS[t][0]}" for j, t in enumerate(arts["town"])], dtype=object
    )
    urls = np.array([f"https://news.example.org/{s}/{a}" for s, a in zip(sources, art_ids, strict=True)], dtype=object)
    published = pd.to_datetime(arts["day"].to_numpy(), unit="D")
    texts = [" ".join(excerpts[bounds[j] : bounds[j + 1]]) for j in range(len(arts))]

    tolls = pd.array(np.where(toll >= 0, toll, 0), dtype="Int64")
    tolls[toll < 0] = pd.NA
    event_ids = [
        hashlib.sha1(f"{a}-{i}".encode()).hexdigest()[:16] for a, i in zip(art_ids[art], range(n), strict=True)
    ]
    events = pd.DataFrame(
        {
            S.EVENT_ID: event_ids,
            S.ARTICLE_ID: art_ids[art],
            S.EVENT_DATE: dates,
            S.DATE_PRECISION: precision,
            S.DATE_SOURCE: np.where(rng.random(n) < 0.7, "sentence", "published").astype(object),
            S.IS_FUTURE: rng.random(n) < 0.01,
            S.EVENT_TYPE: np.array([t[0] for t in TYPES], dtype=object)[kind],
            S.SUB_EVENT_TYPE: np.array([t[1] for t in TYPES], dtype=object)[kind],
            # Every sentence template opens with its trigger word.
            S.TRIGGER: triggers,
            S.TRIGGER_START: starts_in_art,
            S.TRIGGER_END: starts_in_art + np.fromiter(map(len, triggers), np.int64, n),
            S.ACTOR1: a1s,
            S.ACTOR2: a2s,
            S.LOCATION: places.name[place],
            S.TOPONYM: toponym,
            S.TOPONYM_START: starts_in_art + np.array(topo_off),
            S.TOPONYM_END: starts_in_art + np.array(topo_off) + np.fromiter(map(len, toponym), np.int64, n),
            S.LATITUDE: places.lat[place],
            S.LONGITUDE: places.lon[place],
            S.GEONAMEID: 9_000_000 + place,
            S.FEATURE_CODE: places.feature[place],
            S.COUNTRY: np.array([c[0] for c in COUNTRIES], dtype=object)[places.country[place]],
            S.COUNTRY_CODE: np.array([c[1] for c in COUNTRIES], dtype=object)[places.country[place]],
            S.ADMIN1: places.admin1[place],
            S.GEO_PRECISION: places.precision[place],
            S.ALTERNATIVES: alternatives[place],
            S.FATALITIES: tolls,
            S.FATALITIES_TEXT: tolls_text,
            S.INJURED: pd.array(np.where(injured >= 0, injured, 0), dtype="Int64"),
            S.INJURED_TEXT: inj_text,
            S.DISPLACED: pd.array(np.where(displaced >= 0, displaced, 0), dtype="Int64"),
            S.DISPLACED_TEXT: disp_text,
            S.CLUSTER_ID: event_ids,
            S.N_SOURCES: 1,
            S.FATALITIES_LOW: tolls,
            S.FATALITIES_HIGH: tolls,
            S.EXCERPT: excerpts,
            S.EXCERPT_START: starts_in_art,
            S.EXCERPT_END: starts_in_art + ex_len,
            S.TITLE: titles[art],
            S.SOURCE: sources[art],
            S.URL: urls[art],
            S.PUBLISHED: published[art],
            S.PUBLISHED_INFERRED: False,
            S.CONFIDENCE: np.round(rng.uniform(0.4, 0.95, n), 2),
        }
    )
    events.loc[injured < 0, S.INJURED] = pd.NA
    events.loc[displaced < 0, S.DISPLACED] = pd.NA
    articles = pd.DataFrame(
        {
            "article_id": art_ids,
            "title": titles,
            "text": texts,
            "published": published,
            "published_inferred": pd.array([False] * len(arts), dtype="boolean"),
            "source": sources,
            "url": urls,
            "path": "",
            "extra": "{}",
        }
    )
    return S.coerce_events(events), articles


def synthetic_chunks(
    n_events: int, seed: int = 0, chunk_events: int = 100_000
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """(events, articles) chunks of about chunk_events events, each schema-typed, together n_events events."""
    if n_events < 1:
        return
    places = build_places(seed)
    alternatives = place_alternatives(places)
    arts = _sample_articles(n_events, seed)
    ends = np.searchsorted(np.cumsum(arts["k"].to_numpy()), np.arange(chunk_events, n_events, chunk_events))
    bounds = [0, *sorted(set(int(e) + 1 for e in ends if e + 1 < len(arts))), len(arts)]
    for no, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        yield _events_chunk(arts.iloc[a:b].reset_index(drop=True), a, places, seed, no, alternatives)


def synthetic_events(n_events: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The whole synthetic (events, articles) tables in memory: for tests at small n."""
    parts = list(synthetic_chunks(n_events, seed))
    if not parts:
        return S.empty_events(), pd.DataFrame(columns=list(S.ARTICLE_COLUMNS))
    return (
        S.coerce_events(pd.concat([p[0] for p in parts], ignore_index=True)),
        pd.concat([p[1] for p in parts], ignore_index=True),
    )


def write_synthetic_store(store_dir: str | Path, n_events: int, seed: int = 0, reports: bool = False) -> dict:
    """Replace the store at store_dir with n_events synthetic events; returns its manifest. With
    `reports`, as an ingest fills a store: second reports of some events and some mentions, merged
    (synth_reports.with_reports; the store then holds more rows than n_events)."""
    from dashboard.store import EventsStore
    from dashboard.synth_reports import with_reports

    store = EventsStore(store_dir)
    chunks = synthetic_chunks(n_events, seed)
    if reports:
        chunks = (
            (with_reports(events, seed=seed * 1000 + no), articles) for no, (events, articles) in enumerate(chunks)
        )
    store.replace_with_chunks(chunks)
    return store.manifest()


def synthetic_vocabulary() -> dict[str, list[str]]:
    """Values the synthetic events take, by Filters field (and words of their excerpts under "text"):
    what `bench --events` chooses in the filters panel."""
    return {
        "event_types": sorted({t[0] for t in TYPES}),
        "countries": [c[0] for c in COUNTRIES],
        "actors": sorted({c[5] for c in COUNTRIES}),
        "text": ["shelling", "protesters gathered"],
    }

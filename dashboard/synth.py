"""Synthetic events stores for benchmarks and tests: realistic clustering, every column valid.

Events cluster in space around real towns of a few conflict regions (the town itself, villages
around it with a Zipf-like long tail, scattered villages across the country, and province- or
country-level rows) and in time (per-region trends plus bursts tied to a town: a siege, an
offensive). Each article reports a handful of events near one town around its date; its text is
the concatenation of its excerpts, so every offset points at the right words. Generation is
seeded and chunked: the same (n, seed) gives the same store, and memory stays bounded by a chunk.
The towns, types and place pool are synth_world.py's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.synth_world import (
    COUNTRIES,
    N_DAYS,
    START_DAY,
    TAIL_PER_COUNTRY,
    TOWNS,
    TYPES,
    VERBS,
    VILLAGES_PER_TOWN,
    Places,
    build_places,
    place_alternatives,
)

EVENTS_PER_ARTICLE = 8
# Where write_synthetic_store stages its chunks to merge them over the whole store (synth_merge).
STAGE = ".synth-stage"


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


def sample_articles(n_events: int, seed: int) -> pd.DataFrame:
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


def _article_id(seed: int, i: int) -> str:
    return hashlib.sha1(f"synthetic-{seed}-{i}".encode()).hexdigest()[:16]


def events_chunk(
    arts: pd.DataFrame, first_article: int, places: Places, seed: int, chunk_no: int, alternatives: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng([seed, 4, chunk_no])
    k = arts["k"].to_numpy()
    art = np.repeat(np.arange(len(arts)), k)
    n = art.size
    region = arts["region"].to_numpy()[art]
    place = draw_places(rng, places, arts["town"].to_numpy()[art], region)
    dates, precision = _draw_dates(rng, arts["day"].to_numpy()[art])
    kind, toll, injured, displaced = _draw_kinds(rng, n)
    toponym = places.name[place]
    text = _sentences(region, kind, toponym, toll, injured, displaced)
    ex_len = np.fromiter((len(e) for e in text["excerpts"]), dtype=np.int64, count=n)
    starts_in_art, bounds = _excerpt_starts(ex_len, k)
    acol = _article_columns(arts, first_article, seed, kind, bounds, text["excerpts"])
    tolls = pd.array(np.where(toll >= 0, toll, 0), dtype="Int64")
    tolls[toll < 0] = pd.NA
    event_ids = [hashlib.sha1(f"{a}-{i}".encode()).hexdigest()[:16] for i, a in enumerate(acol["article_id"][art])]
    events = pd.DataFrame(
        {
            S.EVENT_ID: event_ids,
            S.ARTICLE_ID: acol["article_id"][art],
            S.EVENT_DATE: dates,
            S.DATE_PRECISION: precision,
            S.DATE_SOURCE: np.where(rng.random(n) < 0.7, "sentence", "published").astype(object),
            S.IS_FUTURE: rng.random(n) < 0.01,
            **_what_columns(kind, text, starts_in_art),
            **_place_columns(places, place, alternatives, starts_in_art + np.array(text["topo_off"])),
            **_toll_columns(tolls, injured, displaced, text),
            S.CLUSTER_ID: event_ids,
            S.N_SOURCES: 1,
            S.FATALITIES_LOW: tolls,
            S.FATALITIES_HIGH: tolls,
            S.EXCERPT: text["excerpts"],
            S.EXCERPT_START: starts_in_art,
            S.EXCERPT_END: starts_in_art + ex_len,
            **{col: acol[key][art] for col, key in ARTICLE_FIELDS.items()},
            S.PUBLISHED_INFERRED: False,
            S.CONFIDENCE: np.round(rng.uniform(0.4, 0.95, n), 2),
        }
    )
    events.loc[injured < 0, S.INJURED] = pd.NA
    events.loc[displaced < 0, S.DISPLACED] = pd.NA
    return S.coerce_events(events), _articles_frame(acol)


def _excerpt_starts(ex_len: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each excerpt starts inside its article's text (the excerpts joined by one space, in
    order), and where each article's events start among the rows."""
    starts_in_art = np.zeros(ex_len.size, dtype=np.int64)
    bounds = np.r_[0, np.cumsum(k)]
    cum = np.cumsum(ex_len + 1)
    starts_in_art[1:] = cum[:-1]
    starts_in_art -= np.repeat(starts_in_art[bounds[:-1]], k)
    return starts_in_art, bounds


def _what_columns(kind: np.ndarray, text: dict[str, list], starts_in_art: np.ndarray) -> dict[str, object]:
    return {
        S.EVENT_TYPE: np.array([t[0] for t in TYPES], dtype=object)[kind],
        S.SUB_EVENT_TYPE: np.array([t[1] for t in TYPES], dtype=object)[kind],
        # Every sentence template opens with its trigger word.
        S.TRIGGER: text["triggers"],
        S.TRIGGER_START: starts_in_art,
        S.TRIGGER_END: starts_in_art + np.fromiter(map(len, text["triggers"]), np.int64, len(kind)),
        S.ACTOR1: text["actor1"],
        S.ACTOR2: text["actor2"],
    }


# Event columns that repeat their article's field.
ARTICLE_FIELDS = {S.TITLE: "title", S.SOURCE: "source", S.URL: "url", S.PUBLISHED: "published"}


def draw_places(rng: np.random.Generator, places: Places, town: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Where: the article's town, its villages (Zipf-like), another town, the province, the country, the tail."""
    n = town.size
    u = rng.random(n)
    village = np.minimum(rng.zipf(1.6, n) - 1, VILLAGES_PER_TOWN - 1)
    place = np.where(u < 0.30, town, places.town_first_village + town * VILLAGES_PER_TOWN + village)
    other = np.array([rng.choice([i for i, t in enumerate(TOWNS) if t[4] == r]) for r in range(len(COUNTRIES))])
    place = np.where((u >= 0.72) & (u < 0.80), other[region], place)
    place = np.where((u >= 0.80) & (u < 0.88), places.province_of_town[town], place)
    place = np.where((u >= 0.88) & (u < 0.93), places.country_place[region], place)
    return np.where(
        u >= 0.93, places.tail_first + region * TAIL_PER_COUNTRY + rng.integers(0, TAIL_PER_COUNTRY, n), place
    )


def _draw_dates(rng: np.random.Generator, pub_day: np.ndarray) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """When: up to a few days before the article; some only to the month or year, a few undated."""
    n = pub_day.size
    day = pub_day - np.minimum(rng.geometric(0.6, n) - 1, 6)
    dates = pd.to_datetime(day, unit="D")
    prec_u = rng.random(n)
    precision = np.where(prec_u < 0.03, "month", np.where(prec_u < 0.04, "year", "day")).astype(object)
    dates = dates.where(precision != "month", dates.to_period("M").start_time)
    dates = dates.where(precision != "year", dates.to_period("Y").start_time)
    return dates.where(prec_u < 0.99, pd.NaT), precision


def _draw_kinds(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What: each event's type (index into TYPES), and its deaths, injured and displaced (-1: none told)."""
    type_w = np.array([t[4] for t in TYPES])
    kind = rng.choice(len(TYPES), n, p=type_w / type_w.sum())
    violent = np.array([t[3] for t in TYPES])[kind]
    # Heavy-tailed tolls, reported for about half of the violent events.
    toll = np.where(violent & (rng.random(n) < 0.5), np.floor(rng.lognormal(0.8, 1.1, n)).astype(np.int64) + 1, -1)
    injured = np.where(violent & (rng.random(n) < 0.2), rng.integers(1, 40, n), -1)
    displaced = np.where(np.array([t[0] == "Displacement" for t in TYPES])[kind], rng.integers(50, 20_000, n), -1)
    return kind, toll, injured, displaced


def _sentences(
    region: np.ndarray,
    kind: np.ndarray,
    toponym: np.ndarray,
    toll: np.ndarray,
    injured: np.ndarray,
    displaced: np.ndarray,
) -> dict[str, list]:
    """Each event's excerpt (its type's sentence, the place, the numbers told), where the place starts in
    it, the numbers' own words, its trigger and actors."""
    text: dict[str, list] = {k: [] for k in ("excerpts", "topo_off", "tolls", "injured", "displaced", "triggers")}
    text.update(actor1=[], actor2=[])
    for i in range(len(kind)):
        c = COUNTRIES[region[i]]
        t = TYPES[kind[i]]
        prefix = VERBS[t[2]].format(a=c[5], b=c[6])
        ft = f"killing {toll[i]} people" if toll[i] >= 0 else ""
        it = f"{injured[i]} were injured" if injured[i] >= 0 else ""
        dt = f"{displaced[i]:,} people displaced" if displaced[i] >= 0 else ""
        tail = [words for words in (ft, it, dt) if words]
        text["excerpts"].append(prefix + toponym[i] + (", " + ", ".join(tail) if tail else "") + ".")
        text["topo_off"].append(len(prefix))
        text["tolls"].append(ft)
        text["injured"].append(it)
        text["displaced"].append(dt)
        text["triggers"].append(t[2])
        text["actor1"].append(c[5] if "{a}" in VERBS[t[2]] else "")
        text["actor2"].append(c[6] if "{b}" in VERBS[t[2]] else "")
    return text


def _place_columns(
    places: Places, place: np.ndarray, alternatives: np.ndarray, toponym_start: np.ndarray
) -> dict[str, object]:
    toponym = places.name[place]
    return {
        S.LOCATION: places.name[place],
        S.TOPONYM: toponym,
        S.TOPONYM_START: toponym_start,
        S.TOPONYM_END: toponym_start + np.fromiter(map(len, toponym), np.int64, len(place)),
        S.LATITUDE: places.lat[place],
        S.LONGITUDE: places.lon[place],
        S.GEONAMEID: 9_000_000 + place,
        S.FEATURE_CODE: places.feature[place],
        S.COUNTRY: np.array([c[0] for c in COUNTRIES], dtype=object)[places.country[place]],
        S.COUNTRY_CODE: np.array([c[1] for c in COUNTRIES], dtype=object)[places.country[place]],
        S.ADMIN1: places.admin1[place],
        S.GEO_PRECISION: places.precision[place],
        S.ALTERNATIVES: alternatives[place],
    }


def _toll_columns(
    tolls: object, injured: np.ndarray, displaced: np.ndarray, text: dict[str, list]
) -> dict[str, object]:
    return {
        S.FATALITIES: tolls,
        S.FATALITIES_TEXT: text["tolls"],
        S.INJURED: pd.array(np.where(injured >= 0, injured, 0), dtype="Int64"),
        S.INJURED_TEXT: text["injured"],
        S.DISPLACED: pd.array(np.where(displaced >= 0, displaced, 0), dtype="Int64"),
        S.DISPLACED_TEXT: text["displaced"],
    }


def _article_columns(
    arts: pd.DataFrame, first_article: int, seed: int, kind: np.ndarray, bounds: np.ndarray, excerpts: list[str]
) -> dict[str, Any]:
    """The chunk's articles: ids, titles, texts (their events' excerpts), dates, outlets and links."""
    art_ids = np.array([_article_id(seed, first_article + i) for i in range(len(arts))], dtype=object)
    n_sources = 3000
    source_no = (first_article + np.arange(len(arts))) * 2654435761 % n_sources
    sources = np.array([f"synthetic-news-{s:04d}" for s in source_no], dtype=object)
    titles = np.array(
        [f"{TYPES[kind[bounds[j]]][0]} near {TOWNS[t][0]}" for j, t in enumerate(arts["town"])], dtype=object
    )
    urls = np.array([f"https://news.example.org/{s}/{a}" for s, a in zip(sources, art_ids, strict=True)], dtype=object)
    return {
        "article_id": art_ids,
        "title": titles,
        "text": [" ".join(excerpts[bounds[j] : bounds[j + 1]]) for j in range(len(arts))],
        "published": pd.to_datetime(arts["day"].to_numpy(), unit="D"),
        "source": sources,
        "url": urls,
    }


def _articles_frame(a: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": a["article_id"],
            "title": a["title"],
            "text": a["text"],
            "published": a["published"],
            "published_inferred": pd.array([False] * len(a["article_id"]), dtype="boolean"),
            "source": a["source"],
            "url": a["url"],
            "path": "",
            "extra": "{}",
        }
    )


def synthetic_chunks(
    n_events: int, seed: int = 0, chunk_events: int = 100_000
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """(events, articles) chunks of about chunk_events events, each schema-typed, together n_events events."""
    if n_events < 1:
        return
    places = build_places(seed)
    alternatives = place_alternatives(places)
    arts = sample_articles(n_events, seed)
    ends = np.searchsorted(np.cumsum(arts["k"].to_numpy()), np.arange(chunk_events, n_events, chunk_events))
    bounds = [0, *sorted(set(int(e) + 1 for e in ends if e + 1 < len(arts))), len(arts)]
    for no, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        yield events_chunk(arts.iloc[a:b].reset_index(drop=True), a, places, seed, no, alternatives)


def synthetic_events(n_events: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The whole synthetic (events, articles) tables in memory: for tests at small n."""
    parts = list(synthetic_chunks(n_events, seed))
    if not parts:
        return S.empty_events(), pd.DataFrame(columns=list(S.ARTICLE_COLUMNS))
    return (
        S.coerce_events(pd.concat([p[0] for p in parts], ignore_index=True)),
        pd.concat([p[1] for p in parts], ignore_index=True),
    )


def write_synthetic_store(
    store_dir: str | Path, n_events: int, seed: int = 0, reports: bool = False, chunk_events: int = 100_000
) -> dict:
    """Replace the store at store_dir with n_events synthetic events; returns its manifest. With
    `reports`, as an ingest fills a store: second reports of some events and some mentions
    (synth_reports.with_reports; the store then holds more rows than n_events), their cluster
    columns a merge over the whole store (synth_merge), as an ingest leaves them. Without, each
    event is its own cluster (one report each, no merge)."""
    from dashboard.store import EventsStore
    from dashboard.synth_merge import merged_chunks
    from dashboard.synth_reports import with_reports

    store = EventsStore(store_dir)
    chunks = synthetic_chunks(n_events, seed, chunk_events)
    if reports:
        chunks = merged_chunks(
            (
                (with_reports(events, seed=seed * 1000 + no, merge=False), articles)
                for no, (events, articles) in enumerate(chunks)
            ),
            store.root / STAGE,
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

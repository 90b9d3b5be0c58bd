"""Geocoders that follow geopy's contract: `geocode(query, exactly_one=...)` → `geopy.Location`.

`GazetteerGeocoder` answers from the offline GeoNames gazetteer with every candidate and its
GeoNames attributes in `Location.raw`, so a ranker can choose among them in context.
`CachedGeocoder` puts any geopy geocoder (Nominatim, Photon, …) behind geopy's RateLimiter
and a persistent on-disk cache; it is an optional fallback, off by default.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from dashboard.geo.gazetteer import Gazetteer, Place


def place_to_location(place: Place, gazetteer: Gazetteer) -> Location:
    parts = [place.name]
    if place.admin1 and place.admin1 != place.name:
        parts.append(place.admin1)
    if place.feature_code != "PCLI" and place.country_code:
        parts.append(gazetteer.country_name(place.country_code))
    raw = {**place.__dict__, "country": gazetteer.country_name(place.country_code),
           "precision": place.precision}
    return Location(", ".join(parts), (place.latitude, place.longitude), raw)


class GazetteerGeocoder(Geocoder):
    """geopy geocoder over the offline gazetteer. No network, ever."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        super().__init__(user_agent="conflictmap-offline")
        self.gazetteer = gazetteer

    def geocode(self, query: str, *, exactly_one: bool = True, country_codes: list[str] | str | None = None,
                timeout: float | None = None) -> Location | list[Location] | None:
        places = self.gazetteer.lookup(str(query))
        if country_codes:
            wanted = {country_codes} if isinstance(country_codes, str) else set(country_codes)
            places = [p for p in places if p.country_code in {c.upper() for c in wanted}]
        if not places:
            return None
        places.sort(key=lambda p: (-(p.feature_code == "PCLI"), -p.population))
        locations = [place_to_location(p, self.gazetteer) for p in places]
        return locations[0] if exactly_one else locations


class CachedGeocoder:
    """An online geopy geocoder, rate-limited and cached on disk (sqlite), never called twice for a query."""

    def __init__(self, geocoder: Geocoder, cache_path: Path, min_delay_seconds: float = 1.0,
                 limiter: Callable[..., Any] | None = None) -> None:
        self.geocoder = geocoder
        self.cache_path = Path(cache_path)
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._geocode = limiter or RateLimiter(geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                               max_retries=1, swallow_exceptions=True)
        with sqlite3.connect(self.cache_path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS geocode (query TEXT PRIMARY KEY, answer TEXT)")

    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        with sqlite3.connect(self.cache_path) as db:
            row = db.execute("SELECT answer FROM geocode WHERE query = ?", (query,)).fetchone()
        if row is not None:
            answers = [Location(a["address"], (a["lat"], a["lon"]), a["raw"]) for a in json.loads(row[0])]
        else:
            found = self._geocode(query, exactly_one=False)
            answers = list(found or [])
            payload = [{"address": a.address, "lat": a.latitude, "lon": a.longitude,
                        "raw": a.raw if isinstance(a.raw, dict) else {}} for a in answers]
            with sqlite3.connect(self.cache_path) as db:
                db.execute("INSERT OR REPLACE INTO geocode VALUES (?, ?)", (query, json.dumps(payload)))
        if not answers:
            return None
        return answers[0] if exactly_one else answers


def online_geocoder(name: str, user_agent: str, cache_dir: Path) -> CachedGeocoder:
    """Nominatim or Photon through geopy, cached in cache_dir. Only built when the user asks."""
    from geopy.geocoders import Nominatim, Photon

    cls = {"nominatim": Nominatim, "photon": Photon}[name.lower()]
    return CachedGeocoder(cls(user_agent=user_agent), Path(cache_dir) / f"{name.lower()}-cache.sqlite")


class FallbackGeocoder:
    """The offline geocoder first; the online one only for names the gazetteer does not know."""

    def __init__(self, offline: GazetteerGeocoder, online: CachedGeocoder) -> None:
        self.offline = offline
        self.online = online

    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        found = self.offline.geocode(query, exactly_one=exactly_one)
        if found:
            return found
        return self.online.geocode(query, exactly_one=exactly_one)

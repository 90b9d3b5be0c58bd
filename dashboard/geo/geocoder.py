"""Geocoders that follow geopy's contract: `geocode(query, exactly_one=...)` → `geopy.Location`.

`GazetteerGeocoder` answers from the offline GeoNames gazetteer with every candidate and its
GeoNames attributes in `Location.raw`, so a ranker can choose among them in context. The
geoparser itself asks it (and `FallbackGeocoder`) for `places(query)`, the gazetteer's own
`Place` records (the `PlaceSource` protocol): the geopy contract stays at the edge, for online
geocoders and other callers, and the offline path builds no `Location` only to take it apart.
`CachedGeocoder` puts any geopy geocoder (Nominatim, Photon, …) behind geopy's RateLimiter
and a persistent on-disk cache; it is an optional fallback, off by default.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from dashboard.geo.gazetteer import Gazetteer, Place


@runtime_checkable
class PlaceSource(Protocol):
    """A geocoder that answers with gazetteer `Place`s directly, best first."""

    def places(self, query: str) -> list[Place]: ...


def location_to_place(loc: Location, name: str) -> Place:
    """A geopy answer as a Place: the gazetteer's own record when `raw` carries it (a cached offline
    answer), else an online point named `name`, a town of unknown size in the country it gives."""
    raw = loc.raw if isinstance(loc.raw, dict) else {}
    if "feature_code" in raw and "idx" in raw:
        return Place(**{k: raw[k] for k in Place.__dataclass_fields__})
    address = raw.get("address", {}) if isinstance(raw.get("address"), dict) else {}
    cc = (address.get("country_code") or raw.get("properties", {}).get("countrycode") or "").upper()
    return Place(
        idx=-1,
        geonameid=None,
        name=name,
        latitude=loc.latitude,
        longitude=loc.longitude,
        feature_class="P",
        feature_code="PPL",
        country_code=cc,
        admin1=address.get("state", ""),
        admin2="",
        population=0,
    )


def place_to_location(place: Place, gazetteer: Gazetteer) -> Location:
    parts = [place.name]
    if place.admin1 and place.admin1 != place.name:
        parts.append(place.admin1)
    if place.feature_code != "PCLI" and place.country_code:
        parts.append(gazetteer.country_name(place.country_code))
    raw = {**place.__dict__, "country": gazetteer.country_name(place.country_code), "precision": place.precision}
    return Location(", ".join(parts), (place.latitude, place.longitude), raw)


class _NoNetwork(BaseSyncAdapter):
    """The offline geocoder's geopy adapter: it has no request to make. geopy's default adapter
    opens an HTTP session and reads the system's CA certificates (~20 ms of CPU) for each geocoder
    made, and a pipeline makes one per build."""

    def get_json(self, url: str, *, timeout: float, headers: dict) -> Any:
        raise GeocoderServiceError(f"the offline gazetteer geocoder makes no request ({url})")

    def get_text(self, url: str, *, timeout: float, headers: dict) -> str:
        raise GeocoderServiceError(f"the offline gazetteer geocoder makes no request ({url})")


class GazetteerGeocoder(Geocoder):
    """geopy geocoder over the offline gazetteer. No network, ever."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        super().__init__(user_agent="conflictmap-offline", adapter_factory=_NoNetwork)
        self.gazetteer = gazetteer

    def places(self, query: str, country_codes: list[str] | str | None = None) -> list[Place]:
        """Every place of that name, countries first, then by population."""
        places = self.gazetteer.lookup(str(query))
        if country_codes:
            wanted = {country_codes} if isinstance(country_codes, str) else set(country_codes)
            places = [p for p in places if p.country_code in {c.upper() for c in wanted}]
        places.sort(key=lambda p: (-(p.feature_code == "PCLI"), -p.population))
        return places

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: list[str] | str | None = None,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        places = self.places(query, country_codes)
        if not places:
            return None
        locations = [place_to_location(p, self.gazetteer) for p in places]
        return locations[0] if exactly_one else locations


class CachedGeocoder:
    """An online geopy geocoder, rate-limited and cached on disk (sqlite), never called twice for a query."""

    def __init__(
        self,
        geocoder: Geocoder,
        cache_path: Path,
        min_delay_seconds: float = 1.0,
        limiter: Callable[..., Any] | None = None,
    ) -> None:
        self.geocoder = geocoder
        self.cache_path = Path(cache_path)
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._geocode = limiter or RateLimiter(
            geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=1, swallow_exceptions=True
        )
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
            payload = [
                {
                    "address": a.address,
                    "lat": a.latitude,
                    "lon": a.longitude,
                    "raw": a.raw if isinstance(a.raw, dict) else {},
                }
                for a in answers
            ]
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

    def places(self, query: str) -> list[Place]:
        """The gazetteer's places of that name, else the online geocoder's answers as Places."""
        found = self.offline.places(query)
        if found:
            return found
        online = self.online.geocode(query, exactly_one=False)
        return [
            location_to_place(loc, query)
            for loc in (online if isinstance(online, list) else [online] if online else [])
        ]

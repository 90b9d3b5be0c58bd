"""What a place is called on the page: its name, made unique where two places share it.

The gazetteer gives a city and its province the same name (Aleppo, Idlib, Homs), and far-apart
towns share names (Geneva, Switzerland and Geneva, Illinois). Two markers, two list entries or two
hovers reading "Aleppo" cannot be told apart, so every name shared by several places gets what tells
them apart: the kind of area for a province- or country-level place, else its province, else its
country, else its coordinates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import schema as S

# What a first-level division is called where the corpus is likeliest to be (ISO alpha-2 codes).
AREA_WORD = {
    "SY": "governorate",
    "IQ": "governorate",
    "EG": "governorate",
    "JO": "governorate",
    "LB": "governorate",
    "YE": "governorate",
    "PS": "governorate",
    "US": "state",
    "AU": "state",
    "IN": "state",
    "NG": "state",
    "MX": "state",
    "BR": "state",
    "DE": "state",
}
LABEL_SOURCE = [S.LOCATION, S.LATITUDE, S.LONGITUDE, S.COUNTRY, S.COUNTRY_CODE, S.ADMIN1, S.GEO_PRECISION]


def _kind(precision: float | None, country_code: object) -> str | None:
    if precision is None or pd.isna(precision) or int(precision) < 3:
        return None
    if int(precision) >= 4:
        return "country"
    return AREA_WORD.get(str(country_code or "").upper(), "province")


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def place_labels(places: pd.DataFrame) -> np.ndarray:
    """One label per row of `places` (LABEL_SOURCE columns): the name, or the name and what tells it
    from the other places of that name."""
    names = places[S.LOCATION].map(_text).to_numpy(dtype=object)
    labels = names.copy()
    folded = pd.Series(names).str.casefold()
    namesakes = np.flatnonzero(folded.duplicated(keep=False).to_numpy())
    if not namesakes.size:
        return labels
    # Plain dicts and lists, not a DataFrame per group: a store has thousands of small groups.
    records = places.iloc[namesakes][LABEL_SOURCE].to_dict("records")
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(folded.to_numpy()[namesakes]):
        groups.setdefault(name, []).append(i)
    for members in groups.values():
        for i, label in zip(members, _group_labels([records[i] for i in members]), strict=True):
            labels[namesakes[i]] = label
    return labels


def _group_labels(group: list[dict]) -> list[str]:
    """The labels of one name's places (LABEL_SOURCE records)."""
    kinds = [_kind(r[S.GEO_PRECISION], r[S.COUNTRY_CODE]) for r in group]
    towns = kinds.count(None)
    shared = {
        col: {k: [_text(r[col]) for r, kk in zip(group, kinds, strict=True) if kk == k] for k in set(kinds)}
        for col in (S.ADMIN1, S.COUNTRY)
    }
    return _told_apart(
        group, [_label(row, kind, kinds.count(kind), towns, shared) for row, kind in zip(group, kinds, strict=True)]
    )


def _told_apart(group: list[dict], told: list[str | None]) -> list[str]:
    """The labels of `group` where `told` (kind, province, country) has none: namesakes of one
    province (an unnamed village read at two points) by where each lies from the nearest town the
    basemap names, and only where that does not tell them apart either, by their coordinates
    ("Adra (33.51, 36.31)" read as a glitch)."""
    near = [_near(row) if t is None else t for row, t in zip(group, told, strict=True)]
    left = [label is None or near.count(label) > 1 for label in near]
    at = [_at(row, 2) for row, no in zip(group, left, strict=True) if no]
    digits = 2 if len(set(at)) == len(at) else 4  # as many decimals as place keys keep, if need be
    return [_at(row, digits) if no else str(label) for row, label, no in zip(group, near, left, strict=True)]


def _at(row: dict, digits: int) -> str:
    return f"{_text(row[S.LOCATION])} ({float(row[S.LATITUDE]):.{digits}f}, {float(row[S.LONGITUDE]):.{digits}f})"


def _label(row: dict, kind: str | None, same_kind: int, n_towns: int, shared: dict) -> str | None:
    """`row`'s label among its namesakes: `same_kind` of them are of its kind (town, province...),
    `shared[col][kind]` their values of col; None when neither kind, province nor country tells it
    from them."""
    name = _text(row[S.LOCATION])
    if kind is not None and same_kind == 1:
        return f"{name} ({kind})"
    if kind is None and n_towns == 1:
        return name  # the one town of that name keeps it plain; the areas say what they are
    for col in (S.ADMIN1, S.COUNTRY):
        own = _text(row[col])
        if own and own.casefold() != name.casefold() and shared[col][kind].count(own) == 1:
            return f"{name}, {own}"
    return None


COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def _near(row: dict) -> str | None:
    """`row`'s name and where it lies from the nearest town the basemap names: "Adra (3 km E of
    Damascus)", "Adra (at Damascus)" within a kilometre; None without coordinates."""
    from dashboard.app.basemap import town_points

    lat, lon = row[S.LATITUDE], row[S.LONGITUDE]
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return None
    t_lon, t_lat, t_name = town_points()
    # Kilometres on a plane tangent at the place: exact enough to name a direction and a distance.
    dx = (t_lon - float(lon)) * 111.32 * np.cos(np.radians(float(lat)))
    dy = (t_lat - float(lat)) * 110.57
    i = int(np.argmin(dx * dx + dy * dy))
    km = float(np.hypot(dx[i], dy[i]))
    name, town = _text(row[S.LOCATION]), str(t_name[i])
    if km < 1:
        return f"{name} (at {town})"
    bearing = np.degrees(np.arctan2(-dx[i], -dy[i]))  # from the town to the place, clockwise from north
    return f"{name} ({km:.0f} km {COMPASS[int(round(bearing / 45)) % 8]} of {town})"

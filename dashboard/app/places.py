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
        group = [records[i] for i in members]
        kinds = [_kind(r[S.GEO_PRECISION], r[S.COUNTRY_CODE]) for r in group]
        towns = kinds.count(None)
        shared = {
            col: {k: [_text(r[col]) for r, kk in zip(group, kinds, strict=True) if kk == k] for k in set(kinds)}
            for col in (S.ADMIN1, S.COUNTRY)
        }
        for row, kind, i in zip(group, kinds, members, strict=True):
            labels[namesakes[i]] = _label(row, kind, kinds.count(kind), towns, shared)
    return labels


def _label(row: dict, kind: str | None, same_kind: int, n_towns: int, shared: dict) -> str:
    """`row`'s label among its namesakes: `same_kind` of them are of its kind (town, province...),
    `shared[col][kind]` their values of col."""
    name = _text(row[S.LOCATION])
    if kind is not None and same_kind == 1:
        return f"{name} ({kind})"
    if kind is None and n_towns == 1:
        return name  # the one town of that name keeps it plain; the areas say what they are
    for col in (S.ADMIN1, S.COUNTRY):
        own = _text(row[col])
        if own and own.casefold() != name.casefold() and shared[col][kind].count(own) == 1:
            return f"{name}, {own}"
    return f"{name} ({float(row[S.LATITUDE]):.2f}, {float(row[S.LONGITUDE]):.2f})"

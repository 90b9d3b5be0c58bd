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
AREA_WORD = {"SY": "governorate", "IQ": "governorate", "EG": "governorate", "JO": "governorate",
             "LB": "governorate", "YE": "governorate", "PS": "governorate", "US": "state", "AU": "state",
             "IN": "state", "NG": "state", "MX": "state", "BR": "state", "DE": "state"}
LABEL_SOURCE = [S.LOCATION, S.LATITUDE, S.LONGITUDE, S.COUNTRY, S.COUNTRY_CODE, S.ADMIN1, S.GEO_PRECISION]


def _kind(precision: object, country_code: object) -> str | None:
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
    for _, rows in folded[folded.duplicated(keep=False)].groupby(folded, sort=False):
        group = places.iloc[rows.index]
        kinds = [_kind(p, c) for p, c in zip(group[S.GEO_PRECISION], group[S.COUNTRY_CODE], strict=True)]
        towns = [i for i, k in enumerate(kinds) if k is None]
        for i, pos in enumerate(rows.index):
            labels[pos] = _label(group, i, kinds, towns)
    return labels


def _label(group: pd.DataFrame, i: int, kinds: list[str | None], towns: list[int]) -> str:
    row = group.iloc[i]
    name = _text(row[S.LOCATION])
    if kinds[i] is not None and kinds.count(kinds[i]) == 1:
        return f"{name} ({kinds[i]})"
    if kinds[i] is None and len(towns) == 1:
        return name  # the one town of that name keeps it plain; the areas say what they are
    same = [j for j, k in enumerate(kinds) if k == kinds[i]]
    for col in (S.ADMIN1, S.COUNTRY):
        values = [_text(group.iloc[j][col]) for j in same]
        own = _text(row[col])
        if own and own.casefold() != name.casefold() and values.count(own) == 1:
            return f"{name}, {own}"
    return f"{name} ({float(row[S.LATITUDE]):.2f}, {float(row[S.LONGITUDE]):.2f})"

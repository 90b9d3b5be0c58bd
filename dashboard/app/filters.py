"""The filters panel's state and the one function that applies it: a boolean mask, never a copy.

The render callback applies `filter_mask` before anything else, so every view (map, timeline,
excerpts, counts, export) shows the same events. It stays vectorised: at a million rows each
active filter is one `isin`/comparison over a column.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from dashboard import schema as S

# Filters whose value is a set of column values: field name → the column(s) it matches.
CHOICE_COLUMNS: dict[str, tuple[str, ...]] = {
    "event_types": (S.EVENT_TYPE,),
    "sub_event_types": (S.SUB_EVENT_TYPE,),
    "actors": (S.ACTOR1, S.ACTOR2),
    "countries": (S.COUNTRY,),
    "admin1s": (S.ADMIN1,),
    "sources": (S.SOURCE,),
    "places": (S.PLACE_KEY,),
}


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the events to. Empty choices and None thresholds filter nothing."""

    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # matches actor1 or actor2
    countries: tuple[str, ...] = ()
    admin1s: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_fatalities: int | None = None
    min_confidence: float | None = None
    text: str = ""  # case-insensitive literal search in the excerpts
    places: tuple[str, ...] = ()  # place_keys chosen by a box/lasso on the map
    precise_only: bool = False  # towns and districts only (geo_precision 1-2)

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict | None) -> Filters:
        """Tolerant: missing keys take their defaults, bad numbers are dropped, lists become tuples."""
        d = d or {}
        kw: dict = {name: _strings(d.get(name)) for name in CHOICE_COLUMNS}
        kw["min_fatalities"] = parse_number(d.get("min_fatalities"), int)
        kw["min_confidence"] = parse_number(d.get("min_confidence"), float)
        kw["text"] = str(d.get("text") or "")
        kw["precise_only"] = bool(d.get("precise_only"))
        return cls(**kw)

    def is_empty(self) -> bool:
        return self == Filters()


FILTER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Filters))


def _strings(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v is not None and v != "")  # type: ignore[union-attr]


def parse_number(value: object, kind: type) -> int | float | None:
    """A finite number of `kind` from a control or URL value, or None for anything else."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = kind(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _bool(values: pd.Series) -> np.ndarray:
    # Nullable comparisons give <NA> for missing cells: a missing value never passes a filter.
    return values.to_numpy(dtype=bool, na_value=False)


def filter_mask(events: pd.DataFrame, f: Filters) -> np.ndarray:
    """True for each row of `events` that passes every active filter."""
    mask = np.ones(len(events), dtype=bool)
    for name, columns in CHOICE_COLUMNS.items():
        chosen = getattr(f, name)
        if chosen:
            hit = np.zeros(len(events), dtype=bool)
            for col in columns:
                hit |= _bool(events[col].isin(chosen))
            mask &= hit
    if f.min_fatalities is not None and f.min_fatalities > 0:
        mask &= _bool(events[S.FATALITIES] >= f.min_fatalities)
    if f.min_confidence is not None and f.min_confidence > 0:
        mask &= _bool(events[S.CONFIDENCE] >= f.min_confidence)
    if f.precise_only:
        mask &= _bool(events[S.GEO_PRECISION] <= 2)
    if f.text.strip():
        # Only over the rows still in play: the substring search is the costly one.
        rows = np.flatnonzero(mask)
        found = events[S.EXCERPT].iloc[rows].str.contains(f.text.strip(), case=False, regex=False)
        mask[rows] = _bool(found)
    return mask


def choice_options(events: pd.DataFrame, name: str, limit: int = 1000) -> list[str]:
    """The values a choice filter can take in this store, the `limit` most frequent first (actors:
    either side); the dropdowns search within them."""
    columns = CHOICE_COLUMNS[name]
    counts = pd.concat([events[c] for c in columns], ignore_index=True).value_counts(dropna=True)
    counts = counts[counts.index.astype(str).str.strip() != ""]
    return [str(v) for v in counts.index[:limit]]

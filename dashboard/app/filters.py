"""The filters panel's state and the one function that applies it: a boolean mask, never a copy.

Every callback applies `index_mask` before anything else, so every view (map, timeline, excerpts,
counts, export) shows the same events. It works on the store's EventIndex: at a million rows each
active choice is one `np.isin` over dictionary codes, the excerpt search one pyarrow substring scan
(memoised per string). `filter_mask` gives the same mask for a small DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import cast

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app import engine as E
from dashboard.app import event_index as EI
from dashboard.app import filter_masks as FM
from dashboard.app.event_index import EventIndex

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
    # A control sends a list; anything else that is not iterable fails here, as it should.
    return tuple(str(v) for v in cast(Iterable[object], value) if v is not None and v != "")


def parse_number(value: object, kind: type) -> int | float | None:
    """A finite number of `kind` from a control or URL value, or None for anything else."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    # Checked before int(): int(float("inf")) raises OverflowError, and an integer past 2**53 cannot
    # go back to the page as JSON (a permalink's "minf=inf" or "minf=1e20" was a 500).
    return kind(number) if np.isfinite(number) and abs(number) <= 2**53 else None


def index_mask(ix: EventIndex, f: Filters) -> np.ndarray:
    """True for each row of the index that passes every active filter (read-only; memoised per
    Filters, so a click or a brush at the same filters does not recompute it)."""
    key = ("filters", f)
    with ix.memo_lock:
        if key in ix.memo:
            ix.memo.move_to_end(key)
            return ix.memo[key]
    mask = np.ones(ix.n, dtype=bool)
    for name, columns in CHOICE_COLUMNS.items():
        chosen = getattr(f, name)
        if not chosen:
            continue
        if name == "places":
            mask &= E.places_mask(ix, chosen)
            continue
        hit = np.zeros(ix.n, dtype=bool)
        for col in columns:
            hit |= FM.codes_mask(ix, col, chosen)
        mask &= hit
    if f.min_fatalities is not None and f.min_fatalities > 0:
        mask &= ix.fatalities >= f.min_fatalities  # none reported is 0: never passes
    if f.min_confidence is not None and f.min_confidence > 0:
        mask &= ix.confidence >= f.min_confidence  # unknown is NaN: never passes
    if f.precise_only:
        mask &= E.precise_mask(ix, True)
    if f.text.strip():
        mask &= FM.text_mask(ix, f.text.strip())
    mask.flags.writeable = False
    E.remember(ix, key, mask)
    return mask


def filter_mask(events: pd.DataFrame, f: Filters) -> np.ndarray:
    """index_mask for a small events DataFrame (the same code: one meaning of every filter)."""
    return np.array(index_mask(EI.index_from_frame(events), f))


def choice_values(ix: EventIndex, name: str, limit: int = 1000) -> list[str]:
    """The values a choice filter can take in this store, most frequent first (actors: either side)."""
    return FM.value_options(ix, CHOICE_COLUMNS[name], limit)


def choice_options(events: pd.DataFrame, name: str, limit: int = 1000) -> list[str]:
    """choice_values for an events DataFrame."""
    return choice_values(EI.index_from_frame(events), name, limit)

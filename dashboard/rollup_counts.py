"""The numpy side of the rollup's per-row counts (dashboard/rollup.py): an event's tolls (and whether
it has one), its first report passing a threshold, what a write's rows give those that does not
depend on their clusters (found once for an append's rows before and after its merge), the integer
type their sums fit in, and the codes by which a place's values are told apart."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd


class Facts(NamedTuple):
    """What rollup._per_row needs of the counted rows (mentions left out) that does not depend on their
    clusters, found once for an append's rows before and after its merge (delta, aligned)."""

    rows: pd.DataFrame  # the counted rows (_COUNTED columns)
    counted: np.ndarray  # of the rows given, which are counted
    ids: np.ndarray  # event ids as texts
    kind: np.ndarray  # event type as a code
    rank: np.ndarray  # the ids' order
    toll: np.ndarray  # fatalities, NaN when not given
    confidence: np.ndarray  # NaN when not given


def passes(deaths: np.ndarray, confidence: np.ndarray, field: str, level: float) -> np.ndarray:
    """The rows passing one threshold, as rollup.threshold_sql keeps them (deaths: a toll not given is 0;
    confidence: an unknown one, NaN, never passes)."""
    if field == "min_fatalities":
        return deaths >= int(level)
    with np.errstate(invalid="ignore"):
        return confidence >= float(level)


def tolls(toll: np.ndarray, event: np.ndarray, lone: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the lowest and highest toll its event's reports give (0 when none gives one);
    `toll`: each row's (NaN when not given), `event`: each row's event as a code. Grouped by numpy
    (fmin and fmax pass over a missing toll)."""
    own = np.nan_to_num(toll, nan=0.0).astype("int64")
    lo, hi = own.copy(), own.copy()
    if (~lone).any():
        g, f = event[~lone], toll[~lone]
        low = np.full(int(g.max()) + 1, np.inf)
        high = np.full(len(low), -np.inf)
        np.fmin.at(low, g, f)
        np.fmax.at(high, g, f)
        lo[~lone] = np.where(np.isfinite(low[g]), low[g], 0).astype("int64")
        hi[~lone] = np.where(np.isfinite(high[g]), high[g], 0).astype("int64")
    return lo, hi


def tolled(toll: np.ndarray, event: np.ndarray, lone: np.ndarray) -> np.ndarray:
    """Per row, whether any of its event's reports gives a toll (0 included); `toll`, `event` and
    `lone` as for `tolls`."""
    out = ~np.isnan(toll)
    if (~lone).any():
        g = event[~lone]
        given = np.zeros(int(g.max()) + 1, dtype=bool)
        given[g[out[~lone]]] = True
        out[~lone] = given[g]
    return out


def first_passing(group: np.ndarray, rank: np.ndarray, lone: np.ndarray, passes: np.ndarray) -> np.ndarray:
    """Per row, whether it passes and is the first (smallest event id: `rank`, the ids' order) of
    the rows that pass in its `group` (its event's, or its event's and type's, as codes): where a
    filter keeping the rows that pass counts the event. A lone report that passes is."""
    out = lone & passes
    shared = ~lone & passes
    if shared.any():
        g, r = group[shared], rank[shared]
        first = np.full(int(g.max()) + 1, np.iinfo(np.int64).max)
        np.minimum.at(first, g, r)
        out[shared] = r == first[g]
    return out


def sum_type(n: int, *tolls: np.ndarray) -> type[np.signedinteger]:
    """The integer type the measures of `n` rows with these tolls (NaN: none) are summed in: int32
    when no sum of them can leave its range (each measure of a row is 0, 1 or a toll of its event,
    so a sum is at most n times the largest toll), which halves their matrices; else int64."""
    top = max((float(np.max(np.abs(np.nan_to_num(t, nan=0.0)), initial=0.0)) for t in tolls), default=0.0)
    return np.int32 if n * max(top, 1.0) < np.iinfo(np.int32).max else np.int64


def value_codes(values: pd.Series) -> np.ndarray:
    """A code per distinct value, a missing value one of its own, as the values' texts tell them
    apart (rollup.share_place_sql compares them as VARCHAR: -0.0 and 0.0 differ)."""
    code = pd.factorize(values, use_na_sentinel=False)[0].astype("int64")
    if values.dtype.kind == "f":
        code = code * 2 + np.signbit(values.to_numpy("float64", na_value=np.nan))
    return code

"""A place's main type and its mix of types (type_mix.py: "Battles:3|Protests:1", the most
frequent first, ties by name) from its reports per type, as DuckDB's places answers give them:
one sum per type in the group per place (columns n0, n1, …), where grouping per place and type
and ordering each place's types in an ordered aggregate took two thirds of a query's time
(duck_fact, duck_rollup)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import schema as S


def per_type(measure: str, conditions: Sequence[str]) -> str:
    """The sums n0, n1, … of `measure` over a group's rows of each type, the i-th type's rows those
    where `conditions[i]` holds (each sum starts with a comma: the select list goes on after them)."""
    return "".join(f", sum({measure}) FILTER (WHERE {c}) AS n{i}" for i, c in enumerate(conditions))


def with_main_and_mix(df: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """`df` (a place per row, with per_type's sums of types `names`, in sorted order) with those
    sums replaced by `main_type` and `type_mix` (both null for a place without a type), strings of
    the dtype of its place keys (DuckDB's, as its own strings come)."""
    sums = [f"n{i}" for i in range(len(names))]
    counts = df[sums].fillna(0).to_numpy(np.int64).reshape(len(df), len(sums))
    typed = counts.sum(axis=1) > 0
    first = counts.argmax(axis=1) if sums else np.zeros(len(df), dtype=np.int64)
    main = pa.array([*names, None], pa.string()).take(np.where(typed, first, len(sums)))
    text = df[S.PLACE_KEY].dtype
    # From Arrow as they are (pandas' Arrow strings take them whole), not through Python lists:
    # 60,000 strings 47 → 1.6 ms (a store of many places; the synthetic one's 5,300 do not show it).
    return df.drop(columns=sums).assign(
        main_type=pd.array(main, dtype=text), type_mix=pd.array(mixes(counts, names), dtype=text)
    )


def mixes(counts: np.ndarray, names: Sequence[str]) -> pa.Array:
    """type_mix.mix_strings(counts, names) for `names` in sorted order, written column by column in
    Arrow: a brush's places at a million events have nearly as many distinct count vectors as
    places, and mix_strings writes each row in Python (~10 ms for 4,000 places)."""
    if counts.shape[0] == 0 or counts.shape[1] == 0:
        return pa.nulls(counts.shape[0], pa.string())
    order = np.argsort(-counts, axis=1, kind="stable")  # stable: ties stay in name order
    ranked = np.take_along_axis(counts, order, axis=1)
    labels = pa.array(list(names), pa.string())

    def part(j: int) -> pa.Array:
        return pc.binary_join_element_wise(
            labels.take(pa.array(order[:, j])), pc.cast(pa.array(ranked[:, j]), pa.string()), ":"
        )

    # A row's types with reports come first in its order: each further one is joined on while
    # its count is above 0 (the first's absence leaves the row's mix null).
    joined = pc.if_else(pa.array(ranked[:, 0] > 0), part(0), pa.scalar(None, pa.string()))
    for j in range(1, counts.shape[1]):
        joined = pc.if_else(pa.array(ranked[:, j] > 0), pc.binary_join_element_wise(joined, part(j), "|"), joined)
    return joined

"""A place's mix of event types, and how its marker shows it.

The places aggregate carries `type_mix`, "type:n|type:n" (reports per type, the most frequent
first, ties by name), computed the same by all three engines (query, engine, duck). The map draws
a place with more than one type as concentric discs: the marker itself in its main type's colour,
and on top of it one disc per further type whose area is the share of that type and all after it.
What shows of each colour is then a ring whose area is that type's share — a readable "ring chart"
without a custom symbol (plotly has none). The discs take no hover and no click (hoverinfo "skip"):
those go to the marker under them, which says the mix in words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from dashboard import schema as S

MIX_PREFIX = "mix: "  # the rings' trace names: part of a marker, not markers (tests, bench)
MIX_TYPES = 4  # types drawn in colour; the rest of a place's reports are one grey core
REST_COLOR = "#b8b8b8"
# Each disc is one more SVG path for the browser to draw on every redraw: the biggest markers get
# their rings first, at most MAX_RING_POINTS discs in all, and a disc under MIN_DISC_PX (a few
# pixels, too small to read as a colour) is left out with the ones inside it.
MAX_RING_POINTS = 300
MIN_DISC_PX = 4.0


def mix_strings(counts: np.ndarray, names: Sequence[str]) -> list[str | None]:
    """Per row of a places × types count matrix: "type:n|type:n", most frequent first (ties by
    name); None for a row with no typed report."""
    if counts.size == 0:
        return [None] * counts.shape[0]
    by_name = np.argsort(np.array(names, dtype=object), kind="stable")
    # Each distinct row written once (most places share a handful of small count vectors), on
    # Python ints: formatting numpy scalars row by row was half of the places aggregate's time.
    ordered, inverse = np.unique(counts[:, by_name], axis=0, return_inverse=True)
    rank = np.argsort(-ordered, axis=1, kind="stable")  # a stable sort keeps name order for ties
    labels = [str(names[i]) for i in by_name]
    texts: list[str | None] = []
    for row, order in zip(ordered.tolist(), rank.tolist(), strict=True):
        parts = [f"{labels[j]}:{row[j]}" for j in order if row[j] > 0]
        texts.append("|".join(parts) if parts else None)
    return [texts[i] for i in inverse.reshape(-1).tolist()]


def parse_mix(text: object) -> list[tuple[str, int]]:
    """[(type, reports)] of a type_mix value, in its order; [] for a missing or malformed one."""
    if not isinstance(text, str) or not text:
        return []
    out = []
    for part in text.split("|"):
        name, _, n = part.rpartition(":")
        if name and n.isdigit():
            out.append((name, int(n)))
    return out


def mix_order(text: object, main: object) -> list[tuple[str, float]]:
    """[(type, share)] with the main type first (the marker's own colour), then the others by share."""
    mix = parse_mix(text)
    total = sum(n for _, n in mix)
    if not total:
        return []
    first = [m for m in mix if m[0] == main][:1]
    return [(name, n / total) for name, n in first + [m for m in mix if m[0] != main]]


def mix_words(text: object, main: object) -> str:
    """The mix for a hover: "Battles 60% · Protests 40%" (empty for a place of one type)."""
    shares = mix_order(text, main)
    if len(shares) < 2:
        return ""
    return " · ".join(f"{name} {share:.0%}" for name, share in shares)


def ring_layers(
    places: pd.DataFrame, sizes: np.ndarray, hollow: np.ndarray, color_of: Callable[[str], str]
) -> list[dict]:
    """Per ring level k (1 = the second type): lat, lon, key, size, colour and hollow flag of each
    place that has a k-th type. A disc's diameter is the marker's times the square root of the
    shares from the k-th type on; past MIX_TYPES the rest is one grey core. Within MAX_RING_POINTS
    and MIN_DISC_PX (see there)."""
    levels: list[dict] = [dict(lat=[], lon=[], key=[], size=[], color=[], hollow=[]) for _ in range(MIX_TYPES)]
    if "type_mix" not in places.columns:
        return []
    sizes = np.asarray(sizes, dtype=float)
    order = np.argsort(-sizes, kind="stable")  # the biggest markers first, within the budget
    cols = [
        places[c].to_numpy(dtype=object)[order] for c in ("type_mix", "main_type", S.LATITUDE, S.LONGITUDE, S.PLACE_KEY)
    ]
    budget = MAX_RING_POINTS
    for text, main, lat, lon, key, size, open_ in zip(*cols, sizes[order], np.asarray(hollow)[order], strict=True):
        shares = mix_order(text, main)
        if len(shares) < 2:
            continue
        left = 1.0 - shares[0][1]
        for k, (name, share) in enumerate(shares[1 : MIX_TYPES + 1], start=1):
            disc = size * float(np.sqrt(max(left, 0.0)))
            if disc < MIN_DISC_PX or budget <= 0:
                break
            level = levels[k - 1]
            level["lat"].append(float(lat))
            level["lon"].append(float(lon))
            level["key"].append(key)
            level["size"].append(disc)
            level["color"].append(REST_COLOR if k == MIX_TYPES else color_of(name))
            level["hollow"].append(bool(open_))
            left -= share
            budget -= 1
    return [lv for lv in levels if lv["lat"]]


def ring_traces(layers: list[dict], kind: str) -> list[dict]:
    """The ring levels as one plotly trace ("scattergeo" or "scattermap") under no legend entry: the
    first level's discs first, so each smaller disc is drawn over the larger one under it (one trace,
    not one per level: every trace costs the browser a pass of its own on each redraw)."""
    if not layers:
        return []
    joined = {k: [v for lv in layers for v in lv[k]] for k in ("lat", "lon", "key", "size", "color", "hollow")}
    marker: dict = dict(size=joined["size"], color=joined["color"], opacity=0.95)
    if kind == "scattergeo":
        # A province-level (hollow) marker keeps hollow rings: the colours of a centroid, not a spot.
        marker.update(
            symbol=["circle-open" if h else "circle" for h in joined["hollow"]],
            line=dict(width=[2 if h else 0.5 for h in joined["hollow"]], color="rgba(255,255,255,0.8)"),
        )
    return [
        dict(
            type=kind,
            lat=joined["lat"],
            lon=joined["lon"],
            mode="markers",
            name=f"{MIX_PREFIX}rings",
            customdata=joined["key"],
            hoverinfo="skip",
            showlegend=False,
            marker=marker,
        )
    ]

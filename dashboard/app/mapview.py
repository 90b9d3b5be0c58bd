"""The part of the world the map shows, and the keys of its cluster markers (a cluster's key is the
box to zoom to when it is clicked)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeGuard

import numpy as np

CLUSTER_PREFIX = "cluster|"


@dataclass(frozen=True)
class MapView:
    """The part of the world the map shows (degrees)."""

    lon0: float
    lon1: float
    lat0: float
    lat1: float

    @classmethod
    def from_box(cls, box: object) -> MapView | None:
        """From [lon0, lon1, lat0, lat1] as the browser sends it; None when missing or malformed."""
        if not isinstance(box, list | tuple) or len(box) != 4:
            return None
        try:
            lon0, lon1, lat0, lat1 = (float(v) for v in box)
        except (TypeError, ValueError):
            return None
        if not all(np.isfinite([lon0, lon1, lat0, lat1])) or lon1 <= lon0 or lat1 <= lat0:
            return None
        return cls(lon0, lon1, lat0, lat1)

    def grown(self, share: float) -> MapView:
        dx, dy = (self.lon1 - self.lon0) * share, (self.lat1 - self.lat0) * share
        return MapView(self.lon0 - dx, self.lon1 + dx, self.lat0 - dy, self.lat1 + dy)

    def box(self) -> list[float]:
        return [self.lon0, self.lon1, self.lat0, self.lat1]


def is_cluster_key(key: object) -> TypeGuard[str]:
    return isinstance(key, str) and key.startswith(CLUSTER_PREFIX)


def cluster_key(view: MapView) -> str:
    """A cluster's marker key: the box to zoom to when it is clicked (rounded outwards, so it still
    holds every place of the cluster)."""
    lon0, lon1, lat0, lat1 = view.box()
    down, up = (math.floor(v * 1e6) / 1e6 for v in (lon0, lat0)), (math.ceil(v * 1e6) / 1e6 for v in (lon1, lat1))
    (lon0, lat0), (lon1, lat1) = down, up
    return CLUSTER_PREFIX + "|".join(f"{v:.6f}" for v in (lon0, lon1, lat0, lat1))


def cluster_box(key: object) -> MapView | None:
    """The box of a cluster key (None for anything else)."""
    return MapView.from_box(key[len(CLUSTER_PREFIX) :].split("|")) if is_cluster_key(key) else None

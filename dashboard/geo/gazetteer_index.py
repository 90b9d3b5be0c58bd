"""The gazetteer's index as it is built: a row of columns per place and, per folded name, the rows
that bear it (with a consonant skeleton of every name for spellings that differ). The sources
that fill it are read in `gazetteer_build`."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from dashboard.geo.gazetteer import Gazetteer, fold, is_latin, skeleton

COLUMNS = (
    "geonameid",
    "name",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "country_code",
    "admin1",
    "admin2",
    "population",
)


class IndexBuilder:
    """The gazetteer's columns, filled a place at a time, and the folded-name postings that index
    them; `finish` turns both into the arrays a `Gazetteer` searches."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {c: [] for c in COLUMNS}
        self.names: dict[str, list[int]] = defaultdict(list)

    def add(self, names: list[str], **kw: object) -> int:
        i = len(self.cols["name"])
        kw["geonameid"] = kw.get("geonameid") or -1
        for c in COLUMNS:
            self.cols[c].append(kw[c])
        for key in {fold(n) for n in names if n}:
            if is_latin(key) and len(key) >= 2:
                self.names[key].append(i)
        return i

    def alias(self, i: int, name: str) -> None:
        key = fold(name)
        if key and i not in self.names[key]:
            self.names[key].append(i)

    def finish(self, country_names: dict[str, str], demonyms: dict[str, str]) -> Gazetteer:
        keys = sorted(self.names)
        lengths = np.array([len(self.names[k]) for k in keys], dtype=np.int64)
        post_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        post = np.fromiter((i for k in keys for i in self.names[k]), dtype=np.int32, count=int(post_start[-1]))
        skels: dict[str, list[int]] = defaultdict(list)
        for pos, k in enumerate(keys):
            sk = skeleton(k)
            if sk:
                skels[sk].append(pos)
        skel_keys = sorted(skels)
        skel_len = np.array([len(skels[k]) for k in skel_keys], dtype=np.int64)
        skel_start = np.concatenate([[0], np.cumsum(skel_len)]).astype(np.int64)
        skel_post = np.fromiter((i for k in skel_keys for i in skels[k]), dtype=np.int32, count=int(skel_start[-1]))
        return Gazetteer(self.cols, keys, post_start, post, country_names, demonyms, skel_keys, skel_start, skel_post)

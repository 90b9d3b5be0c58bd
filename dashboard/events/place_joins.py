"""Which place one event's reports give it: a site placed at another report's place, and the finest
place of the reports. Used by `dashboard.events.assemble`."""

from __future__ import annotations

from dashboard import schema as S
from dashboard.geo.gazetteer import UNLISTED_CODES, UNLISTED_VILLAGE_CODE


def place_key(row: dict) -> tuple:
    """A row's place as one value: its name and its point to four decimals."""
    return (row[S.LOCATION], round(float(row[S.LATITUDE]), 4), round(float(row[S.LONGITUDE]), 4))


def placed_at(coarse: dict, fine: dict) -> bool:
    """Whether a site the gazetteer lacks was placed at this row's place ("the village of X in rural
    Idlib" put at Idlib): the row at Idlib reports the same event less precisely."""
    return (
        fine.get(S.FEATURE_CODE) in UNLISTED_CODES
        and coarse.get(S.FEATURE_CODE) not in UNLISTED_CODES
        and (coarse[S.LATITUDE], coarse[S.LONGITUDE]) == (fine[S.LATITUDE], fine[S.LONGITUDE])
    )


def finest_place(out: dict, rows: list[dict], best: dict, village: bool = True) -> None:
    """The event takes the finest place its rows give. With `village` (`assemble.village_over_town`),
    a village the gazetteer lacks, placed at a town another report of the event names ("Jets hit X."
    and "…in the village of Y, part of X"), is finer than that town."""

    def rank(r: dict) -> float:
        level = int(r[S.GEO_PRECISION] or 4)
        if village and r.get(S.FEATURE_CODE) == UNLISTED_VILLAGE_CODE:
            under = [int(o[S.GEO_PRECISION] or 4) for o in rows if placed_at(o, r)]
            if under:
                return min(under) - 0.5
        return level

    finest = min(rows, key=lambda r: (rank(r), r[S.FATALITIES] is None))
    if rank(finest) < rank(best):
        for c in S.PLACE_COLUMNS:
            out[c] = finest.get(c)

"""Which place one event's reports give it: a site placed at another report's place, and the finest
place of the reports. Used by `dashboard.events.assemble`."""

from __future__ import annotations

from dashboard import schema as S
from dashboard.geo.gazetteer import (
    UNLISTED_BEARING_CODE,
    UNLISTED_CODES,
    UNLISTED_NEAR_VILLAGE_CODE,
    UNLISTED_VILLAGE_CODE,
)
from dashboard.rules import ALL_ON, Switches


def place_key(row: dict) -> tuple:
    """A row's place as one value: its name and its point to four decimals."""
    return (row[S.LOCATION], round(float(row[S.LATITUDE]), 4), round(float(row[S.LONGITUDE]), 4))


def placed_at(coarse: dict, fine: dict) -> bool:
    """Whether a site the gazetteer lacks was placed at this row's place ("the village of X in rural
    Idlib" put at Idlib): the row at Idlib reports the same event less precisely."""
    if fine.get(S.FEATURE_CODE) not in UNLISTED_CODES or coarse.get(S.FEATURE_CODE) in UNLISTED_CODES:
        return False
    if (coarse[S.LATITUDE], coarse[S.LONGITUDE]) == (fine[S.LATITUDE], fine[S.LONGITUDE]):
        return True
    # "X, 40 km south of Y" (`location.distance_bearing`) has a point of its own; its sentence names Y.
    name = str(coarse.get(S.TOPONYM) or "")
    return fine.get(S.FEATURE_CODE) == UNLISTED_BEARING_CODE and bool(name) and name in str(fine.get(S.EXCERPT) or "")


def one_sentence(a: dict, b: dict) -> bool:
    """Whether two rows are two sites one sentence lists (`location.coordinated_sites`: "shells hit X
    and Y" is an event at each): a site placed at its sibling's point is not that town's report."""
    return (a[S.EXCERPT_START], a[S.EXCERPT_END]) == (b[S.EXCERPT_START], b[S.EXCERPT_END])


def finest_place(out: dict, rows: list[dict], best: dict, switches: Switches = ALL_ON) -> None:
    """The event takes the finest place its rows give (called after the toll is set: a site's report
    counts for the place only if its count is the event's). A site the gazetteer lacks, placed at a town
    another report of the event names, is finer than that town when the text makes it a part of the
    town ("Jets hit X." and "…in the village of Y, part of X": `assemble.village_over_town`),
    or calls it a village near the town and its own report gives the event's count of dead ("Jets hit X,
    killing 12." and "the raid on the village of Y near X killed 12": `assemble.site_over_town`;
    `out` holds the event's toll). A village named with no count or another ("jets also bombed the
    village of Y near X") may be of another strike or of the fighting around the event; a name the
    text does not call a settlement may be a neighbourhood, a hill or a building of the town, which
    ACLED codes at the town. A site the text puts at a distance and bearing from a known place ("X,
    40 km south of Y": `location.distance_bearing`) is finer than any report placed only
    near a place ("a town south of Y"): the words give its own point."""

    village, site = switches.on("assemble.village_over_town"), switches.on("assemble.site_over_town")
    bearing = switches.on("location.distance_bearing")

    def finer_site(r: dict) -> bool:
        code = r.get(S.FEATURE_CODE)
        if code == UNLISTED_VILLAGE_CODE:
            return village
        if not site or code != UNLISTED_NEAR_VILLAGE_CODE:
            return False
        # Its report counts the event's own dead. A village's report with another count, or none, may be
        # of another strike told beside the town's (five dead in a village beside a city's 29).
        return r[S.FATALITIES] is not None and bool(r[S.FATALITIES] == out[S.FATALITIES])

    def rank(r: dict) -> float:
        level = int(r[S.GEO_PRECISION] or 4)
        if bearing and r.get(S.FEATURE_CODE) == UNLISTED_BEARING_CODE:
            return level - 0.5
        if finer_site(r):
            under = [int(o[S.GEO_PRECISION] or 4) for o in rows if placed_at(o, r)]
            if under:
                return min(under) - 0.5
        return level

    finest = min(rows, key=lambda r: (rank(r), r[S.FATALITIES] is None))
    if rank(finest) < rank(best):
        for c in S.PLACE_COLUMNS:
            out[c] = finest.get(c)

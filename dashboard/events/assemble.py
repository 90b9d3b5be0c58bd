"""One event, one row: the rows of one article that report the same event become one row.

A story tells its main event several times — headline, lead, body, a later toll — and the
sentence-level extractor makes a row of each. Here the event rows of one article are grouped:

- `assemble.same_place_day`: the same kind of event (the three violent ACLED types are one kind),
  the same resolved place and the same day;
- `assemble.undated_repeat`: a row the text does not date (its date is the publication's) joins the
  dated event of the same kind and place from the publication day or the two before (news is new);
- `assemble.coarse_into_fine`: a row placed at province or country level joins a finer event of the
  same kind and day inside that province or country; so does a row at the known place an unlisted
  site was placed at (`location.unlisted_site`), and — `assemble.headline_province` — a headline's
  town that bears its province's name ("Jets Hit Hospital in Idlib" over a body that names the town).

The group keeps its most informative row (the sentence that says most) as `excerpt`, every row's span
in `evidence`, the finest place, the most precise date and — `assemble.lead_toll` — the first death
count its reports give (news leads with the toll). Mentions are left as they are. Two events on
different days are never joined."""

from __future__ import annotations

import json
from collections.abc import Callable

from dashboard import schema as S
from dashboard.events.actor_entries import SIDE_OF_INTER
from dashboard.events.actor_groups import bloc_of, is_generic_group
from dashboard.events.actors import UNIDENTIFIED, ActorEntry, interaction
from dashboard.events.authors import (
    AIR_STRIKE,
    PEACEFUL_PROTEST,
    VIOLENT,
    air_force_of,
    complete_authors,
    means_authors,
    named_group,
)
from dashboard.events.claims import with_claimant
from dashboard.events.groups import TEXT_DAYS, Groups
from dashboard.events.kinds import detention_by_side, territory_by_side, type_ranks, weapon
from dashboard.events.numbers import is_estimate
from dashboard.events.place_joins import finest_place, one_sentence, place_key, placed_at
from dashboard.events.reports import REPORT, continues, days_before, join_reports
from dashboard.events.summaries import mark_summaries
from dashboard.events.tellers import conflicting_reports
from dashboard.events.toll_parts import split_totals
from dashboard.geo.gazetteer import fold, skeleton, without_article
from dashboard.rules import ALL_ON, Switches

GENERIC_SUBTYPES = frozenset({"Armed clash", "Attack", "Other", ""})
EXTERNAL = 8  # ACLED's inter code of external/other forces (a state's forces abroad, a coalition)


def kind(row: dict) -> str:
    return "violent" if row[S.EVENT_TYPE] in VIOLENT else str(row[S.EVENT_TYPE])


def _day(row: dict) -> object:
    return row[S.EVENT_DATE]


def _undated(row: dict) -> bool:
    return row[S.DATE_SOURCE] == "published"


def _same_kind_place(a: dict, b: dict) -> bool:
    return kind(a) == kind(b) and place_key(a) == place_key(b)


def _same_day(a: dict, b: dict) -> bool:
    """Whether b tells a's day, or, undated, is recent beside it."""
    return _day(a) == _day(b) or _undated(b) and recent(a, b)


RECENT_DAYS = 2  # an undated headline or lead tells the news of the day or the day before, not a past event


def recent(dated: dict, undated: dict) -> bool:
    """Whether a dated row falls on the publication day an undated row carries or the two before it."""
    delta = days_before(undated, dated)
    return delta is not None and -1 <= delta <= RECENT_DAYS


def informativeness(row: dict) -> tuple:
    """How much a row says: deaths, a date from the text, a fine place, named actors, a specific type."""
    return (
        row[S.FATALITIES] is not None,
        not _undated(row),
        -int(row[S.GEO_PRECISION] or 4),
        bool(row.get(S.ACTOR1)) + bool(row.get(S.ACTOR2)),
        row[S.SUB_EVENT_TYPE] not in GENERIC_SUBTYPES,
        -row[S.EXCERPT_START],
    )


def _contains(coarse: dict, fine: dict) -> bool:
    """Whether a province- or country-level row's place holds a finer row's place."""
    if placed_at(coarse, fine):
        return True
    if int(fine[S.GEO_PRECISION] or 4) >= int(coarse[S.GEO_PRECISION] or 4):
        return False
    if coarse[S.COUNTRY_CODE] != fine[S.COUNTRY_CODE]:
        return False
    if int(coarse[S.GEO_PRECISION] or 4) >= 4:
        return True
    return bool(coarse[S.ADMIN1]) and coarse[S.ADMIN1] == fine[S.ADMIN1]


def _side(row: dict, actor: str, inter: str) -> str:
    name = str(row.get(actor) or "")
    if not name or name.startswith(UNIDENTIFIED.split("(")[0]):
        return ""  # no author named: the default actor says nothing about who acted
    return SIDE_OF_INTER.get(row.get(inter), name)  # type: ignore[arg-type]


def same_sides(a: dict, b: dict, foreign_apart: bool = True) -> bool:
    """Whether two rows can report one event by who acted: not when their actor1s are on opposite
    sides (rebel shelling of a city and government shelling of its suburbs the same day are two
    events). A fight told from either side ("A attacked B", "B repelled A") is one. With
    `foreign_apart` (`assemble.foreign_forces_apart`), two external forces of different alliances
    are two authors: Russian strikes and the US-led coalition's on one city the same day are two
    events, as ACLED codes them, while the coalition and a member state's jets can be one raid."""
    if foreign_apart and _foreign_blocs(a, b):
        return False
    a1, b1 = _side(a, S.ACTOR1, S.INTER1), _side(b, S.ACTOR1, S.INTER1)
    if not a1 or not b1 or a1 == b1:
        return True
    return a1 == _side(b, S.ACTOR2, S.INTER2) and b1 == _side(a, S.ACTOR2, S.INTER2)


def _foreign_blocs(a: dict, b: dict) -> bool:
    """Both rows' authors are external forces (ACLED's inter 8), of different alliances."""
    if a.get(S.INTER1) != EXTERNAL or b.get(S.INTER1) != EXTERNAL:
        return False
    return bloc_of(str(a.get(S.ACTOR1) or "")) != bloc_of(str(b.get(S.ACTOR1) or ""))


def group_rows(rows: list[dict], switches: Switches = ALL_ON) -> list[list[int]]:
    """Indices of the event rows of one article, grouped by the event they report (each group in order)."""
    idx = [i for i, r in enumerate(rows) if r.get(S.RECORD_KIND, "event") == "event"]
    by_means = switches.on("assemble.distinct_weapons")
    one_day = switches.on("assemble.one_day")
    foreign_apart = switches.on("assemble.foreign_forces_apart")
    g = Groups(
        [frozenset({weapon(r)} - {""}) if by_means else frozenset() for r in rows],
        [frozenset({_day(r)}) if one_day and r.get(S.DATE_SOURCE) in TEXT_DAYS else frozenset() for r in rows],
    )

    def fits(i: int, j: int) -> bool:
        """Whether row i's event and row j's can be one: their named authors are not on opposite sides,
        and the reports already joined to either name at most one means of attack between them (a
        missile barrage on a province and jets striking a town in it the same day are two attacks;
        joins are transitive, so a toll that names no means must not bridge them). Nor may a join put
        two days the text gives into one group (`assemble.one_day`): an undated lead that joins Monday's
        strike by one rule and Tuesday's by another must not make them one event."""
        if not same_sides(rows[i], rows[j], foreign_apart):
            return False
        return len(g.means(i) | g.means(j)) <= 1 and len(g.days(i) | g.days(j)) <= 1

    if switches.on("assemble.same_place_day"):
        _join_same_place_day(rows, idx, g, fits)
    if switches.on("assemble.undated_repeat"):
        _join_undated_repeats(rows, idx, g, fits, switches.on("assemble.continued_sentence"))
    if switches.on("dates.report_day"):
        join_reports(rows, idx, _same_told_event, fits, g.join)
    if switches.on("assemble.coarse_into_fine"):
        _join_coarse_into_fine(rows, idx, g, fits, switches)
    groups: dict[int, list[int]] = {}
    for i in idx:
        groups.setdefault(g.find(i), []).append(i)
    return list(groups.values())


def _compatible_subtypes(a: dict, b: dict) -> bool:
    """One sub-type, unless one of them is a generic one."""
    subtypes = {a[S.SUB_EVENT_TYPE], b[S.SUB_EVENT_TYPE]}
    return len(subtypes) == 1 or bool(subtypes & GENERIC_SUBTYPES)


def _same_type(a: dict, b: dict) -> bool:
    """One event type, and one sub-type unless one of them is a generic one."""
    return a[S.EVENT_TYPE] == b[S.EVENT_TYPE] and _compatible_subtypes(a, b)


def _same_told_event(a: dict, b: dict) -> bool:
    """Same kind, place and sub-type, unless one of the sub-types is a generic one."""
    return kind(a) == kind(b) and place_key(a) == place_key(b) and _compatible_subtypes(a, b)


def _join_same_place_day(rows: list[dict], idx: list[int], g: Groups, fits: Callable[[int, int], bool]) -> None:
    """`assemble.same_place_day`: rows of one kind at one place on one day report one event."""
    first: dict[tuple, int] = {}
    for i in idx:
        # Undated rows share a key of their own: carrying the publication day, they would
        # otherwise bridge the events of that day and, through `undated_repeat`, another day's.
        key = (kind(rows[i]), place_key(rows[i]), "undated" if _undated(rows[i]) else _day(rows[i]))
        if key in first and fits(first[key], i):
            g.join(first[key], i)
        elif key not in first:
            first[key] = i


def _join_undated_repeats(
    rows: list[dict], idx: list[int], g: Groups, fits: Callable[[int, int], bool], continued: bool = True
) -> None:
    """`assemble.undated_repeat`: an undated row joins the most informative recent dated row of its
    kind and place; with `continued` (`assemble.continued_sentence`), first the row of the sentence it
    continues."""
    for i in idx:
        if not _undated(rows[i]):
            continue
        dated = [j for j in idx if not _undated(rows[j]) and _same_kind_place(rows[j], rows[i]) and fits(j, i)]
        # The sentence the row continues dates it whatever the day; any other row only when recent.
        told = [j for j in dated if continued and continues(rows[i], rows[j])]
        dated = told or [j for j in dated if recent(rows[j], rows[i])]
        if dated:
            g.join(max(dated, key=lambda j: informativeness(rows[j])), i)


def _named_like_province(row: dict) -> bool:
    """Whether a town bears its province's name (Idlib in Idlib, Deir ez-Zor in Deir ez-Zor)."""
    if int(row[S.GEO_PRECISION] or 4) >= 3 or not row.get(S.ADMIN1):
        return False
    town, province = (without_article(fold(str(row[c]))) for c in (S.LOCATION, S.ADMIN1))
    return town == province or bool(skeleton(town)) and skeleton(town) == skeleton(province)


def _headline(row: dict) -> bool:
    """Whether the row's sentence is the article's headline (the title, as the text repeats it)."""
    title = " ".join(str(row.get(S.TITLE) or "").split()).rstrip(".")
    return len(title) > 10 and title in " ".join(str(row.get(S.EXCERPT) or "").split())


def _as_province(row: dict) -> dict:
    """The row read at the level of its province (a headline's "in Idlib" is the governorate)."""
    return {**row, S.GEO_PRECISION: 3}


def _join_coarse_into_fine(
    rows: list[dict], idx: list[int], g: Groups, fits: Callable[[int, int], bool], switches: Switches = ALL_ON
) -> None:
    """`assemble.coarse_into_fine`: a row placed at a province or country joins the one finer place
    in it the article reports the same kind of event at. With `assemble.headline_province` a headline
    placed at a town named like its province counts as the province: headlines name the governorate
    for an attack the story places in one of its towns."""
    for i in idx:
        coarse = rows[i]
        if switches.on("assemble.headline_province") and _named_like_province(coarse) and _headline(coarse):
            coarse = _as_province(coarse)
        if int(coarse[S.GEO_PRECISION] or 4) < 3 and not any(placed_at(coarse, rows[j]) for j in idx):
            continue
        finer = _finer_rows(rows, idx, i, fits, coarse)
        # Only when the article has one such place: a country-level toll beside strikes on three
        # towns cannot be given to any one of them.
        if finer and len({place_key(rows[j]) for j in finer}) == 1:
            g.join(max(finer, key=lambda j: informativeness(rows[j])), i)


def _finer_rows(
    rows: list[dict], idx: list[int], i: int, fits: Callable[[int, int], bool], coarse: dict | None = None
) -> list[int]:
    """The rows of row i's kind at a place inside its place (`coarse`: row i as read), the same day
    (or recent, for an undated i)."""
    return [
        j
        for j in idx
        if j != i
        and kind(rows[j]) == kind(rows[i])
        and not one_sentence(rows[i], rows[j])
        and _contains(rows[i] if coarse is None else coarse, rows[j])
        and fits(i, j)
        and (_day(rows[j]) == _day(rows[i]) or _undated(rows[i]) and recent(rows[j], rows[i]))
    ]


def merge_group(
    rows: list[dict],
    switches: Switches = ALL_ON,
    air_force: tuple[str, int] | None = None,
    authors: dict[str, tuple[str, int]] | None = None,
) -> dict:
    """One row for the rows of one event: the most informative one, completed by the others."""
    best = max(rows, key=informativeness)
    out = dict(best)
    if switches.on("assemble.specific_type"):
        _most_specific_type(out, rows, best)
    _event_day(out, rows, best)
    _toll(out, rows, switches)
    finest_place(out, rows, best, switches)
    _complete_actors(out, rows, switches, air_force, authors or {})
    if out[S.ACTOR1] and out[S.ACTOR1] == out[S.ACTOR2]:
        out[S.ACTOR2], out[S.INTER2] = "", None
    if _side(out, S.ACTOR1, S.INTER1):  # a named author: the unidentified default says nothing of who acted
        if switches.on("types.territory_by_side"):
            out[S.SUB_EVENT_TYPE] = territory_by_side(out[S.SUB_EVENT_TYPE], out[S.INTER1])
        if switches.on("types.detention_by_side"):
            out[S.EVENT_TYPE], out[S.SUB_EVENT_TYPE] = detention_by_side(out)
    if switches.on("actors.sole_protest") and out[S.SUB_EVENT_TYPE] == PEACEFUL_PROTEST:
        # ACLED's interaction 60, protesters alone: what the crowd is against is no second actor.
        out[S.ACTOR2], out[S.INTER2] = "", None
    out[S.INTERACTION] = interaction(out[S.INTER1], out[S.INTER2])
    spans = sorted({(r[S.EXCERPT_START], r[S.EXCERPT_END]) for r in rows})
    out[S.EVIDENCE] = json.dumps([list(s) for s in spans])
    return out


def _event_day(out: dict, rows: list[dict], best: dict) -> None:
    """A dated report's day for a best report dated only by the publication or its source (`reports.py`)."""
    dated = [r for r in rows if not _undated(r)]
    if best[S.DATE_SOURCE] == REPORT:
        dated = [r for r in dated if r[S.DATE_SOURCE] != REPORT]
    elif not _undated(best):
        return
    if dated:
        src = max(dated, key=informativeness)
        for c in (S.EVENT_DATE, S.DATE_PRECISION, S.DATE_SOURCE):
            out[c] = src[c]


def _most_specific_type(out: dict, rows: list[dict], best: dict) -> None:
    """`assemble.specific_type`: the event takes the most specific type its rows give."""
    ranks = type_ranks()
    typed = min(rows, key=lambda r: ranks.get(r[S.SUB_EVENT_TYPE], len(ranks) + 100))
    if ranks.get(typed[S.SUB_EVENT_TYPE], 1000) < ranks.get(best[S.SUB_EVENT_TYPE], 1000):
        for c in (S.EVENT_TYPE, S.SUB_EVENT_TYPE, *S.TRIGGER_COLUMNS):
            out[c] = typed[c]


def _toll(out: dict, rows: list[dict], switches: Switches) -> None:
    """The event's toll: a counted one before an estimate (the lead's with `assemble.lead_toll`, else
    the lowest); else the first toll its sites shared."""
    tolls = [r for r in rows if r[S.FATALITIES] is not None]
    if tolls:
        pick = _picked_toll(tolls, switches)
        out[S.FATALITIES], out[S.FATALITIES_TEXT] = pick[S.FATALITIES], pick[S.FATALITIES_TEXT]
        out[S.FATALITIES_SHARED] = None  # the event has a count of its own
        if switches.on("assemble.vague_toll") and is_estimate(pick[S.FATALITIES_TEXT] or ""):
            out[S.FATALITIES] = None  # "dozens were killed": the words stay in fatalities_text
    else:
        shared = [r for r in rows if r.get(S.FATALITIES_SHARED) is not None]
        if shared:
            first = min(shared, key=lambda r: r[S.EXCERPT_START])
            out[S.FATALITIES_SHARED], out[S.FATALITIES_TEXT] = first[S.FATALITIES_SHARED], first[S.FATALITIES_TEXT]


def _picked_toll(tolls: list[dict], switches: Switches) -> dict:
    """The report whose count is the event's: a count before an estimate, the lead's (or the lowest),
    lowered by a conflicting report (`assemble.lowest_report`)."""
    counted = [r for r in tolls if not is_estimate(r[S.FATALITIES_TEXT] or "")] or tolls
    if not switches.on("assemble.lead_toll"):
        return min(counted, key=lambda r: r[S.FATALITIES])
    pick = min(counted, key=lambda r: r[S.EXCERPT_START])
    if switches.on("assemble.lowest_report"):
        pick = min((pick, *conflicting_reports(pick, counted)), key=lambda r: r[S.FATALITIES])
    return pick


def _complete_actors(
    out: dict,
    rows: list[dict],
    switches: Switches,
    air_force: tuple[str, int] | None,
    authors: dict[str, tuple[str, int]],
) -> None:
    """The merged row's actors: each from the most informative report that names one, then the author
    the article gives its air strikes or the same rare means, else an unidentified armed group."""
    for a, i in ((S.ACTOR1, S.INTER1), (S.ACTOR2, S.INTER2)):
        donor = (
            None if out.get(a) else next((r for r in sorted(rows, key=informativeness, reverse=True) if r.get(a)), None)
        )
        if donor is None and switches.on("actors.named_over_generic") and is_generic_group(str(out.get(a) or "")):
            donor = named_group(rows, a, i, informativeness)
        if donor is not None:
            out[a], out[i] = donor[a], donor[i]
    complete_authors(out, rows, switches, air_force, authors)


def assemble(rows: list[dict], switches: Switches = ALL_ON, claim: ActorEntry | None = None) -> list[dict]:
    """The article's rows with each event told several times made one row (mentions unchanged);
    `claim`: the group the article says claimed its bombing (`actors.claimant`)."""
    groups = group_rows(rows, switches)
    authors = means_authors(rows)
    with_claimant(authors, claim, rows)
    merged = []
    for grp in groups:
        first = rows[grp[0]]
        air = (
            air_force_of(rows, first[S.COUNTRY], first[S.COUNTRY_CODE])
            if any(rows[i][S.SUB_EVENT_TYPE] == AIR_STRIKE for i in grp)
            else None
        )
        merged.append(merge_group([rows[i] for i in grp], switches, air, authors))
    if switches.on("assemble.toll_of_parts"):
        split_totals(merged, [[rows[i] for i in grp] for grp in groups], _same_day)
    if switches.on("assemble.summary_of_parts"):
        mark_summaries(merged, _contains, _same_type, same_sides, _same_day)
    mentions = [r for r in rows if r.get(S.RECORD_KIND, "event") != "event"]
    for r in mentions:
        r.setdefault(S.EVIDENCE, json.dumps([[r[S.EXCERPT_START], r[S.EXCERPT_END]]]))
    return sorted(merged + mentions, key=lambda r: r[S.EXCERPT_START])

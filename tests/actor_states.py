"""The check the tests of duck_actors share: every actor's filter state read from the actors' table
is the one duck_states counts from the events."""

from __future__ import annotations

import pandas as pd

from dashboard import schema as S
from dashboard.app import duck as D
from dashboard.app import duck_actors as DAC
from dashboard.app import duck_fact as DF
from dashboard.app import duck_states as DS
from dashboard.app.filters import Filters
from dashboard.app.query import Selection


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def assert_actor_states_as_the_events(db: D.DuckEngine) -> DAC.Actors:
    """Build the current generation's actors' table and hold each actor's state from it to the
    table duck_states.state_sql builds from the events (every actor a row names, and one none does)."""
    actors = DAC.build(db, DF.build(db))
    assert actors is not None, "a generation with integer places has the table"
    named = set(D.value_options(db, ("actor1", "actor2"), limit=10**6))
    assert named and named <= set(actors.ids), "every actor the rows name"
    for actor in actors.ids:
        f = Filters(actors=(actor,))
        got = DAC.state_select(actors, f)
        assert got is not None
        cond, params = D.where(f)
        db.query(DS.state_sql("want_state", cond), params)
        want = db.query("SELECT * FROM want_state")
        assert len(want), actor
        pd.testing.assert_frame_equal(_sorted(db.query(*got)), _sorted(want), obj=actor)
        _assert_sums_answer_as_the_rows(db, actors, f)
    assert DAC.state_select(actors, Filters(actors=("Nobody named this",))) is None
    assert DAC.sums_select(actors, Filters(actors=("Nobody named this",))) is None
    return actors


def _assert_sums_answer_as_the_rows(db: D.DuckEngine, actors: DAC.Actors, f: Filters) -> None:
    """An actor's state answers alike from its sums per day and per place (duck_states.Kept.days,
    .placed) and from its rows: the timeline, the date extent, the newest rows' bound and the map,
    with no selection, a date range, and a place."""
    rows, sums = DAC.narrow_select(actors, f), DAC.sums_select(actors, f)
    assert rows is not None and sums is not None, "the table has its sums"
    for name, select in (("a_state", rows[0]), ("a_state_days", sums[0]), ("a_state_placed", sums[1])):
        db.query(f"CREATE OR REPLACE VIEW {name} AS {select}")
    plain = DS.Kept("a_state", actors.fact)
    summed = DS.Kept("a_state", actors.fact, days="a_state_days", placed="a_state_placed")
    places = DS.places_summary(db, plain, Selection())
    dates = db.query("SELECT min(event_date) AS lo, max(event_date) AS hi FROM a_state").iloc[0]
    selections = [Selection(), Selection(place=str(places[S.PLACE_KEY].iloc[0]))]
    if not pd.isna(dates["lo"]):
        selections.append(Selection(str(dates["lo"].date()), str(dates["lo"].date())))
    for sel in selections:
        for unit in ("day", "month"):
            want = DS.timeline_series(db, plain, sel, unit, "events")
            got = DS.timeline_series(db, summed, sel, unit, "events")
            assert (want is None) == (got is None)
            if want is not None and got is not None:
                pd.testing.assert_frame_equal(got, want, obj=f"{f.actors} {sel} {unit}")
        for limit in (1, 3, 10**6):
            assert DS.newest_bound(db, summed, sel, limit) == DS.newest_bound(db, plain, sel, limit), (f, sel, limit)
        pd.testing.assert_frame_equal(DS.places_summary(db, summed, sel), DS.places_summary(db, plain, sel))
    assert DS.date_extent(db, summed) == DS.date_extent(db, plain)

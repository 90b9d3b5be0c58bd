"""The check the tests of duck_actors share: every actor's filter state read from the actors' table
is the one duck_states counts from the events."""

from __future__ import annotations

import pandas as pd

from dashboard.app import duck as D
from dashboard.app import duck_actors as DAC
from dashboard.app import duck_fact as DF
from dashboard.app import duck_states as DS
from dashboard.app.filters import Filters


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
    assert DAC.state_select(actors, Filters(actors=("Nobody named this",))) is None
    return actors

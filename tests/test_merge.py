"""Reports of the same event in several articles become one cluster with its sources counted."""

from __future__ import annotations

import pandas as pd

from dashboard import schema as S
from dashboard.merge import merge_reports


def test_same_event_in_three_outlets(make_events) -> None:
    base = dict(event_type="Explosions/Remote violence", sub_event_type="Air/drone strike", location="Saraqib",
                latitude=35.86, longitude=36.8)
    df = make_events(
        dict(base, event_id="a1", article_id="A", source="SANA", event_date="2016-08-01", fatalities=12),
        dict(base, event_id="b1", article_id="B", source="AFP", event_date="2016-08-02", fatalities=15),
        dict(base, event_id="c1", article_id="C", source="AFP", event_date="2016-08-01", fatalities=None),
        # A week later at the same place: another strike.
        dict(base, event_id="d1", article_id="D", source="AFP", event_date="2016-08-09", fatalities=3),
        # Same day and place, different type: another event.
        dict(base, event_id="e1", article_id="E", source="SANA", event_date="2016-08-01",
             event_type="Battles", sub_event_type="Armed clash"),
    )
    out = merge_reports(df).set_index(S.EVENT_ID)
    cluster = out.loc[["a1", "b1", "c1"]]
    assert cluster[S.CLUSTER_ID].nunique() == 1
    assert cluster[S.N_SOURCES].tolist() == [2, 2, 2], "SANA and AFP"
    assert cluster[S.FATALITIES_LOW].tolist() == [12] * 3 and cluster[S.FATALITIES_HIGH].tolist() == [15] * 3
    assert out.loc["d1", S.CLUSTER_ID] not in set(cluster[S.CLUSTER_ID])
    assert out.loc["e1", S.CLUSTER_ID] not in set(cluster[S.CLUSTER_ID])
    assert out.loc["d1", S.N_SOURCES] == 1 and out.loc["d1", S.FATALITIES_LOW] == 3


def test_statements_and_undated_rows_are_not_merged(make_events) -> None:
    base = dict(event_type="Diplomacy", sub_event_type="Statement", location="Ankara", latitude=39.92,
                longitude=32.85, event_date="2020-03-04")
    df = make_events(dict(base, event_id="s1", article_id="A"), dict(base, event_id="s2", article_id="B"),
                     dict(base, event_id="u1", article_id="C", sub_event_type="Meeting/summit", event_date=None),
                     dict(base, event_id="u2", article_id="D", sub_event_type="Meeting/summit", event_date=None))
    out = merge_reports(df)
    assert out[S.CLUSTER_ID].nunique() == 4
    assert (out[S.N_SOURCES] == 1).all()
    assert pd.isna(out[S.FATALITIES_LOW]).all()


def test_remerging_only_the_moved_places_equals_merging_everything() -> None:
    from dashboard.corrections import Alternative, reresolve
    from dashboard.merge import remerge_moved
    from dashboard.synth import synthetic_events

    events, _ = synthetic_events(3000, seed=3)
    before = S.coerce_events(merge_reports(events))
    # Move one toponym's rows onto another busy place, so clusters split at the old place and
    # join the reports already at the new one.
    names = before[S.TOPONYM].value_counts().index
    target = before[before[S.TOPONYM] == names[1]].iloc[0]
    place = Alternative(name=target[S.LOCATION], lat=float(target[S.LATITUDE]), lon=float(target[S.LONGITUDE]),
                        geonameid=None, feature_code="PPL", country_code="SY", country="Syria", admin1="")
    after = reresolve(before, names[0], place)
    assert (after[S.LOCATION] != before[S.LOCATION]).any()

    fast = S.coerce_events(remerge_moved(before, after))
    full = S.coerce_events(merge_reports(after))
    pd.testing.assert_frame_equal(fast, full)
    assert (fast[S.N_SOURCES] != before[S.N_SOURCES]).any(), "the move changed some clusters"
    # Nothing moved: nothing to merge again.
    pd.testing.assert_frame_equal(remerge_moved(before, before.copy()), before)

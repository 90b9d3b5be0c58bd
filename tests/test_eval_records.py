"""`eval records`: the row-by-row scoring on small hand-made gold and tables."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard.errors import InputError
from dashboard.eval_records import date_agrees, name_key, place_agrees, read_records, score_article, score_table


def gold_event(**kw) -> dict:
    ev = {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "date": "2020-03-04",
        "date_precision": "day",
        "location": {
            "name": "Saraqib",
            "admin1": "Idlib",
            "country_code": "SY",
            "geo_precision": 1,
            "lat": 35.86,
            "lon": 36.80,
        },
        "fatalities": 5,
        "actor1": {"name": "Military Forces of Syria (2000-)", "inter": 1},
        "actor2": {"name": "Civilians (Syria)", "inter": 7},
        "evidence": [{"start": 0, "end": 10}],
    }
    ev.update(kw)
    return ev


def table_row(**kw) -> dict:
    r = {
        "url": "gold:a",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "event_date": "2020-03-04",
        "date_precision": "day",
        "location": "Saraqib",
        "toponym": "Saraqib",
        "admin1": "Idlib",
        "country_code": "SY",
        "geo_precision": "1",
        "latitude": "35.86",
        "longitude": "36.8",
        "fatalities": "5",
        "inter1": "1",
        "inter2": "7",
        "excerpt_start": "0",
        "excerpt_end": "10",
    }
    r.update(kw)
    return r


def test_names_fold_across_spellings() -> None:
    assert name_key("Idleb Governorate") == name_key("Idlib")
    assert name_key("Rural Damascus") == name_key("Rif Dimashq")
    assert name_key("Deir ez-Zor") == name_key("Dayr az Zawr")


def test_place_and_date_agreement() -> None:
    g = gold_event()
    assert place_agrees(g, table_row()) == (True, True)
    assert place_agrees(g, table_row(location="Idlib", latitude="35.93", longitude="36.63", geo_precision="3")) == (
        True,
        False,
    )  # the right province, not the right place
    assert place_agrees(g, table_row(admin1="Hama", latitude="35.13", longitude="36.75")) == (False, False)
    assert date_agrees(g, table_row(event_date="2020-03-06")) == (True, False)
    assert date_agrees(g, table_row(event_date="2020-03-07")) == (False, False)


def test_matching_duplicates_false_events_and_misses() -> None:
    gold = [
        gold_event(),
        gold_event(
            location={
                "name": "Ariha",
                "admin1": "Idlib",
                "country_code": "SY",
                "geo_precision": 1,
                "lat": 35.81,
                "lon": 36.61,
            },
            date="2020-03-01",
        ),
    ]
    rows = [table_row(), table_row(fatalities="6"), table_row(admin1="Aleppo", latitude="36.2", longitude="37.1")]
    s = score_article(gold, rows)
    assert [(i, j) for i, j, _ in s.matched] == [(0, 0)]
    assert s.duplicates == [1]
    assert s.false_rows == [2]
    assert s.missed == [1]
    checks = s.matched[0][2]
    assert all(checks.values())


def test_score_table_counts_only_acled_claims() -> None:
    gold = {"a": {"id": "a", "text": "x" * 20, "events": [gold_event()]}}
    table = pd.DataFrame([table_row(), table_row(event_type="Diplomacy", sub_event_type="Meeting/summit")])
    figures, _ = score_table(gold, table.astype(str))
    assert figures["claims"] == 1
    assert figures["non_acled_rows"] == 1
    assert figures["precision"] == figures["recall"] == 1.0
    assert figures["actor1_inter"] == figures["actor2_inter"] == 1.0


def test_read_records_names_a_malformed_line(tmp_path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "t", "events": [{"location": {}}]}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="gold.jsonl:1"):
        read_records(path)


def test_end_to_end_on_an_article_of_our_own(pipeline, tmp_path) -> None:
    text = (
        "Tue Mar 3 2020 Jets kill five in Saraqib. Government jets struck the town of Saraqib on Monday, "
        "killing five civilians, a monitor said."
    )
    gold = {
        "t1": {
            "id": "t1",
            "title": "",
            "date": "2020-03-03",
            "source": "test",
            "text": text,
            "events": [gold_event(date="2020-03-02")],
        }
    }
    from dashboard.eval_records import evaluate_records

    errors = tmp_path / "errors.jsonl"
    figures = evaluate_records(gold, pipeline, tmp_path, errors_path=errors)
    assert figures["gold_events"] == 1
    assert figures["claims"] == 1  # headline and body are one event
    assert figures["recall"] == 1.0
    assert figures["date_exact"] == 1.0  # "on Monday" from the dateline
    assert figures["actor1_inter"] == 1.0
    assert errors.exists()

"""The eval commands on small gold files written here."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.errors import InputError
from dashboard.eval_events import governorate_key
from dashboard.evaluate import (
    auc_of_errors,
    match_spans,
    prf,
    read_gold,
)
from dashboard.geo.toponyms import Toponym

GEO_DOCS = [
    {
        "id": "a",
        "text": "Talks in Moscow ended. Turkey and Russia agreed on Idlib, where fighting went on.",
        "toponyms": [
            {"start": 9, "end": 15, "name": "Moscow", "lat": 55.75222, "lon": 37.61556, "geonameid": 524901},
            {"start": 23, "end": 29, "name": "Turkey", "lat": 39.0, "lon": 35.0, "geonameid": 298795},
            {"start": 34, "end": 40, "name": "Russia", "lat": 60.0, "lon": 100.0, "geonameid": 2017370},
            {"start": 51, "end": 56, "name": "Idlib", "lat": 35.93062, "lon": 36.63393, "geonameid": 169389},
        ],
    },
    {
        "id": "b",
        "text": "A storm hit Atlanta, Georgia on Monday.",
        "toponyms": [
            {"start": 12, "end": 19, "name": "Atlanta", "lat": 33.749, "lon": -84.38798, "geonameid": 4180439},
            {"start": 21, "end": 28, "name": "Georgia", "lat": 32.75042, "lon": -83.50018, "geonameid": 4197000},
        ],
    },
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_metrics() -> None:
    assert prf(8, 10, 16) == pytest.approx((0.8, 0.5, 2 * 0.8 * 0.5 / 1.3))
    assert auc_of_errors([0.0, 0.0]) == 0.0
    assert auc_of_errors([20039.0, 20039.0]) == pytest.approx(1.0, rel=1e-4)
    assert 0 < auc_of_errors([0.0, 100.0, 5000.0]) < 1
    assert math.isnan(auc_of_errors([]))
    gold = [{"start": 0, "end": 6}, {"start": 10, "end": 15}]
    pred = [Toponym(0, 6, "x", "GPE"), Toponym(11, 15, "y", "GPE"), Toponym(20, 25, "z", "GPE")]
    assert len(match_spans(gold, pred, exact=True)) == 1
    assert len(match_spans(gold, pred, exact=False)) == 2


@pytest.mark.parametrize("gold_spans", [True, False])
def test_eval_geoparse_json(tmp_path: Path, capsys, gold_spans: bool, fast_pipeline) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", GEO_DOCS)
    args = ["eval", "geoparse", str(gold), "--json"] + (["--gold-spans"] if gold_spans else [])
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in (
        "precision",
        "recall",
        "f1",
        "acc161",
        "mean_km",
        "median_km",
        "auc",
        "exact_id",
        "country_acc",
        "n_gold",
        "n_pred",
        "n_scored",
        "docs_per_s",
    ):
        assert key in out
    assert out["n_gold"] == 6
    if gold_spans:
        assert out["n_scored"] == 6 and out["f1"] == 1.0
        # Moscow → Russia (not Idaho), Idlib → Syria, Georgia beside Atlanta → the US state.
        assert out["acc161"] == 1.0
    else:
        assert out["recall"] >= 0.5


def test_eval_geoparse_limit_and_bad_gold(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", GEO_DOCS)
    assert len(read_gold(gold, limit=1)) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "toponyms": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:2"):
        read_gold(bad)


def test_eval_events_on_fakes_format(tmp_path: Path, capsys, fast_pipeline) -> None:
    rows = [
        {
            "id": "1",
            "title": "Air strikes kill 12 in Idlib",
            "date": "2016-07-14",
            "source": "test",
            "text": "Air strikes killed 12 civilians in Idlib on Thursday, a monitor said.",
            "location": "idlib",
            "event": {"cause_of_death": "shelling", "nb_civilians": 12, "nb_noncivilians": 0},
        },
        {
            "id": "2",
            "title": "Car bomb in Aleppo",
            "date": "2016-07-15",
            "source": "test",
            "text": "A car bomb exploded in Aleppo on Friday killing 30 people.",
            "location": "aleppo",
            "event": {"cause_of_death": "explosion", "nb_civilians": 20, "nb_noncivilians": 4},
        },
    ]
    gold = write_jsonl(tmp_path / "fakes.jsonl", rows)
    assert main(["eval", "events", str(gold), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["n"] == 2
    assert out["governorate_acc"] == 1.0
    assert out["subtype_acc"] == 1.0
    # 12 of 12 is right; 30 against a gold of 24 is outside ±20 %.
    assert out["fatalities_acc"] == 0.5


def test_governorate_spellings_are_unified() -> None:
    assert governorate_key("Rif-dimashq") == governorate_key("damascus") == "damascus"
    assert governorate_key("Ar-Raqqah") == governorate_key("raqqa")
    assert governorate_key("Al-Hasakah") == "hasakeh"


def test_eval_event_location(tmp_path: Path, capsys, fast_pipeline) -> None:
    rows = [
        {
            "id": "1",
            "text": "Shelling killed three people in Idlib on Monday.",
            "event": {"start": 9, "end": 15, "text": "killed"},
            "event_locations": [{"start": 32, "end": 37}],
        },
        {
            "id": "2",
            "text": "Russia condemned the attack on Monday.",
            "event": {"start": 21, "end": 27, "text": "attack"},
            "event_locations": [],
        },
    ]
    gold = write_jsonl(tmp_path / "evloc.jsonl", rows)
    assert main(["eval", "event-location", str(gold), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out == {**out, "accuracy": 1.0, "n": 2}


def test_main_event_skips_what_its_sentence_dates_weeks_before_publication(make_events) -> None:
    from dashboard import schema as S
    from dashboard.eval_events import main_event

    events = make_events(
        dict(
            event_id="old",
            _start=0,
            event_date="2013-08-21",
            published="2017-04-05",
            location="Damascus",
            admin1="Dimashq",
            fatalities=200,
            event_type="Explosions/Remote violence",
        ),
        dict(
            event_id="new",
            _start=100,
            event_date="2017-04-04",
            published="2017-04-05",
            location="Idlib",
            fatalities=70,
            event_type="Explosions/Remote violence",
        ),
    )
    assert main_event(events)[S.EVENT_ID] == "new"
    only_old = make_events(dict(event_id="old", event_date="2013-08-21", published="2017-04-05"))
    assert main_event(only_old)[S.EVENT_ID] == "old", "background is still better than nothing"


def test_article_fatalities_is_the_first_toll_reported(make_events) -> None:
    from dashboard.eval_events import article_fatalities

    events = make_events(
        dict(event_id="lead", _start=0, location="Syria", geo_precision=4, feature_code="PCLI", fatalities=21),
        dict(event_id="detail", _start=100, fatalities=15),
        dict(event_id="old", _start=50, event_date="2013-08-21", published="2016-07-18", fatalities=1400),
    )
    assert article_fatalities(events) == 21
    assert article_fatalities(make_events(dict(event_id="none", fatalities=None))) is None


def test_article_fatalities_prefers_a_count_to_an_estimate(make_events) -> None:
    from dashboard.eval_events import article_fatalities
    from dashboard.events.numbers import is_estimate

    assert is_estimate("killed dozens") and not is_estimate("killed at least 58 civilians")
    events = make_events(
        dict(event_id="lead", _start=0, fatalities=24, fatalities_text="killed dozens"),
        dict(event_id="detail", _start=100, fatalities=58, fatalities_text="killed at least 58 civilians"),
    )
    assert article_fatalities(events) == 58


def test_event_location_bad_record_names_the_file_and_record(tmp_path: Path, capsys) -> None:
    rows = [
        {
            "id": "1",
            "text": "Shelling killed three people in Idlib on Monday.",
            "event": {"start": 9, "end": 15, "text": "killed"},
            "event_locations": [{"start": 32, "end": 37}],
        },
        {"id": "2", "text": "Russia condemned the attack on Monday.", "event": {"start": "x"}},
    ]
    gold = write_jsonl(tmp_path / "broken.jsonl", rows)
    assert main(["eval", "event-location", str(gold), "--json"]) == 1
    err = capsys.readouterr().err
    assert "broken.jsonl record 2" in err and "'event'" in err
    rows[1] = {**rows[0], "event_locations": [{"start": 1}]}
    gold = write_jsonl(tmp_path / "broken2.jsonl", rows)
    assert main(["eval", "event-location", str(gold)]) == 1
    assert "broken2.jsonl record 2" in capsys.readouterr().err


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_gold_reader_splits_records_on_newline_only(tmp_path: Path, separator: str) -> None:
    # A raw Unicode line break inside a text (ensure_ascii=False writes it as is) is part of the text.
    text = f"Shelling in Homs{separator}killed three people."
    gold = tmp_path / "gold.jsonl"
    records = [
        {"text": text, "toponyms": [{"start": 12, "end": 16, "name": "Homs", "lat": 34.7, "lon": 36.7}]},
        {"text": "Talks in Moscow.", "toponyms": []},
    ]
    gold.write_text("\r\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    docs = read_gold(gold)
    assert [d["text"] for d in docs] == [text, "Talks in Moscow."]

"""An export's file name says what it holds (dashboard/app/download_name.py)."""

from __future__ import annotations

import re

from dashboard.app.download_name import MAX_STEM, download_name
from dashboard.app.filters import Filters
from dashboard.app.query import Selection


def test_nothing_chosen_is_every_event() -> None:
    assert download_name(Filters(), Selection(), "csv") == "conflictmap_all-events.csv"


def test_the_window_the_place_and_each_filter_in_a_word() -> None:
    f = Filters(event_types=("Battles",), actors=("Hayat Tahrir al-Sham", "YPG"), min_fatalities=5, text="car bomb")
    sel = Selection("2016-07-07", "2017-09-07 23:59:59", "Ḩalab|36.2021|37.1343")
    assert download_name(f, sel, "geojson") == (
        "conflictmap_2016-07-07-to-2017-09-07_Halab_Battles_2-actors_deaths-5-plus_search-car-bomb.geojson"
    )
    assert download_name(Filters(min_confidence=0.8, precise_only=True), Selection(end="2020-01-31"), "csv") == (
        "conflictmap_to-2020-01-31_confidence-0.8-plus_towns-only.csv"
    )


def test_a_name_from_an_article_cannot_leave_the_folder_or_break_the_name() -> None:
    hostile = Filters(countries=('../../etc/passwd"; rm -rf ~',), text="<script>alert(1)</script>")
    name = download_name(hostile, Selection(place="..\\\\x/y:z*?|1.5|2.5"), "csv")
    assert re.fullmatch(r"conflictmap_[A-Za-z0-9_-]+\.csv", name), name
    long = download_name(Filters(text="word " * 200), Selection(), "csv")
    assert len(long) <= MAX_STEM + len(".csv") and long.endswith(".csv") and "_." not in long

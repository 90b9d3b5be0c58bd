"""What the article says about a name elsewhere: the province it puts a town in."""

from __future__ import annotations

from dashboard.geo.gazetteer import UNLISTED_CODE
from dashboard.geo.geocoder import GazetteerGeocoder
from dashboard.geo.toponyms import Toponym, resolve
from dashboard.rules import Switches


def named(text: str, *names: str) -> list[Toponym]:
    out, at = [], 0
    for name in names:
        start = text.index(name, at)
        out.append(Toponym(start, start + len(name), name, "GPE"))
        at = start + len(name)
    return out


def test_a_town_put_in_another_province_is_a_site_of_that_province(gazetteer) -> None:
    # The gazetteer knows Khanasir only in Aleppo province; a text that puts it in Daraa province
    # speaks of a place the gazetteer lacks, there, under its own name.
    text = "Drones struck Khanasir in Daraa province on Monday. Later Khanasir was shelled."
    tops = resolve(named(text, "Khanasir", "Daraa province", "Khanasir"), GazetteerGeocoder(gazetteer), gazetteer,
                   text=text)
    first, province, later = tops
    assert province.place is not None and province.place.feature_code == "ADM1"
    assert first.place is not None and first.place.feature_code == UNLISTED_CODE
    assert (first.place.name, first.place.admin1, first.place.precision) == ("Khanasir", province.place.admin1, 2)
    assert later.place == first.place, "the other mentions of the name are the same site"
    off = resolve(named(text, "Khanasir", "Daraa province", "Khanasir"), GazetteerGeocoder(gazetteer), gazetteer,
                  text=text, switches=Switches.parse("resolution.stated_province"))
    assert off[0].place is not None and off[0].place.admin1 != province.place.admin1


def test_a_town_put_in_its_own_province_stays_the_gazetteer_town(gazetteer) -> None:
    text = "Drones struck Khanasir in southern Aleppo province."
    town, province = resolve(named(text, "Khanasir", "Aleppo province"), GazetteerGeocoder(gazetteer), gazetteer,
                             text=text)
    assert town.place is not None and town.place.feature_code != UNLISTED_CODE
    assert town.place.admin1 == province.place.admin1

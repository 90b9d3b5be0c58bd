"""Place names the small NER model misses, recognised by the locative phrase around them."""

from __future__ import annotations

import pytest

from dashboard.geo.locative import locative_names, name_runs
from dashboard.geo.toponyms import recognize
from dashboard.rules import Switches


def _never_common(_word: str) -> bool:
    return False


def test_name_runs_join_particles_and_glued_hyphens(nlp) -> None:
    doc = nlp("The army captured the village of Rasm al-Abed near Kafr Shams.")
    runs = [doc[i:j].text for i, j in name_runs(doc)]
    assert "Rasm al-Abed" in runs and "Kafr Shams" in runs


@pytest.mark.parametrize(
    "sentence, name, kind",
    [
        ("Gunmen hurled a grenade at a bus in Chitaun district on Monday.", "Chitaun", "site"),
        ("The army captured the strategic village of Harbinefseh.", "Harbinefseh", "site"),
        ("A police source in Ramadi said four people were killed.", "Ramadi", "prep"),
        # Runs of spaces in wire copy, and a sentence-initial preposition outside the name.
        ("A bomb went off in the southwestern district of  Al-Bayaa.", "Al-Bayaa", "site"),
        ("In Londonderry, the police braced for violence.", "Londonderry", "prep"),
        # One storms ground, whatever the model tags the name (PERSON here); an assault is on a place.
        ("Gunmen stormed Gidan Gambo, an Eggon community, killing 15 people.", "Gidan Gambo", "site"),
        ("The rebels launched their second assault on Souran today.", "Souran", "prep"),
        # A name in apposition to a kind-of-place noun, after or before it.
        ("A driver was wounded on the old road out of Bidya, a busy West Bank market town.", "Bidya", "site"),
        ("A car bomb exploded in the heart of the capital, Sana, on Tuesday.", "Sana", "site"),
        # Named facilities: a military airport, a power plant.
        (
            "The army targeted positions northeast of the Kuweires Military Airport.",
            "Kuweires Military Airport",
            "site",
        ),
        # The part of a place an attack reaches, and a siege.
        ("The militants are storming the eastern perimeter of Saraf this morning.", "Saraf", "site"),
        ("The rout of that column never ended the siege of Luang Nam Tha.", "Luang Nam Tha", "site"),
    ],
)
def test_locative_phrases_mark_places(nlp, sentence: str, name: str, kind: str) -> None:
    found = {loc.text: loc.kind for loc in locative_names(nlp(sentence), _never_common)}
    assert found.get(name) == kind


def test_words_the_article_writes_in_lower_case_are_not_names(nlp) -> None:
    doc = nlp("The vote in Parliament failed, and the parliament adjourned.")
    assert locative_names(doc, lambda w: w.lower() == "parliament") == []


def test_unknown_site_names_are_kept_only_when_asked(nlp, gazetteer) -> None:
    doc = nlp("Gunmen hurled a grenade at a bus in Qarwazibtun district, wounding six.")
    assert [t.text for t in recognize(doc, gazetteer, keep_unknown=True)] == ["Qarwazibtun"]
    assert recognize(doc, gazetteer) == []  # unknown to the gazetteer: nothing to resolve it to


def test_known_town_after_a_locative_preposition(nlp, gazetteer) -> None:
    doc = nlp("An army officer in Ramadi said the explosion wounded nine people.")
    assert [t.text for t in recognize(doc, gazetteer)] == ["Ramadi"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The report was published in English and Arabic in March.",
        "The UN said in Geneva that SEEK had ended.",
        "The store opened at Zara last week.",
    ],
)
def test_languages_months_and_acronyms_are_not_places(nlp, gazetteer, sentence: str) -> None:
    names = [t.text for t in recognize(nlp(sentence), gazetteer, keep_unknown=True)]
    assert not {"English", "Arabic", "March", "SEEK", "Zara"} & set(names)


def test_month_abbreviations_are_not_names(nlp) -> None:
    doc = nlp("Last updated at Nov 012017 JISREEN Syria.")
    assert "Nov" not in {loc.text for loc in locative_names(doc, _never_common)}


def test_arabic_article_starts_a_name(nlp) -> None:
    doc = nlp("Two bombers killed 30 militiamen in al-Hassakeh in north-eastern Syria.")
    assert "al-Hassakeh" in {loc.text for loc in locative_names(doc, _never_common)}


def test_a_possessor_after_a_preposition_is_not_taken_for_a_place(nlp) -> None:
    doc = nlp("Deputies searched the house at Block's residence outside of Waterloo.")
    assert "Block" not in {loc.text for loc in locative_names(doc, _never_common)}


def test_province_spelled_another_way_is_recognised(nlp, gazetteer) -> None:
    # Hassakeh / Al-Hasakah: a spelling-blind match is trusted for a province.
    doc = nlp("Two bombers killed 30 militiamen in al-Hassakeh in north-eastern Syria.")
    assert "al-Hassakeh" in [t.text for t in recognize(doc, gazetteer)]


def test_spelling_blind_matches_need_names_that_start_alike(nlp, gazetteer) -> None:
    # "Qatrji" shares a consonant skeleton with Banda Aceh (Kutaraja), not its first letters.
    doc = nlp("Rescuers searched collapsed houses in the Qatrji neighbourhood all night.")
    assert "Qatrji" not in [t.text for t in recognize(doc, gazetteer)]


def test_place_inside_words_run_together_in_a_headline(nlp, gazetteer) -> None:
    # The apostrophe and the full stop lost: "Syria's Aleppo: monitor".
    doc = nlp("Air raids kill 9 in opposition-held areas of Syrias Aleppo Monitor AFP Sunday 2 Apr 2017.")
    tops = [t for t in recognize(doc, gazetteer) if not t.embedded]
    assert any(t.text == "Aleppo" for t in tops)


def test_a_kind_of_place_named_alone_is_not_a_town(nlp, gazetteer) -> None:
    doc = nlp("She is medical director at University of Pittsburgh Medical Center.")
    assert "University" not in [t.text for t in recognize(doc, gazetteer)]


def test_unknown_name_tagged_org_after_a_preposition_is_kept_only_when_asked(nlp, gazetteer) -> None:
    doc = nlp("Five Iraqi soldiers were killed by a motorcycle bomb in Al-Bayaa on Monday.")
    assert "Al-Bayaa" in [t.text for t in recognize(doc, gazetteer, keep_unknown=True)]
    assert "Al-Bayaa" not in [t.text for t in recognize(doc, gazetteer)]


@pytest.mark.parametrize(
    "sentence, name",
    [
        # A word like "downtown" or "northern" may stand between the preposition and the name.
        ("A migrant was hurt in a brawl in downtown Calais.", "Calais"),
        # A position relative to a place: a compass word or a distance, then "of"/"from".
        ("The suspect was arrested with three others northeast of Karmah.", "Karmah"),
        ("The fighters are now within 11 km of Menbeij.", "Menbeij"),
    ],
)
def test_modified_and_relative_locative_phrases(nlp, sentence: str, name: str) -> None:
    found = {loc.text: loc.kind for loc in locative_names(nlp(sentence), _never_common)}
    assert found.get(name) == "prep"


def test_an_of_phrase_that_is_not_a_position_is_not_locative(nlp) -> None:
    found = [loc.text for loc in locative_names(nlp("The sister of Gareth Bale spoke to reporters."), _never_common)]
    assert found == []


def test_a_town_known_by_its_name_without_the_arabic_article(nlp, gazetteer) -> None:
    # "Kut" (tagged PERSON by the small model) is Al-Kut's own name too, a city of 300,000.
    doc = nlp("The desert around Kut is watched by coalition drones.")
    assert "Kut" in [t.text for t in recognize(doc, gazetteer)]


def test_a_name_listed_after_a_place_is_a_place(nlp, gazetteer) -> None:
    # The small model tags both PERSON; "bombed" marks Saraqib, the list carries it to Ariha, a
    # town of the gazetteer too small to be taken on the preposition alone.
    doc = nlp("Warplanes bombed Saraqib and Ariha on Monday, killing five people.")
    kinds = {loc.text: loc.kind for loc in locative_names(doc, _never_common)}
    assert kinds.get("Ariha") == "list"
    assert [t.text for t in recognize(doc, gazetteer)] == ["Saraqib", "Ariha"]


def test_a_list_needs_a_place_before_it(nlp) -> None:
    doc = nlp("Officials Smith and Jones said the talks failed.")
    assert [loc.text for loc in locative_names(doc, _never_common)] == []


def test_a_village_name_the_model_took_for_a_date(nlp) -> None:
    # en_core_web_sm tags "Sogam last September" DATE; "the village of" says Sogam is a place.
    doc = nlp("She was attacked at a campaign meeting in the hill village of Sogam last October.")
    assert {loc.text: loc.kind for loc in locative_names(doc, _never_common)}.get("Sogam") == "site"
    holiday = nlp("Police foiled a plan to bomb a Christmas market in the city of Ludwigshafen last winter.")
    assert "Christmas" not in [loc.text for loc in locative_names(holiday, _never_common)]


def test_a_kind_of_place_word_straight_before_a_name(nlp) -> None:
    doc = nlp("The bomb, planted at village Lassipora, went off as the patrol drove past it.")
    assert {loc.text: loc.kind for loc in locative_names(doc, _never_common)}.get("Lassipora") == "site"


def test_a_plural_kind_of_place_word_is_said_of_every_name_of_its_list(nlp, gazetteer) -> None:
    # recognition.listed_sites: "villages" after "Karta and Bilal" calls both names villages, as
    # "the villages of Karta and Bilal" would. Off, only the name next to the noun is marked.
    doc = nlp("Mortar rounds fell on Karta, Salmun and Bilal villages overnight.")
    kinds = {loc.text: loc.kind for loc in locative_names(doc, _never_common)}
    assert kinds == {"Karta": "site", "Salmun": "site", "Bilal": "site"}
    off = {loc.text: loc.kind for loc in locative_names(doc, _never_common, listed_sites=False)}
    assert off == {"Bilal": "site"}
    # A town of the gazetteer, spelt as the press spells it (-eh for -ah), found through the list.
    known = nlp("Two farmers were hurt when shells fell on Khan Arnabeh and Jaba towns at dawn.")
    assert "Khan Arnabeh" in [t.text for t in recognize(known, gazetteer)]
    off_switch = Switches.parse("recognition.listed_sites")
    assert "Khan Arnabeh" not in [t.text for t in recognize(known, gazetteer, switches=off_switch)]


def test_a_singular_kind_of_place_word_names_only_the_name_beside_it(nlp) -> None:
    doc = nlp("Mortar rounds fell on Karta and Bilal village overnight.")
    kinds = {loc.text: loc.kind for loc in locative_names(doc, _never_common)}
    assert kinds.get("Bilal") == "site" and kinds.get("Karta") != "site"


def test_plural_kind_of_place_words_ending_in_ies(nlp) -> None:
    doc = nlp("Rockets hit the Jalab and Tirza cities after dark.")
    assert {loc.text: loc.kind for loc in locative_names(doc, _never_common)}.get("Tirza") == "site"


def test_a_well_known_name_the_model_read_as_an_adjective_is_a_place(nlp, gazetteer) -> None:
    # The small model tags "Kyiv" an adjective before "region", with no entity: a city of millions.
    doc = nlp("Missiles struck a power plant in the Kyiv region on Friday night.")
    assert [loc.adjective for loc in locative_names(doc, _never_common) if loc.text == "Kyiv"] == [True]
    assert "Kyiv" in [t.text for t in recognize(doc, gazetteer, keep_unknown=True)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Residents fled the Ancient city of Palmyra in the spring.",
        "Shells fell on the Old town of Nablus overnight.",
        "He grew up in the English city of Leeds.",
    ],
)
def test_an_adjective_of_nationality_or_description_before_a_kind_of_place_is_no_place(
    nlp, gazetteer, sentence: str
) -> None:
    names = [t.text for t in recognize(nlp(sentence), gazetteer, keep_unknown=True)]
    assert not {"Ancient", "Old", "English"} & set(names)


@pytest.mark.parametrize(
    "sentence",
    [
        "Insurgents burned houses near Mocimboa da Praia last week.",
        "Troops patrolled the road to Mocimboa da Praia on Friday.",
    ],
)
def test_a_well_known_place_inside_a_longer_name_is_the_longer_name(nlp, gazetteer, sentence) -> None:
    # "Praia" is a capital of 100,000 the model left untagged; joined by "da" it is part of the town's name.
    doc = nlp(sentence)
    assert [t.text for t in recognize(doc, gazetteer)] == ["Mocimboa da Praia"]
    off = recognize(doc, gazetteer, switches=Switches.parse("recognition.whole_name"))
    assert [t.text for t in off] == ["Praia"], "switched off: the capital inside it, as before"


def test_a_longer_name_the_gazetteer_lacks_leaves_the_well_known_place(nlp, gazetteer) -> None:
    doc = nlp("Officials in Praia dos Ventos Quebrados said the ferry had sunk.")
    assert "Praia" in [t.text for t in recognize(doc, gazetteer)]

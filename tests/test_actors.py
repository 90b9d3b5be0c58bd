"""Actors as ACLED codes them: the dictionary, the roles from the parse, interaction codes."""

from __future__ import annotations

import pytest

from dashboard.events.actors import (
    Actor,
    event_actors,
    find_mentions,
    interaction,
    load_dictionary,
    senses_absent,
    spelled,
)
from dashboard.rules import Switches


def actors_of(nlp, sentence: str, trigger: str, country: str = "SY", name: str = "Syria", switches=None):
    """The sentence's (actor1, actor2) for the event its trigger words report; `switches` for an ablation."""
    doc = nlp(sentence)
    if switches is None:
        return event_actors(doc, 0, len(sentence), sentence.index(trigger), country, name)
    return event_actors(doc, 0, len(sentence), sentence.index(trigger), country, name, switches)


@pytest.mark.parametrize(
    "sentence, trigger, actor1, actor2",
    [
        (
            "Russian jets pounded rebel positions outside the town on Friday.",
            "pounded",
            Actor("Military Forces of Russia", 8),
            Actor("Rebel groups (Syria)", 2),
        ),
        (
            "Eleven people were killed by regime shelling on the market.",
            "shelling",
            Actor("Military Forces of Syria (2000-)", 1),
            Actor("Civilians (Syria)", 7),
        ),
        (
            "Daesh militants attacked an army checkpoint south of the city.",
            "attacked",
            Actor("Islamic State (ISIS)", 2),
            None,
        ),
        (
            "Turkish troops shelled YPG positions near the border.",
            "shelled",
            Actor("Military Forces of Turkey", 8),
            Actor("YPG", 2),
        ),
        (
            # The alliance's name as some outlets spell it, and its description in the singular.
            "The Syria Democratic Forces shelled Islamic State positions near the dam.",
            "shelled",
            Actor("Syrian Democratic Forces (SDF)", 2),
            Actor("Islamic State (ISIS)", 2),
        ),
        (
            "A Kurdish-led force attacked an Islamic State convoy near the dam.",
            "attacked",
            Actor("Syrian Democratic Forces (SDF)", 2),
            Actor("Islamic State (ISIS)", 2),
        ),
        # The generic noun before the named group: the group is who was hit.
        (
            "Army jets killed dozens of militants of the Islamic State near the oil field.",
            "killed",
            Actor("Military Forces of Syria (2000-)", 1),
            Actor("Islamic State (ISIS)", 2),
        ),
        # "held by": the holder of the place hit, not the author of the strike (the dead are the target).
        (
            "Five residents died as shells struck a suburb held by ISIS late on Sunday.",
            "shells",
            None,
            Actor("Civilians (Syria)", 7),
        ),
        (
            "Rebels shelled a village controlled by the YPG north of the city.",
            "shelled",
            Actor("Rebel groups (Syria)", 2),
            Actor("YPG", 2),
        ),
        # The holder named before the noun ("X-held") loses the place; it did not take it.
        (
            "Jihadists overran regime-held checkpoints near the dam at dawn.",
            "overran",
            Actor("Rebel groups (Syria)", 2),
            Actor("Military Forces of Syria (2000-)", 1),
        ),
        # Said as the sentence's own verb, "held" is what the author did, not who holds a place.
        (
            "Regime forces held the bridge and shelled the village.",
            "shelled",
            Actor("Military Forces of Syria (2000-)", 1),
            None,
        ),
        # A country's name before a non-state actor says whose rebels they are, not that its army acted.
        (
            "Syrian rebels stormed two hilltops overlooking the plain.",
            "stormed",
            Actor("Rebel groups (Syria)", 2),
            None,
        ),
    ],
)
def test_roles(nlp, sentence, trigger, actor1, actor2) -> None:
    a1, a2 = actors_of(nlp, sentence, trigger)
    assert a1 == actor1
    if actor2 is not None:
        assert a2 == actor2


def test_spellings_are_one_canonical_actor() -> None:
    names = {
        m.entry.name
        for text in ("Daesh fighters", "ISIL gunmen", "the Islamic State group", "IS forces")
        for m in find_mentions(text)
    }
    assert "Islamic State (ISIS)" in names
    assert not {n for n in names if "ISIS" not in n and "Unidentified" not in n}


@pytest.mark.parametrize(
    "text, names",
    [
        ("suspected ADF fighters raided a farm near Oicha", {"ADF"}),
        ("a raid by the Allied Democratic Forces near Oicha", {"ADF"}),
        ("the adf said little", set()),  # the letters only in capitals
    ],
)
def test_the_allied_democratic_forces(text: str, names: set[str]) -> None:
    assert {m.entry.name for m in find_mentions(text)} & {"ADF"} == names
    assert all(m.entry.inter == 2 for m in find_mentions(text) if m.entry.name == "ADF")


@pytest.mark.parametrize(
    "text, name",
    [
        ("fighters of Harakat Hezbollah al-Nujaba", "Harakat Hezbollah al-Nujaba"),
        ("Kataib Hezbollah militiamen", "Kataib Hezbollah"),
        ("Hezbollah fighters", "Hezbollah"),
    ],
)
def test_a_group_whose_name_holds_another_is_its_own_actor(text: str, name: str) -> None:
    assert {m.entry.name for m in find_mentions(text)} == {name}


@pytest.mark.parametrize(
    "text, name",
    [
        ("fighters of Jaysh al-Islam", "Jaish al-Islam"),
        ("a Jeish el-Islam commander", "Jaish al-Islam"),
        ("Jabhat Fatah al Sham gunmen", "Jabhat al-Nusra"),
        ("units of Jabhat Fath Al-Sham", "Jabhat al-Nusra"),
        ("Ahrar el-Sham fighters", "Ahrar al-Sham"),
    ],
)
def test_the_romanizations_of_a_name_are_one_actor(text: str, name: str) -> None:
    assert {m.entry.name for m in find_mentions(text)} == {name}


def test_the_spellings_stand_for_their_alternatives_in_every_pattern() -> None:
    spellings = [["al-", "(?:al|el)[- ]"], ["jaish", "j(?:a[iy]|ei)sh"]]
    assert spelled(["jaish al-islam", "(?:al-)?nusra"], spellings) == [
        "j(?:a[iy]|ei)sh (?:al|el)[- ]islam",
        "(?:(?:al|el)[- ])?nusra",
    ]
    assert {m.entry.name for m in find_mentions("a UN report")} == set(), "a bare 'UN' may be French"


@pytest.mark.parametrize(
    "text, name",
    [
        ("SPLA-IO fighters", "SPLM/A-IO"),
        ("the SPLM-IO said", "SPLM/A-IO"),
        ("the Sudan People's Liberation Army-in-Opposition", "SPLM/A-IO"),
        ("AQAP militants", "AQAP"),
    ],
)
def test_armed_groups_of_south_sudan_and_yemen_are_named(text: str, name: str) -> None:
    assert {m.entry.name for m in find_mentions(text)} == {name}


def test_one_woman_killed_is_a_civilian(nlp) -> None:
    a1, a2 = actors_of(nlp, "Jets bombed the rebel-held quarter of the town, killing one woman.", "bombed")
    assert a2 == Actor("Civilians (Syria)", 7), "rebel-held says whose quarter it is, not who was hit"


@pytest.mark.parametrize(
    "sentence, trigger",
    [
        ("Jordan condemned the bombing that hit the market in Azaz.", "bombing"),
        ("The United Nations is investigating the air strike on a convoy west of Aleppo.", "air strike"),
    ],
)
def test_who_comments_on_an_attack_is_not_its_author(nlp, sentence: str, trigger: str) -> None:
    a1, _a2 = actors_of(nlp, sentence, trigger)
    assert a1 is None


def test_the_verb_is_not_the_group() -> None:
    assert not [m for m in find_mentions("This is where it is.") if "ISIS" in m.entry.name]


def test_reporters_are_never_actors(nlp) -> None:
    a1, a2 = actors_of(nlp, "Activists and the Observatory said shelling killed two children.", "shelling")
    assert a1 is None or "Observatory" not in a1.name
    assert a2 == Actor("Civilians (Syria)", 7)


def test_state_forces_at_home_are_code_1_abroad_code_8(nlp) -> None:
    a1, _ = actors_of(nlp, "Turkish warplanes bombed the village.", "bombed", "TR", "Turkey")
    assert a1 == Actor("Military Forces of Turkey", 1)
    a1, _ = actors_of(nlp, "Turkish warplanes bombed the village.", "bombed", "SY", "Syria")
    assert a1 == Actor("Military Forces of Turkey", 8)


def test_a_country_named_alone_acts_only_as_the_subject(nlp) -> None:
    a1, _ = actors_of(nlp, "Fighting near Russia's border killed four soldiers.", "Fighting")
    assert a1 is None or "Russia" not in a1.name


def test_interaction_codes() -> None:
    assert interaction(1, 7) == 17
    assert interaction(7, 1) == 17
    assert interaction(2, None) == 20
    assert interaction(None, None) is None


def test_a_named_group_with_its_noun_is_one_actor_and_speakers_are_none(nlp) -> None:
    a1, a2 = actors_of(nlp, "IS gunmen ambushed a supply convoy near the dam on Tuesday, the army said.", "ambushed")
    assert a1 == Actor("Islamic State (ISIS)", 2)
    assert a2 is None, "the army that speaks is not the target"
    a1, _ = actors_of(nlp, "Nusra fighters shelled the village overnight.", "shelled")
    assert a1 == Actor("Jabhat al-Nusra", 2)


@pytest.mark.parametrize(
    "sentence",
    [
        "Mortars fell on the old market, the London-based Syrian Observatory said.",
        "Mortars fell on the old market, Syrian state television reported.",
        "Mortars fell on the old market, a Syrian military source told reporters.",
        "Mortars fell on the old market, the group-run Amaq agency claimed.",
    ],
)
def test_a_reporter_with_its_owner_or_nationality_is_never_an_actor(nlp, sentence) -> None:
    a1, _ = actors_of(nlp, sentence, "Mortars")
    assert a1 is None


@pytest.mark.parametrize(
    "sentence, trigger, actor1",
    [
        (
            "Gunmen affiliated with the Nusra Front opened fire on a checkpoint near the bridge.",
            "opened",
            "Jabhat al-Nusra",
        ),
        ("Militants belonging to Daesh stormed the grain silo at dawn.", "stormed", "Islamic State (ISIS)"),
        (
            "Terrorist groups linked to the Nusra Front shelled the power station overnight.",
            "shelled",
            "Jabhat al-Nusra",
        ),
    ],
)
def test_a_generic_word_tied_to_a_named_group_is_that_group(nlp, sentence, trigger, actor1) -> None:
    a1, _ = actors_of(nlp, sentence, trigger)
    assert a1 is not None and a1.name == actor1
    off = actors_of(nlp, sentence, trigger, switches=Switches.parse("actors.affiliation"))
    assert off[0] is not None and off[0].name == "Unidentified Armed Group (Syria)", "switched off: the generic word"


@pytest.mark.parametrize(
    "sentence, trigger, named, generic",
    [
        (
            "The rebel group Jaysh al-Islam fired rockets at the old city.",
            "rockets",
            "Jaish al-Islam",  # the dictionary's spelling of the name (actors.toml `spellings`)
            "Rebel groups (Syria)",
        ),
        (
            "Mortars hit the market in a bombardment by the terrorist organization Jabhat al-Nusra.",
            "Mortars",
            "Jabhat al-Nusra",
            "Unidentified Armed Group (Syria)",
        ),
        (
            "The armed group Jaysh al-Islam shelled the eastern districts overnight.",
            "shelled",
            "Jaish al-Islam",
            "Unidentified Armed Group (Syria)",
        ),
    ],
)
def test_a_generic_word_and_a_descriptor_before_a_name_are_that_group(nlp, sentence, trigger, named, generic) -> None:
    a1, _ = actors_of(nlp, sentence, trigger)
    assert a1 is not None and a1.name == named
    off = actors_of(nlp, sentence, trigger, switches=Switches.parse("actors.described_name"))
    assert off[0] is not None and off[0].name == generic, "switched off: the generic word"


def test_civilians_from_a_place_a_group_holds_are_not_that_group(nlp) -> None:
    sentence = "Shells killed three civilians from Daesh-held villages who had reached the camp."
    _, a2 = actors_of(nlp, sentence, "Shells")
    assert a2 == Actor("Civilians (Syria)", 7)


@pytest.mark.parametrize(
    "sentence, trigger",
    [
        ("A source at the provincial police command said that gunmen shelled the bakery on Friday.", "shelled"),
        ("According to an official in the army, gunmen shelled the bakery on Friday.", "shelled"),
    ],
)
def test_a_name_in_the_phrase_of_a_source_is_no_side(nlp, sentence, trigger) -> None:
    a1, a2 = actors_of(nlp, sentence, trigger)
    assert a1 == Actor("Unidentified Armed Group (Syria)", 3)
    assert a2 is None or a2.inter != 1, "the police or the army that tells of the attack is not its target"


def test_an_attack_blamed_on_a_side_is_by_that_side(nlp) -> None:
    a1, a2 = actors_of(nlp, "A gas attack blamed on the regime killed nine villagers before dawn.", "attack")
    assert a1 == Actor("Military Forces of Syria (2000-)", 1)
    assert a2 == Actor("Civilians (Syria)", 7)
    a1, _ = actors_of(nlp, "The raid, attributed to Russian jets, destroyed a bakery.", "raid")
    assert a1 == Actor("Military Forces of Russia", 8)


@pytest.mark.parametrize("place", ["a clinic", "a health centre", "the medical point", "an ambulance"])
def test_a_clinic_or_an_ambulance_hit_is_a_civilian_target(nlp, place) -> None:
    _, a2 = actors_of(nlp, f"Rockets struck {place} on the edge of the town.", "struck")
    assert a2 == Actor("Civilians (Syria)", 7)


@pytest.mark.parametrize(
    "text, name",
    [
        ("Fighters of Liwa Suqur al-Jabal shelled the hamlet.", "Liwa Suqur al-Jabal"),
        ("Harakat Nour al-Din al-Zenki fighters stormed the hill.", "Harakat Nour al-Din al-Zenki"),
        ("Faylaq al-Sham Fighters Shell Hilltop Village", "Faylaq al-Sham"),  # a headline's capitals stop at the name
    ],
)
def test_a_group_named_like_a_fighting_unit_is_an_actor_by_its_name(text, name) -> None:
    found = [(m.entry.name, m.entry.inter) for m in find_mentions(text)]
    assert (name, 2) in found
    off = find_mentions(text, switches=Switches.parse("actors.named_units"))
    assert name not in [m.entry.name for m in off], "switched off: no actor by that name"


def test_a_listed_group_keeps_its_canonical_name_over_the_unit_reading() -> None:
    assert [m.entry.name for m in find_mentions("Jaish al-Islam shelled the suburb.")] == ["Jaish al-Islam"]


def test_men_from_a_group_known_by_a_unit_name_are_that_group(nlp) -> None:
    a1, _ = actors_of(nlp, "Gunmen from the group known as Liwa al-Nasr shelled the market at noon.", "shelled")
    assert a1 == Actor("Liwa al-Nasr", 2)


def test_a_name_in_a_noun_compound_takes_the_role_of_the_compounds_last_noun(nlp) -> None:
    sentence = "Army artillery shelled the ISIS group stronghold of Maskanah at dawn."
    a1, a2 = actors_of(nlp, sentence, "shelled")
    assert a1 is not None and a1.name == "Military Forces of Syria (2000-)"
    assert a2 is not None and a2.name == "Islamic State (ISIS)"
    off = actors_of(nlp, sentence, "shelled", switches=Switches.parse("actors.compound_head"))
    assert off[1] is None or off[1].name != "Islamic State (ISIS)", "switched off: 'group' makes ISIS an author"


@pytest.mark.parametrize(
    "sentence, trigger, actor1",
    [
        ("Moscow launched air strikes on the rebel town at dawn.", "air strikes", "Military Forces of Russia"),
        ("Ankara shelled the Kurdish-held villages on Friday.", "shelled", "Military Forces of Turkey"),
    ],
)
def test_a_foreign_capital_that_acts_names_its_states_forces(nlp, sentence, trigger, actor1) -> None:
    a1, _ = actors_of(nlp, sentence, trigger)
    assert a1 is not None and a1.name == actor1
    off = actors_of(nlp, sentence, trigger, switches=Switches.parse("actors.acting_capital"))
    assert off[0] is None or off[0].name != actor1, "switched off: the capital is no actor"


def test_a_capital_that_is_hit_or_only_named_is_no_actor(nlp) -> None:
    a1, a2 = actors_of(nlp, "Rockets fired from the border hit a suburb of Ankara.", "Rockets")
    assert (a1 is None or a1.name != "Military Forces of Turkey") and a2 is None


def test_the_object_of_a_verb_whose_infinitive_it_carries_out_acts(nlp) -> None:
    sentence = "The ambush prompted Turkish troops to shell the village at night."
    a1, _ = actors_of(nlp, sentence, "shell")
    assert a1 is not None and a1.name == "Military Forces of Turkey"
    off = actors_of(nlp, sentence, "shell", switches=Switches.parse("actors.object_control"))
    assert off[0] is None or off[0].name != "Military Forces of Turkey", "switched off: the object is a target"


@pytest.mark.parametrize(
    "sentence, trigger",
    [
        ("Syrian rebels shelled the army post on Sunday.", "shelled"),
        ("Turkish-backed Syrian fighters stormed the village at dawn.", "stormed"),
    ],
)
def test_a_country_word_before_fighters_no_state_commands_is_not_the_state(nlp, sentence, trigger) -> None:
    a1, _ = actors_of(nlp, sentence, trigger)
    assert a1 is None or a1.name != "Military Forces of Syria (2000-)"
    off = actors_of(nlp, sentence, trigger, switches=Switches.parse("actors.origin_word"))
    if sentence.startswith("Turkish-backed"):
        assert off[0] is not None and off[0].name in ("Military Forces of Syria (2000-)", "Military Forces of Turkey")


def test_a_group_that_claims_an_attack_is_its_author(nlp) -> None:
    a1, _ = actors_of(nlp, "The IS group claimed the bombing of a police post in the town.", "bombing")
    assert a1 is not None and a1.name == "Islamic State (ISIS)"


@pytest.mark.parametrize(
    "sentence, trigger, actor2",
    [
        ("A car bomb killed four people outside the police station in Jableh.", "killed", "Police Forces of Syria"),
        ("Gunmen killed two persons at an army checkpoint near Homs.", "killed", "Military Forces of Syria (2000-)"),
        # Dead named as civilians are who was hit, whatever the attack was aimed at.
        ("A car bomb killed four civilians outside the police station in Jableh.", "killed", "Civilians (Syria)"),
        # No post of a side: the people are the target.
        ("A car bomb killed four people in the market of Jableh on Monday.", "killed", "Civilians (Syria)"),
    ],
)
def test_the_side_whose_post_was_hit_is_the_target_of_unnamed_dead(nlp, sentence, trigger, actor2) -> None:
    _, a2 = actors_of(nlp, sentence, trigger)
    assert a2 is not None and a2.name == actor2


def test_switched_off_the_unnamed_dead_stay_the_target(nlp) -> None:
    sentence = "A car bomb killed four people outside the police station in Jableh on Monday."
    _, a2 = actors_of(nlp, sentence, "killed", switches=Switches.parse("actors.target_over_people"))
    assert a2 is not None and a2.name == "Civilians (Syria)"


def test_the_subject_of_be_among_the_dead_is_a_victim(nlp) -> None:
    sentence = "Four policemen were among those killed when militants shelled the town."
    a1, a2 = actors_of(nlp, sentence, "shelled")
    assert (a1 and a1.name, a2 and a2.name) == ("Unidentified Armed Group (Syria)", "Police Forces of Syria")
    off = actors_of(nlp, sentence, "shelled", switches=Switches.parse("actors.among_the_dead"))
    assert off[0] is not None and off[0].name == "Police Forces of Syria", "switched off: the subject acts"


def test_a_group_named_by_the_members_an_attack_hit_is_its_target(nlp) -> None:
    # "group" alone would make the group an author; its members, the verb's object, were hit.
    sentence = "An army rocket attack near the dam has killed nine members of the Jund al-Aqsa group."
    a1, a2 = actors_of(nlp, sentence, "rocket attack")
    assert a1 is not None and a1.name == "Military Forces of Syria (2000-)"
    assert a2 is not None and a2.name == "Jund al-Aqsa"
    off = actors_of(nlp, sentence, "rocket attack", switches=Switches.parse("actors.of_phrase"))
    assert off[1] is None or off[1].name != "Jund al-Aqsa", "switched off: 'group' makes it an author"


@pytest.mark.parametrize(
    "sentence, trigger, country, name, actor1",
    [
        (
            "Government shelling wrecked two houses in the hamlet at dawn.",
            "shelling",
            "SY",
            "Syria",
            Actor("Military Forces of Syria (2000-)", 1),
        ),
        (
            "The government's rockets hit a bridge outside the town.",
            "hit",
            "SY",
            "Syria",
            Actor("Military Forces of Syria (2000-)", 1),
        ),
        # The state where the event happened, whichever it is.
        (
            "Government artillery pounded a rebel-held ridge on Sunday.",
            "pounded",
            "YE",
            "Yemen",
            Actor("Military Forces of Yemen", 1),
        ),
        # A state named before the government: that state's forces, abroad (code 8).
        (
            "The Turkish government's artillery hit a hill near the border post.",
            "hit",
            "SY",
            "Syria",
            Actor("Military Forces of Turkey", 8),
        ),
    ],
)
def test_a_government_before_a_military_noun_is_the_states_forces(
    nlp, sentence, trigger, country, name, actor1
) -> None:
    a1, _ = actors_of(nlp, sentence, trigger, country, name)
    assert a1 == actor1
    off, _ = actors_of(nlp, sentence, trigger, country, name, Switches.parse("actors.government_noun"))
    assert off != actor1, "switched off: the rule alone names them"


@pytest.mark.parametrize(
    "text",
    [
        "Pro-government gunmen shelled the quarter overnight.",  # a militia on the government's side
        "Anti-government fighters shelled the quarter overnight.",  # its enemies
    ],
)
def test_a_government_with_a_prefix_is_not_the_states_forces(text) -> None:
    on = [(m.start, m.end, m.entry.name) for m in find_mentions(text)]
    assert on == [
        (m.start, m.end, m.entry.name) for m in find_mentions(text, switches=Switches.parse("actors.government_noun"))
    ]
    assert "{state_forces}" not in [name for _, _, name in on]


def test_a_state_named_before_its_government_keeps_the_act_its_own(nlp) -> None:
    # Not the forces of the country where the hill lies, which "government shelling" alone would name.
    a1, _ = actors_of(nlp, "Turkish government shelling hit a hill near the border post.", "hit")
    assert a1 == Actor("Military Forces of Turkey", 8)


@pytest.mark.parametrize(
    "sentence, trigger, actor1, actor2",
    [
        # The act's noun inside the name's phrase, the phrase the object of a preposition, and another
        # side acting in a later clause.
        (
            "Nine people died in Israeli air strikes on a depot near the airport hours after militants fired rockets.",
            "air strikes",
            Actor("Military Forces of Israel", 8),
            Actor("Civilians (Syria)", 7),
        ),
        # The phrase the object of a verb of reporting, its target in an "on" phrase.
        (
            "The monitor described Turkish shelling on YPG posts along the river.",
            "shelling",
            Actor("Military Forces of Turkey", 8),
            Actor("YPG", 2),
        ),
    ],
)
def test_a_name_whose_phrase_holds_the_acts_noun_is_its_author(nlp, sentence, trigger, actor1, actor2) -> None:
    assert actors_of(nlp, sentence, trigger) == (actor1, actor2)
    off = actors_of(nlp, sentence, trigger, switches=Switches.parse("actors.names_the_act"))
    assert off != (actor1, actor2), "switched off: the parse's role alone"


def test_a_weapon_or_a_force_holding_the_trigger_can_still_be_hit(nlp) -> None:
    # "helicopter" is both the act's word (the lexicon's) and the name's, but no act: the phrase is
    # what the verb hit, and the side named with it the target.
    sentence = "Insurgents downed a Russian helicopter near the mountain pass."
    assert actors_of(nlp, sentence, "helicopter") == (
        Actor("Rebel groups (Syria)", 2),
        Actor("Military Forces of Russia", 8),
    )


def test_government_forces_are_those_of_the_country_of_the_event(nlp) -> None:
    # A story on Syria that turns to Iraq: the government there, not Syria's.
    sentence = "Government forces shelled militant hideouts outside the town on Sunday."
    assert actors_of(nlp, sentence, "shelled", "IQ", "Iraq")[0] == Actor("Military Forces of Iraq", 1)
    assert actors_of(nlp, sentence, "shelled")[0] == Actor("Military Forces of Syria (2000-)", 1)


@pytest.mark.parametrize(
    "sentence, trigger, country, name, actor1",
    [
        # A state that speaks of its jets: its forces, abroad (code 8).
        (
            "Jordan said its jets bombed a weapons depot across the border on Sunday.",
            "bombed",
            "SY",
            "Syria",
            Actor("Military Forces of Jordan", 8),
        ),
        # A few words before the verb, a clause's opening after it.
        (
            "The Islamic State group on Friday said in a statement that its men killed six soldiers near the dam.",
            "killed",
            "IQ",
            "Iraq",
            Actor("Islamic State (ISIS)", 2),
        ),
        # A group, the plural possessive.
        (
            "The Houthis said their fighters stormed two hilltops east of the port.",
            "stormed",
            "YE",
            "Yemen",
            Actor("Houthis (Ansar Allah)", 2),
        ),
    ],
)
def test_a_side_that_speaks_of_its_own_forces_is_their_author(nlp, sentence, trigger, country, name, actor1) -> None:
    a1, _ = actors_of(nlp, sentence, trigger, country, name)
    assert a1 == actor1
    off, _ = actors_of(nlp, sentence, trigger, country, name, Switches.parse("actors.own_forces"))
    assert off != actor1, "switched off: the rule alone names them"


def test_a_possessive_with_another_name_before_it_is_not_the_speakers() -> None:
    # "its fighters" may be Hamas's, the name after the verb: never the speaking state's.
    text = "Egypt said Hamas and its fighters had left the crossing."
    owned = [
        (text[m.start : m.end], m.entry.name) for m in find_mentions(text) if text[m.start : m.end].startswith("its")
    ]
    assert owned == []
    text = "The ministry of health said its staff treated the wounded."  # not a force
    assert not [m for m in find_mentions(text) if text[m.start : m.end].startswith("its")]


@pytest.mark.parametrize("noun", ["a shopkeeper", "a farmer", "a student", "a doctor", "a fisherman"])
def test_a_lone_civilian_by_trade_is_a_civilian(pipeline, noun: str) -> None:
    # The plural alone ("farmers") was listed: killing one was read as a clash with no second side.
    from tests.test_sites import rows_of

    rows = rows_of(pipeline, f"Gunmen killed {noun} in Saraqib on Sunday.")
    assert list(zip(rows["event_type"], rows["actor2"], strict=True)) == [
        ("Violence against civilians", "Civilians (Syria)")
    ]


def test_an_assassination_is_an_attack_with_its_one_death(pipeline) -> None:
    # "assassinated" was in no rule of the lexicon: the killing was no event at all.
    from tests.test_sites import rows_of

    rows = rows_of(pipeline, "Gunmen assassinated a local official in Saraqib on Sunday.")
    assert list(zip(rows["sub_event_type"], rows["actor2"], rows["fatalities"], strict=True)) == [
        ("Attack", "Civilians (Syria)", 1)
    ]


def test_the_saudi_led_coalition_is_not_the_us_led_one() -> None:
    text = "Jets of the Saudi-led coalition bombed a bridge near the port; the coalition said it hit a depot."
    names = [m.entry.name for m in find_mentions(text, absent=senses_absent(text, load_dictionary()))]
    assert "Operation Restoring Hope" in names and "Coalition (US-led)" not in names
    us = "US-led coalition jets struck a depot near the dam."
    assert [m.entry.name for m in find_mentions(us)] == ["Coalition (US-led)"]


@pytest.mark.parametrize(
    "text, span, name, code",
    [
        ("Rwandan troops killed 15 insurgents", "Rwandan troops", "Military Forces of Rwanda", "RW"),
        ("Kenya's army said on Friday", "Kenya's army", "Military Forces of Kenya", "KE"),
        (
            "South Sudanese soldiers crossed the border",
            "South Sudanese soldiers",
            "Military Forces of South Sudan",
            "SS",
        ),
        (
            "the Democratic Republic of the Congo's army",
            "Democratic Republic of the Congo's army",
            "Military Forces of Democratic Republic of the Congo",
            "CD",
        ),
    ],
)
def test_any_country_s_forces_by_its_demonym_or_name(text, span, name, code) -> None:
    found = [m for m in find_mentions(text) if m.entry.state]
    assert [(text[m.start : m.end], m.entry.name, m.entry.state) for m in found] == [(span, name, code)]
    off = find_mentions(text, switches=Switches.parse("actors.any_state"))
    assert name not in [m.entry.name for m in off], "switched off: no such state's forces"


def test_a_listed_state_keeps_its_own_entry_and_a_noun_alone_names_no_state() -> None:
    # Iraq is one of the dictionary's states (its own patterns name it); "UN forces" is no country's.
    assert [m.entry.name for m in find_mentions("Iraqi forces advanced")] == ["Military Forces of Iraq"]
    assert not [m for m in find_mentions("UN forces patrolled the area") if m.entry.state]


def test_a_foreign_army_fights_as_external_forces(nlp) -> None:
    sentence = "Rwandan troops killed 15 insurgents near the town on Friday."
    got = actors_of(nlp, sentence, "killed", "MZ", "Mozambique")
    assert got[0] == Actor("Military Forces of Rwanda", 8)
    off = actors_of(nlp, sentence, "killed", "MZ", "Mozambique", Switches.parse("actors.any_state"))
    assert off[0] == Actor("Military Forces of Mozambique", 1), "switched off: the host's forces, as before"


@pytest.mark.parametrize(
    "text, word",
    [
        # A rebel group's name: its "Army" is not the state's.
        ("Fighters of the Kachin Independence Army attacked a police post.", "Army"),
        ("Fighters of the Arakan Army seized a base on Sunday.", "Army"),
        # A group named for the people: not civilians.
        ("Members of the People's Defence Force ambushed a convoy.", "People"),
    ],
)
def test_a_generic_word_inside_another_name_names_no_side(text, word) -> None:
    at = text.index(word)
    assert not [m for m in find_mentions(text) if m.start == at]
    off = find_mentions(text, switches=Switches.parse("actors.inside_name"))
    assert [m.entry.generic for m in off if m.start == at] == [True], "switched off: the generic side, as before"


@pytest.mark.parametrize(
    "text, word",
    [
        ("The Somali National Army said it had killed ten militants.", "Army"),  # a country's own army
        ("Army troops shelled the town on Sunday.", "Army"),  # a sentence's first word
        ("Army Troops Kill Two Gunmen In Night Raid Near Border", "Army"),  # a headline's capitals
        ("A strike hit the Al-Amal Children's Hospital.", "Hospital"),  # a named hospital is still one
    ],
)
def test_a_generic_word_after_a_country_first_in_a_sentence_or_in_a_headline_names_its_side(text, word) -> None:
    at = text.index(word)
    assert [m.entry.generic for m in find_mentions(text) if m.start == at] == [True]


def test_who_escorts_or_guards_what_an_attack_hit_is_on_its_receiving_end(nlp) -> None:
    # "escorted by the army": the army kept the convoy, it did not lay the bomb.
    sentence = "A roadside bomb hit a convoy escorted by the army near the town, killing six civilians."
    assert actors_of(nlp, sentence, "hit") == (None, Actor("Military Forces of Syria (2000-)", 1))
    sentence = "Militants shelled a checkpoint manned by police outside the town."
    assert actors_of(nlp, sentence, "shelled")[1] == Actor("Police Forces of Syria", 1)


def test_a_state_s_assaults_name_its_forces() -> None:
    # "assaults" is one of the military nouns a demonym names a state's forces before.
    text = "Defenders said they had repelled 40 Russian assaults near the town overnight."
    assert [(text[m.start : m.end], m.entry.name) for m in find_mentions(text)] == [
        ("Russian assaults", "Military Forces of Russia")
    ]

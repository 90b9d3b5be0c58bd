"""Event extraction: typing sentences with the lexicon, and rows from short parsed articles."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pandas as pd
import pytest

from dashboard import schema as S
from dashboard.events.lexicon import classify, load_lexicon
from dashboard.ingest.article import Article
from dashboard.rules import Switches


@pytest.mark.parametrize(
    "sentence, event_type, sub_type, trigger",
    [
        (
            "A regime airstrike on Turkish forces killed 36 troops.",
            "Explosions/Remote violence",
            "Air/drone strike",
            "airstrike",
        ),
        ("A car bomb exploded in Azaz.", "Explosions/Remote violence", "Remote explosive/landmine/IED", "car bomb"),
        ("Shelling hit the town.", "Explosions/Remote violence", "Shelling/artillery/missile attack", "Shelling"),
        ("Rebels clashed with government forces near Hama.", "Battles", "Armed clash", "clashed"),
        ("Gunmen executed five civilians.", "Violence against civilians", "Attack", "executed"),
        ("Erdoğan will meet Putin on Thursday.", "Diplomacy", "Meeting/summit", "meet"),
        ("An election will be held in April.", "Political", "Election", "election"),
        ("Nearly a million have been displaced.", "Displacement", "Displacement", "displaced"),
        ("Protests spread to Istanbul.", "Protests", "Peaceful protest", "Protests"),
        ("The weather was nice.", "Other", "Other", ""),
        (
            "Troops eliminated over 40 terrorists near the base.",
            "Battles",
            "Armed clash",
            "eliminated over 40 terrorists",
        ),
        # Jets that destroy something bombed it: ACLED's air strike, not property destruction.
        ("Jets destroyed two tanks and a depot.", "Explosions/Remote violence", "Air/drone strike", "Jets destroyed"),
        # Property destroyed is property destruction; an armed side's gear destroyed is the fighting
        # (a reader of unseen rows judged "army units destroyed three vehicles" so typed as wrong).
        (
            "Militiamen destroyed two shops and a bakery.",
            "Strategic developments",
            "Looting/property destruction",
            "destroyed",
        ),
        ("Militiamen destroyed two tanks and a depot.", "Other", "Other", ""),
        # The participle with its count is a death; after "for" it is what someone is blamed for,
        # and "killing one of" counts a part of a group, not the dead.
        ("Gunmen raided the farm, killing 40 people.", "Battles", "Armed clash", "killing 40"),
        ("He was jailed for killing 40 people.", "Other", "Other", ""),
        ("The group confirmed killing one of its commanders.", "Other", "Other", ""),
        # An attack repelled was fought; one foiled may have been stopped before any violence.
        ("Police repelled an attack on the border post.", "Battles", "Armed clash", "repelled an attack"),
        ("The garrison beat back a night assault.", "Battles", "Armed clash", "beat back a night assault"),
        ("Police foiled an attack on the border post.", "Other", "Other", ""),
        # A building stormed is raided, not territory taken; a post of armed men raided is a battle.
        ("Gunmen stormed a police station at dawn.", "Battles", "Armed clash", "stormed a police station"),
        ("Thieves broke into the bank at dawn.", "Other", "Other", ""),
        ("Rebels stormed the town at dawn.", "Battles", "Non-state actor overtakes territory", "stormed"),
        # A village stormed is raided (where civilians live), and what was done there types it.
        ("Bandits stormed a hamlet at dawn.", "Violence against civilians", "Attack", "stormed a hamlet"),
        (
            "Militants stormed the village of Dogo, abducting nine girls.",
            "Violence against civilians",
            "Abduction/forced disappearance",
            "abducting",
        ),
        # The police named for the crowds they control is no riot.
        ("Riot police guarded the bridge.", "Other", "Other", ""),
        ("Riots broke out in the camp.", "Riots", "Violent demonstration", "Riots"),
        # A protest's crowd that stones or attacks someone riots; one that only gathers protests.
        ("Protesters pelted the governor's car.", "Riots", "Violent demonstration", "Protesters pelted"),
        ("Rock-throwing youths blocked the road.", "Riots", "Violent demonstration", "Rock-throwing youths"),
        ("Demonstrators gathered at the governor's office.", "Protests", "Peaceful protest", "Demonstrators"),
        # Drones that struck a place struck it from the air, as jets do.
        ("Two drones hit the depot at dawn.", "Explosions/Remote violence", "Air/drone strike", "drones hit"),
        # Armed men against the places where civilians live and gather: violence against civilians;
        # against a post of armed men, active or passive: a battle. Not a village's own defenders.
        ("Bandits raided two hamlets at dawn.", "Violence against civilians", "Attack", "raided two hamlets"),
        ("A mosque by a river was attacked.", "Violence against civilians", "Attack", "mosque by a river was attacked"),
        ("Rebels attacked an army position at dawn.", "Battles", "Armed clash", "attacked an army position"),
        ("The border checkpoint was attacked at dawn.", "Battles", "Armed clash", "checkpoint was attacked"),
        ("Rebels attacked the village's militia at dawn.", "Other", "Other", ""),
        ("Troops massacred dozens of villagers.", "Violence against civilians", "Attack", "massacred"),
        # A town may be held by armed men: attacked, a battle unless other words type it (generic).
        ("Insurgents attacked the town at dawn.", "Battles", "Armed clash", "attacked the town"),
        ("Vandals attacked the town hall.", "Other", "Other", ""),
        (
            "Bandits launched an attack on two villages.",
            "Violence against civilians",
            "Attack",
            "launched an attack on two villages",
        ),
        ("Rebels launched an attack on the city.", "Battles", "Armed clash", "launched an attack on the city"),
    ],
)
def test_classify(sentence: str, event_type: str, sub_type: str, trigger: str) -> None:
    assert classify(sentence) == (event_type, sub_type, trigger)
    if trigger:
        assert trigger in sentence


def test_classify_protested() -> None:
    assert classify("Thousands protested in Istanbul on Sunday.")[0] == "Protests"


def test_lexicon_is_ordered_by_priority() -> None:
    rules = load_lexicon()
    assert rules and [r.priority for r in rules] == sorted(r.priority for r in rules)
    assert {r.event_type for r in rules} >= {
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
    }


PUBLISHED = date(2020, 3, 4)


def run_one(pipeline, text: str, published: date = PUBLISHED) -> pd.DataFrame:
    article = Article(text=text, title="t", published=published)
    events = pipeline.run([article]).events
    for r in events.to_dict("records"):
        assert text[r[S.EXCERPT_START] : r[S.EXCERPT_END]] == r[S.EXCERPT]
        assert text[r[S.TOPONYM_START] : r[S.TOPONYM_END]] == r[S.TOPONYM]
        if pd.notna(r[S.TRIGGER_START]):
            assert text[r[S.TRIGGER_START] : r[S.TRIGGER_END]] == r[S.TRIGGER]
        else:
            assert pd.isna(r[S.TRIGGER_END])
    return events


def test_future_meeting(pipeline) -> None:
    ev = run_one(pipeline, "Erdoğan will meet Putin in Moscow on Thursday.")
    assert len(ev) == 1
    r = ev.iloc[0]
    assert (r[S.TOPONYM], r[S.COUNTRY_CODE], r[S.EVENT_TYPE]) == ("Moscow", "RU", "Diplomacy")
    assert r[S.IS_FUTURE]
    assert r[S.EVENT_DATE] == pd.Timestamp("2020-03-05")
    assert (r[S.ACTOR1], r[S.ACTOR2]) == ("Erdoğan", "Putin")
    assert not r[S.PUBLISHED_INFERRED]


def test_airstrike_with_deaths_and_relative_date(pipeline) -> None:
    ev = run_one(pipeline, "Russian jets struck Saraqib yesterday, killing 12 civilians.")
    assert len(ev) == 1
    r = ev.iloc[0]
    assert (r[S.TOPONYM], r[S.COUNTRY_CODE]) == ("Saraqib", "SY")
    assert r[S.EVENT_TYPE] == "Explosions/Remote violence"
    assert r[S.FATALITIES] == 12
    assert r[S.EVENT_DATE] == pd.Timestamp("2020-03-03") and r[S.DATE_PRECISION] == "day"
    assert r[S.DATE_SOURCE] == "sentence"
    assert r[S.ACTOR1] == "Military Forces of Russia"
    assert not r[S.IS_FUTURE]


def test_actors_are_normalised(pipeline) -> None:
    ev = run_one(pipeline, "Turkish forces shelled regime positions near Saraqib on Monday.")
    assert len(ev) == 1
    r = ev.iloc[0]
    assert r[S.ACTOR1] == "Military Forces of Turkey"
    assert r[S.ACTOR2] == "Military Forces of Syria (2000-)"
    assert r[S.EVENT_DATE] == pd.Timestamp("2020-03-02")


def test_country_beside_a_town_is_context(pipeline) -> None:
    ev = run_one(pipeline, "Regime forces shelled Idlib, Syria, on Tuesday.")
    assert ev[S.TOPONYM].tolist() == ["Idlib"]
    assert ev[S.GEO_PRECISION].tolist() == [1]


def test_sentence_without_a_date_takes_the_publication_date(pipeline) -> None:
    ev = run_one(pipeline, "Clashes broke out in Aleppo, Syria.")
    assert ev[S.EVENT_DATE].tolist() == [pd.Timestamp(PUBLISHED)]
    assert ev[S.DATE_SOURCE].tolist() == ["published"]


def test_base_form_without_the_lemmatizer(nlp) -> None:
    from dashboard.nlp import base_form

    doc = nlp("The deals were planned and the officials said the towns announced it.")
    forms = {t.text: base_form(t) for t in doc}
    assert forms["deals"] == "deal" and forms["planned"] == "plan" and forms["said"] == "say"
    assert forms["towns"] == "town" and forms["announced"] == "announce"


def test_a_place_naming_a_deal_does_not_locate_an_airstrike(pipeline) -> None:
    ev = run_one(
        pipeline,
        "Following a regime airstrike on Turkish forces in Idlib that killed 36 troops, Turkey "
        "launched an operation to push Assad forces behind the lines specified in the Sochi deal.",
    )
    assert ev[S.LOCATION].tolist() == ["Idlib"]
    assert ev[S.FATALITIES].tolist() == [36]


def test_deaths_in_general_terms_take_the_attack_type_next_door(pipeline) -> None:
    text = (
        "Russian warplanes bombed Saraqib in Idlib province on Monday. "
        "At least 12 people were killed in Saraqib, a monitor said."
    )
    ev = run_one(pipeline, text)
    killed = ev[ev[S.FATALITIES] == 12]
    assert len(killed) == 1
    assert killed.iloc[0][S.SUB_EVENT_TYPE] == "Air/drone strike"
    assert killed.iloc[0][S.TRIGGER] == "killed", "the trigger stays the words of its own sentence"
    assert killed.iloc[0][S.TRIGGER_START] == text.index("killed"), "and its span"


def test_a_toll_without_a_place_continues_the_located_sentence(pipeline) -> None:
    text = "Regime artillery shelled Saraqib on Monday. At least 7 civilians were killed, rescuers said."
    ev = run_one(pipeline, text)
    toll = ev[ev[S.FATALITIES] == 7]
    assert len(toll) == 1
    assert len(ev[ev[S.RECORD_KIND] == "event"]) == 1, "the shelling and its toll are one event"
    r = toll.iloc[0]
    assert r[S.EXCERPT] == text, "the excerpt quotes the sentence naming the place and the one with the toll"
    assert r[S.TOPONYM] == "Saraqib"
    assert r[S.TOPONYM_START] < text.index("At least"), "the place comes from the sentence before"
    spans = json.loads(r[S.EVIDENCE])
    assert [0, text.index(" At least")] in spans, "the sentence naming the place is evidence of the event"


def test_a_country_level_strike_takes_the_town_the_next_sentence_names(pipeline) -> None:
    text = (
        "Air strikes killed 12 people in northwest Syria on Tuesday. "
        "The strikes hit a market in Saraqib, residents said."
    )
    ev = run_one(pipeline, text)
    strike = ev[ev[S.FATALITIES] == 12]
    assert len(strike) == 1
    r = strike.iloc[0]
    assert r[S.TOPONYM] == "Saraqib" and r[S.COUNTRY_CODE] == "SY" and r[S.GEO_PRECISION] == 1
    assert r[S.EXCERPT] == text, "the excerpt quotes the sentence that names the town"


def test_a_toll_in_another_paragraph_is_not_placed(pipeline) -> None:
    text = (
        "Activists said at least 23 people were killed overnight by a missile.\n\n"
        "The missile hit a market in Saraqib, they said."
    )
    ev = run_one(pipeline, text)
    assert not (ev[S.FATALITIES] == 23).any()


def test_a_lead_toll_before_any_place_takes_the_town_the_next_sentences_name(pipeline) -> None:
    text = (
        "Activists said at least 23 people were killed overnight by a missile. "
        "The activists spoke to reporters by phone. "
        "The missile hit a market in Saraqib, they said."
    )
    ev = run_one(pipeline, text)
    toll = ev[ev[S.FATALITIES] == 23]
    assert len(toll) == 1
    r = toll.iloc[0]
    assert r[S.TOPONYM] == "Saraqib" and r[S.COUNTRY_CODE] == "SY"
    assert r[S.EXCERPT] == text, "the excerpt runs from the toll to the sentence naming the place"


def test_a_country_level_strike_looks_a_few_sentences_ahead(pipeline) -> None:
    text = (
        "Air strikes killed 12 people in northwest Syria on Tuesday. "
        "Rescuers worked through the night. "
        "The strikes hit a market in Saraqib, residents said."
    )
    strike = run_one(pipeline, text)
    strike = strike[strike[S.FATALITIES] == 12]
    assert strike[S.TOPONYM].tolist() == ["Saraqib"]


@pytest.mark.parametrize(
    "sentence, sub_type",
    [
        ("Army shelling and air strikes killed nine people in Binnish.", "Shelling/artillery/missile attack"),
        ("Air strikes and shelling killed nine people in Binnish.", "Air/drone strike"),
        ("Mortars, rockets or barrel bombs hit the town every day.", "Shelling/artillery/missile attack"),
        ("Nine died under army artillery fire and air strikes in Binnish.", "Shelling/artillery/missile attack"),
        # Not coordinated: the jets struck, the shelling is another clause's.
        ("After the shelling stopped, jets struck the market.", "Air/drone strike"),
    ],
)
def test_two_means_named_together_type_the_event_by_the_first(sentence: str, sub_type: str) -> None:
    from dashboard.events.lexicon import classify_rule, first_means

    rules = load_lexicon()
    rule, trigger = first_means(sentence, *classify_rule(sentence, rules), rules)
    assert rule is not None and rule.sub_event_type == sub_type
    assert trigger and trigger in sentence


@pytest.mark.parametrize(
    "sentence, sub_type",
    [
        ("Army units backed by Russian air strikes retook two hills near the town.", "Government regains territory"),
        ("Rebels, supported by mortar fire, stormed the checkpoint at dawn.", "Non-state actor overtakes territory"),
        # Only the help is named: the means stays the event's.
        ("Under the cover of heavy shelling, the column moved on.", "Shelling/artillery/missile attack"),
        ("Air strikes hit the market as troops advanced.", "Air/drone strike"),
        # "with support of", with or without its article.
        ("Troops retook the hill with support of allied jets.", "Government regains territory"),
    ],
)
def test_the_means_a_support_phrase_names_does_not_type_the_event(sentence: str, sub_type: str) -> None:
    from dashboard.events.lexicon import classify_rule, past_support

    rules = load_lexicon()
    rule, trigger = past_support(sentence, *classify_rule(sentence, rules), rules)
    assert rule is not None and rule.sub_event_type == sub_type
    assert trigger and trigger in sentence


def test_support_phrase_is_switchable(pipeline) -> None:
    text = "Army units backed by Russian air strikes retook the village of Tell Hawash in Hama countryside on Monday."
    assert run_one(pipeline, text)[S.EVENT_TYPE].tolist() == ["Battles"]
    off = dataclasses.replace(pipeline, switches=Switches.parse("types.support_phrase"))
    assert run_one(off, text)[S.SUB_EVENT_TYPE].tolist() == ["Air/drone strike"]


def test_first_means_is_switchable(pipeline) -> None:
    text = "Army shelling and air strikes killed nine people in Binnish on Monday."
    assert run_one(pipeline, text)[S.SUB_EVENT_TYPE].tolist() == ["Shelling/artillery/missile attack"]
    off = dataclasses.replace(pipeline, switches=Switches.parse("types.first_means"))
    assert run_one(off, text)[S.SUB_EVENT_TYPE].tolist() == ["Air/drone strike"]


@pytest.mark.parametrize(
    "sentence, other_time",
    [
        ("Rockets hit the town in August 2013.", True),
        ("The town fell to the rebels in 2014.", True),
        ("Shelling hit the town on Sunday.", False),
        ("Shelling hit the town on May 1.", False),
        ("Shelling hit the town.", False),
    ],
)
def test_a_sentence_dated_over_a_month_before_the_article_is_set_in_another_time(
    sentence: str, other_time: bool
) -> None:
    from types import SimpleNamespace

    from dashboard.events.where import set_in_another_time

    assert set_in_another_time(SimpleNamespace(text=sentence), date(2017, 5, 3)) is other_time
    assert set_in_another_time(SimpleNamespace(text=sentence), None) is False


def test_a_country_level_strike_does_not_take_the_town_of_a_past_event_recalled_next(pipeline) -> None:
    text = (
        "Air strikes killed 12 people in northwest Syria on Tuesday. "
        "It was the worst raid since barrel bombs hit a bakery in Saraqib in March 2014. "
        "The strikes hit a market in Binnish, residents said."
    )
    article = Article(text=text, title="t", published=date(2017, 5, 3))
    strike = pipeline.run([article]).events
    assert strike[strike[S.FATALITIES] == 12][S.TOPONYM].tolist() == ["Binnish"]
    off = dataclasses.replace(pipeline, switches=Switches.parse("location.same_time_next"))
    strike = off.run([article]).events
    assert strike[strike[S.FATALITIES] == 12][S.TOPONYM].tolist() == ["Saraqib"]


def test_a_toll_sentence_six_sentences_from_any_place_is_not_placed(pipeline) -> None:
    text = (
        "Activists said at least 23 people were killed overnight by a missile. "
        "The activists spoke to reporters by phone. It was raining. Rescuers arrived late. "
        "Nobody slept. The night was long. "
        "The missile hit a market in Saraqib, they said."
    )
    ev = run_one(pipeline, text)
    assert not (ev[S.FATALITIES] == 23).any()


def test_a_place_naming_an_actors_base_is_not_the_site(pipeline) -> None:
    ev = run_one(pipeline, "The London-based monitor said soldiers were executed.")
    assert ev.empty or not (ev[S.TOPONYM] == "London").any()


@pytest.mark.parametrize(
    "text, place",
    [
        ("Russian jets targeted positions in the southern parts of Aleppo city in northern Syria.", "Aleppo"),
        ("Militants detonated mines in cellars under Aleppo early on Friday.", "Aleppo"),
    ],
)
def test_site_nouns_and_more_prepositions_place_the_event(pipeline, text: str, place: str) -> None:
    ev = run_one(pipeline, text)
    assert ev[S.TOPONYM].tolist() == [place]


@pytest.mark.parametrize(
    "sentence, sub_type",
    [
        ("US strikes on the town killed 50 fighters.", "Air/drone strike"),
        ("Coalition raids on the city continued.", "Air/drone strike"),
        ("Warplanes pounded the town.", "Air/drone strike"),
        ("An air force bombardment levelled the market.", "Air/drone strike"),
        ("Air force raids resumed at dawn.", "Air/drone strike"),
        ("Jets of the government destroyed the bridge.", "Air/drone strike"),
        ("Helicopters dropped barrels on the hill villages.", "Air/drone strike"),
        # The air forces of these wars strike from the air; so do bombers that are aircraft.
        ("The coalition bombed a bridge over the river at dawn.", "Air/drone strike"),
        ("Russia has struck the outskirts of the town twice this week.", "Air/drone strike"),
        ("Four long-range bombers hit depots south of the city.", "Air/drone strike"),
        ("Two Su-34 bombers raided the hills.", "Air/drone strike"),
    ],
)
def test_strikes_and_raids_are_air_strikes(sentence: str, sub_type: str) -> None:
    assert classify(sentence)[1] == sub_type


@pytest.mark.parametrize(
    "sentence, sub_type",
    [
        ("Russia struck a deal with Ankara over the border crossing.", "Agreement"),
        ("Suicide bombers struck a checkpoint at the edge of the town.", "Suicide bomb"),
    ],
)
def test_struck_deals_and_suicide_bombers_are_no_air_strikes(sentence: str, sub_type: str) -> None:
    assert classify(sentence)[1] == sub_type


@pytest.mark.parametrize(
    "sentence, sub_type",
    [
        ("The navy fired missile strikes on a fuel depot near the port.", "Shelling/artillery/missile attack"),
        ("Rocket strikes hit the outskirts of the town overnight.", "Shelling/artillery/missile attack"),
        ("Artillery strikes in the valley killed two shepherds.", "Shelling/artillery/missile attack"),
        ("Drone strikes on the convoy killed four.", "Air/drone strike"),
        ("Fresh strikes on the town killed four.", "Air/drone strike"),
    ],
)
def test_missile_rocket_and_artillery_strikes_are_not_air_strikes(sentence: str, sub_type: str) -> None:
    assert classify(sentence)[1] == sub_type


@pytest.mark.parametrize(
    "text",
    [
        "BEIRUT (AFP) - Air strikes killed 22 people in Saraqib on Wednesday.",
        "BEIRUT Air strikes killed 22 people in Saraqib on Wednesday.",
    ],
)
def test_a_dateline_is_where_the_reporter_files_from(pipeline, text: str) -> None:
    ev = run_one(pipeline, text)
    assert ev[S.TOPONYM].tolist() == ["Saraqib"]


def test_the_lead_takes_the_most_specific_place_ahead(pipeline) -> None:
    text = (
        "At least 23 militants were killed in clashes, the monitor said. "
        "The clashes raged around Saraqib in Idlib province."
    )
    ev = run_one(pipeline, text)
    assert ev[ev[S.FATALITIES] == 23][S.TOPONYM].tolist() == ["Saraqib"]


def _chosen(nlp, gazetteer, sentence: str, trigger: str) -> str | None:
    from dashboard.events.where import choose_event_location
    from dashboard.geo.geocoder import GazetteerGeocoder
    from dashboard.geo.toponyms import recognize, resolve, unplace_fallbacks

    doc = nlp(sentence)
    # As `eval event-location` and the pipeline take them.
    tops = unplace_fallbacks(
        resolve(recognize(doc, gazetteer, keep_unknown=True), GazetteerGeocoder(gazetteer), gazetteer, text=sentence)
    )
    start = sentence.index(trigger)
    sent = next(s for s in doc.sents if s.start_char <= start < s.end_char)
    chosen = choose_event_location(sent, start, tops)
    return chosen.text if chosen else None


@pytest.mark.parametrize(
    "sentence, trigger, place",
    [
        # The place closest to the trigger in the parse wins over a more specific one further down.
        (
            "He was captured last December with other fighters in Afghanistan, far from his home in "
            "San Francisco's suburbs.",
            "captured",
            "Afghanistan",
        ),
        # A landmark a distance is measured from is not the site.
        (
            "In a separate attack in Abu Qurqas, 25 kilometers north of Mallawi, attackers shot a night watchman.",
            "shot",
            "Abu Qurqas",
        ),
        # The name an "of" phrase completes takes that noun's role.
        ("Soldiers patrolled the streets of Bucharest on Monday.", "patrolled", "Bucharest"),
        # A passive subject is a victim before it is a site.
        ("Harlan was captured and spent 12 years in jail in Beijing.", "captured", "Beijing"),
    ],
)
def test_event_location_rules(nlp, gazetteer, sentence: str, trigger: str, place: str) -> None:
    assert _chosen(nlp, gazetteer, sentence, trigger) == place


@pytest.mark.parametrize(
    "sentence, trigger, place",
    [
        # A destination is not where the event happened.
        ("Many prisoners are captured and held for days elsewhere before being moved to Bagram.", "captured", None),
        # A country modifying a noun says whose it is: the embassy stands in London.
        ("About 200 people demonstrated outside the French embassy in London on Monday.", "demonstrated", "London"),
        # An unresolved nationality or faith is not a place.
        ("Palestinian gunmen shot at cars in a Jewish quarter in Jerusalem.", "shot", "Jerusalem"),
        # A possessor inside the object of the trigger's verb is where it happened.
        (
            "Dozens of armed police patrolled the streets of Abidjan's poorer neighborhoods before the vote.",
            "patrolled",
            "Abidjan",
        ),
        # A place outside the trigger's own clause still places it when nothing else does.
        (
            "Shelling hit a tram in Donetsk on Monday killing 5 people and wounding about 11, an official said.",
            "killing",
            "Donetsk",
        ),
        # A village the model does not tag, named by its kind-of-place word.
        ("14 gunmen were killed during fighting with the army units in Allok village.", "killed", "Allok"),
    ],
)
def test_event_location_phrases(nlp, gazetteer, sentence: str, trigger: str, place: str | None) -> None:
    assert _chosen(nlp, gazetteer, sentence, trigger) == place


def test_no_locative_place_means_no_event_location(nlp, gazetteer) -> None:
    assert _chosen(nlp, gazetteer, "Turkey condemned the attack.", "attack") is None


def test_a_country_far_down_the_tree_does_not_place_the_event(nlp, gazetteer) -> None:
    sentence = (
        "The man was shot on Monday by gunmen who had fought for years against the army of the government in Mali."
    )
    assert _chosen(nlp, gazetteer, sentence, "shot") is None


def test_a_part_of_a_country_far_down_the_tree_still_places_the_event(nlp, gazetteer) -> None:
    sentence = "A roadside bomb struck a van in southern Afghanistan on Friday, killing four farmers."
    assert _chosen(nlp, gazetteer, sentence, "killing") == "Afghanistan"


def test_at_equal_depth_the_most_specific_place_wins(nlp, gazetteer) -> None:
    assert _chosen(nlp, gazetteer, "Fighting raged in Idlib province and Saraqib on Monday.", "Fighting") == "Saraqib"


def test_a_landmark_alone_does_not_place_the_event(nlp, gazetteer) -> None:
    assert _chosen(nlp, gazetteer, "Gunmen shot a guard in a village 30 kilometers north of Mallawi.", "shot") is None


def test_a_place_naming_an_actors_base_without_its_hyphen(pipeline) -> None:
    ev = run_one(pipeline, "Clashes broke out on Monday, the London based monitor said.")
    assert "London" not in ev[S.TOPONYM].tolist()


@pytest.mark.parametrize(
    "sentence, sub_type",
    [
        ("An Islamic State counteroffensive has left 40 government soldiers dead.", "Armed clash"),
        ("Three fighters were martyred.", "Armed clash"),
    ],
)
def test_more_lethal_phrasings_are_violent(sentence: str, sub_type: str) -> None:
    assert classify(sentence)[1] == sub_type


def test_a_toll_does_not_continue_a_sentence_of_another_paragraph(pipeline) -> None:
    ev = run_one(
        pipeline, "Regime artillery shelled Saraqib on Monday.\n\nAt least 7 civilians were killed, rescuers said."
    )
    assert not (ev[S.FATALITIES] == 7).any()


@pytest.mark.parametrize(
    "sentence, trigger, place",
    [
        ("Soldiers entered Jenin, where they shot two men on Sunday.", "shot", "Jenin"),
        ("The army shelled Douma, where rebels killed two soldiers.", "killed", "Douma"),
    ],
)
def test_a_where_clause_happens_in_the_place_it_describes(
    nlp, gazetteer, sentence: str, trigger: str, place: str
) -> None:
    assert _chosen(nlp, gazetteer, sentence, trigger) == place


# -- a place that acts, or hosts talk, is not the site of violence -----------------------------------


@pytest.mark.parametrize(
    "text, site",
    [
        # A country that modifies the attack is the attacker; the town is the site.
        ("At least 22 people were killed in U.S. air strikes on Raqqa in Syria.", "Raqqa"),
        ("Six civilians were killed in US airstrikes on Saraqib in northern Syria.", "Saraqib"),
        # Said, confirmed or reported somewhere: not where the strikes fell.
        ("In Washington officials confirmed five US strikes against fighters in Aleppo province.", "Aleppo"),
        # Where talks are held is not where the bombs fall.
        ("The shelling of Douma came as peace talks entered a third day in the Kazakh capital Astana.", "Douma"),
    ],
)
def test_the_site_of_violence_not_the_actor_or_the_talks(pipeline, text: str, site: str) -> None:
    ev = run_one(pipeline, text)
    violent = ev[ev[S.EVENT_TYPE].isin(["Battles", "Explosions/Remote violence", "Violence against civilians"])]
    assert violent[S.TOPONYM].tolist() == [site]


@pytest.mark.parametrize(
    "text, place",
    [
        ("Apparently the shelling was staged by ISIS (banned in Russia).", "Russia"),
        ("A watchdog based in the UK reported that air raids killed 15 people.", "UK"),
        ("Washington has blamed the regime for the chemical attack that killed 80 people.", "Washington"),
        ("The attack killed 12 as the Security Council held an emergency meeting in New York.", "New York"),
    ],
)
def test_a_place_that_acts_bans_or_meets_does_not_locate_violence(pipeline, text: str, place: str) -> None:
    ev = run_one(pipeline, text)
    assert ev.empty or not (ev[S.TOPONYM] == place).any()


def test_talks_still_take_place_where_they_are_held(pipeline) -> None:
    ev = run_one(pipeline, "Peace talks between the rivals opened in Astana on Monday.")
    assert "Astana" in ev[S.TOPONYM].tolist()


def test_tree_distance_counts_arcs_through_the_common_head(nlp) -> None:
    from dashboard.events.where import _tree_distance

    doc = nlp("Shelling hit a tram in Donetsk on Monday killing 5 people.")
    donetsk, killing = doc[5], doc[8]
    assert donetsk.text == "Donetsk" and killing.text == "killing"
    assert _tree_distance(donetsk, killing) == _tree_distance(killing, donetsk) == 3  # in → hit → killing
    assert _tree_distance(donetsk, donetsk) == 0


def test_a_typed_event_is_placed_where_its_trigger_is_not_at_every_town_named(pipeline) -> None:
    # The sentence names two towns; the shelling happened in the one its verb governs.
    out = run_one(
        pipeline, "Regime forces shelled Kafr Nabl on Monday as rebels in Maarat al-Numan regrouped, killing four."
    )
    assert list(out[S.TOPONYM]) == ["Kafr Nabl"]
    # With no place tied to the trigger by the parse, the sentence's places still locate it.
    out = run_one(pipeline, "The bombardment of Douma killed nine people on Monday.")
    assert list(out[S.TOPONYM]) == ["Douma"]


@pytest.mark.parametrize(
    "sentence, name, acting",
    [
        ("The strike prompted Washington to take military action with missile strikes.", "Washington", True),
        ("The dispute has placed Paris and Moscow at loggerheads over the drone strikes.", "Moscow", True),
        ("The minister was calling on Washington to speak out on the airstrike.", "Washington", True),
        ("Rebels pounded Damascus with mortars, killing four.", "Damascus", False),
    ],
)
def test_a_state_addressed_or_accused_is_an_actor_not_a_site(
    nlp, gazetteer, sentence: str, name: str, acting: bool
) -> None:
    from dashboard.events.nonsites import acts
    from dashboard.geo.geocoder import GazetteerGeocoder
    from dashboard.geo.toponyms import geoparse

    doc = nlp(sentence)
    (t,) = [t for t in geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer) if t.text == name]
    assert acts(next(iter(doc.sents)), t) is acting


def test_a_name_that_speaks_is_not_the_site_of_violence(nlp, gazetteer) -> None:
    from dashboard.events.where import event_places
    from dashboard.geo.toponyms import Toponym

    doc = nlp("Around 15 young men were killed, Youkhana reported.")
    sent = next(iter(doc.sents))
    start = doc.text.index("Youkhana")
    # However the gazetteer resolves the name (an alternate name of a German village), a speaker is no site.
    place = gazetteer.lookup("Aleppo")[0]
    t = Toponym(start, start + len("Youkhana"), "Youkhana", "GPE", place=place)
    assert event_places(sent, [t], violent=True) == []
    assert event_places(sent, [t], violent=False) == [t], "a speaker may still be where a statement is made"


# -- far-away sites of violence: talks, reports, attributions, regions ------------------------------

VIOLENT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians"]


def violent_places(pipeline, text: str) -> list[str]:
    ev = run_one(pipeline, text)
    return ev[ev[S.EVENT_TYPE].isin(VIOLENT_TYPES)][S.TOPONYM].tolist() if len(ev) else []


def test_a_headline_attribution_is_not_the_site(pipeline) -> None:
    # "… - Moscow" ends a headline: who says it, not where the missiles fell.
    text = "Rocket Fire on Border Town Meant to Distract From Mosul Losses - Moscow"
    assert "Moscow" not in violent_places(pipeline, text)


@pytest.mark.parametrize(
    "text, place",
    [
        (
            "Speaking in Moscow after meeting the ministers, he condemned an attack on a school in west Aleppo "
            "that killed six children.",
            "Moscow",
        ),
        (
            "The watchdog, in a paper issued in New York on Monday, said the gas attack killed over 900 people.",
            "New York",
        ),
    ],
)
def test_where_words_are_spoken_or_published_is_not_the_site(pipeline, text: str, place: str) -> None:
    assert place not in violent_places(pipeline, text)


def test_a_toll_does_not_inherit_the_place_of_talks(pipeline) -> None:
    text = (
        "Putin is set to face Western pressure at international talks in Berlin on Wednesday. "
        "Russian airstrikes have killed hundreds of villagers since 2016."
    )
    assert "Berlin" not in violent_places(pipeline, text)


@pytest.mark.parametrize(
    "sentence, name, away",
    [
        ("The MP called for rallies at its London embassy over the airstrikes on Homs.", "London", True),
        ("The Astana talks opened as airstrikes hit Idlib.", "Astana", True),
        # A building that is also a meeting noun is a site when the act hits it.
        ("Two suicide bombers killed 30 people at the main court in Homs on Wednesday.", "Homs", False),
        ("Gunmen stormed the embassy in Tripoli on Wednesday, killing two guards.", "Tripoli", False),
        ("A court in Homs sentenced the men on Wednesday after the bombing of the market.", "Homs", True),
        # Words aimed at a state are not a site in it; strikes aimed at it still are.
        ("The envoy aimed a jab at the United States over the raids on civilians on Monday.", "United States", True),
        # A name before a noun that only leads to a meeting word ("Damascus countryside Al-Alam News
        # Network") is not that meeting's.
        (
            "Army units managed to kill 22 gunmen in an ambush in Eastern Ghouta in Damascus "
            "countryside Al-Alam News Network reports.",
            "Damascus",
            False,
        ),
    ],
)
def test_meetings_embassies_and_words_aimed_at_a_state_are_elsewhere(
    nlp, gazetteer, sentence: str, name: str, away: bool
) -> None:
    from dashboard.events.nonsites import elsewhere
    from dashboard.geo.geocoder import GazetteerGeocoder
    from dashboard.geo.toponyms import geoparse

    doc = nlp(sentence)
    (t,) = [t for t in geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer) if t.text == name]
    assert elsewhere(next(iter(doc.sents)), t) is away


def test_a_lead_toll_does_not_take_the_place_a_report_was_issued_in(pipeline) -> None:
    text = (
        "Evidence suggests a poison gas attack killed more than 1400 people. "
        "The group said in a report issued in New York that it had reached its conclusion."
    )
    assert "New York" not in violent_places(pipeline, text)


def test_a_region_across_countries_is_no_site_but_one_inside_a_country_is(gazetteer) -> None:
    from dashboard.events.nonsites import spans_countries

    assert spans_countries(gazetteer.lookup("Europe")[0])
    assert spans_countries(next(p for p in gazetteer.lookup("Arabian Peninsula") if p.feature_code == "RGN"))
    assert not spans_countries(next(p for p in gazetteer.lookup("Golan Heights") if p.feature_code == "RGN"))
    assert not spans_countries(gazetteer.lookup("Syria")[0])


def test_talks_as_the_subject_of_a_subordinate_clause_however_parsed(pipeline) -> None:
    # The parser makes "war" the subject of "entered"; the clause after "as" is about the talks.
    text = (
        "The shelling came as a new round of peace talks to end the long war entered a "
        "third day in the Kazakh capital Astana."
    )
    assert "Astana" not in violent_places(pipeline, text)
    # A finite verb closes the clause: the air strikes after it are not the talks' clause.
    assert "Idlib" in violent_places(pipeline, "As talks continued, air strikes hit Idlib, killing five.")


@pytest.mark.parametrize(
    "sentence, name, acting",
    [
        (
            "The coalition joins rebels with the Nusra Front and Moscow has often demanded that it "
            "be dissolved to allow air strikes.",
            "Moscow",
            True,
        ),
        ("Attacks in Damascus have killed four people.", "Damascus", False),
    ],
)
def test_a_capital_before_an_active_auxiliary_is_its_subject(
    nlp, gazetteer, sentence: str, name: str, acting: bool
) -> None:
    from dashboard.events.nonsites import acts
    from dashboard.geo.geocoder import GazetteerGeocoder
    from dashboard.geo.toponyms import geoparse

    doc = nlp(sentence)
    (t,) = [t for t in geoparse(doc, GazetteerGeocoder(gazetteer), gazetteer) if t.text == name]
    assert acts(next(iter(doc.sents)), t) is acting


def test_the_dateline_does_not_date_the_headline_event(pipeline) -> None:
    # The article opens with its publication date; the headline's own "on Monday" dates the shelling.
    text = "Published March 4 2020 Government shelling killed six people in Saraqib on Monday."
    ev = run_one(pipeline, text)
    assert list(ev[S.EVENT_DATE].astype(str).str[:10]) == ["2020-03-02"]
    off = run_one(dataclasses.replace(pipeline, switches=Switches.parse("dates.dateline_not_event")), text)
    assert list(off[S.EVENT_DATE].astype(str).str[:10]) == ["2020-03-04"]


def test_a_wire_datelines_day_does_not_date_the_first_sentences_event(pipeline) -> None:
    # Filed on Wednesday 4 March; the shelling it reports was on the Tuesday before.
    text = "ALEPPO, March 4 (Newswire) - Government shelling killed six people in Saraqib on Tuesday."
    ev = run_one(pipeline, text, published=date(2020, 3, 4))
    assert list(ev[S.EVENT_DATE].astype(str).str[:10]) == ["2020-03-03"]
    off = run_one(dataclasses.replace(pipeline, switches=Switches.parse("dates.wire_dateline")), text, date(2020, 3, 4))
    assert list(off[S.EVENT_DATE].astype(str).str[:10]) == ["2020-03-04"]


@pytest.mark.parametrize("opener", ["In a separate attack,", "Elsewhere,"])
def test_a_toll_set_apart_from_the_act_before_takes_none_of_its_place(pipeline, opener: str) -> None:
    first = "Jets bombed a market in Saraqib on Monday, killing five people."
    text = f"{first} {opener} gunmen killed two farmers on Tuesday."
    ev = run_one(pipeline, text)
    assert list(ev[S.FATALITIES]) == [5], "the farmers' deaths are not at the market's town"
    off = run_one(dataclasses.replace(pipeline, switches=Switches.parse("location.separate_act")), text)
    assert sorted(off[S.FATALITIES]) == [2, 5]


def test_another_attack_on_a_place_just_named_still_takes_its_place(pipeline) -> None:
    text = "Jets bombed the market in Saraqib on Monday, killing five. Another attack killed two people on Tuesday."
    ev = run_one(pipeline, text)
    assert sorted(ev[S.FATALITIES]) == [2, 5] and set(ev[S.TOPONYM]) == {"Saraqib"}


def test_the_capital_of_a_wire_dateline_is_not_the_government_acting(pipeline) -> None:
    # The parse makes the dateline's capital the subject of the first verb; it is where the story was filed.
    text = (
        "DAMASCUS, Syria (Newswire) - Mortar fire killed two children in the town of Douma on Sunday, state media said."
    )
    ev = run_one(pipeline, text)
    assert list(ev[S.ACTOR1]) == ["Unidentified Armed Group (Syria)"]
    off = run_one(dataclasses.replace(pipeline, switches=Switches.parse("actors.not_the_dateline")), text)
    assert list(off[S.ACTOR1]) == ["Military Forces of Syria (2000-)"]


def test_a_kind_of_act_is_no_event_and_names_no_author(pipeline) -> None:
    text = (
        "A suicide bomber blew himself up at a market in Jalalabad on Friday, killing nine people. "
        "Islamic State has carried out such bombings in Nangarhar province."
    )
    ev = run_one(pipeline, text)
    kinds = dict(zip(ev[S.LOCATION], ev[S.RECORD_KIND], strict=True))
    assert kinds == {"Jalālābād": "event", "Nangarhar": "mention"}
    # The group that has done such things before is not thereby the author of this one.
    assert list(ev[ev[S.RECORD_KIND] == "event"][S.ACTOR1]) == ["Unidentified Armed Group (Afghanistan)"]
    off = run_one(dataclasses.replace(pipeline, switches=Switches.parse("mention.kind_of_act")), text)
    assert set(off[S.RECORD_KIND]) == {"event"}


def test_a_similar_act_on_a_named_day_is_an_event(pipeline) -> None:
    text = (
        "Gunmen attacked a checkpoint in Kandahar on Monday, killing three police officers. "
        "A similar attack in Helmand on Sunday killed two soldiers."
    )
    ev = run_one(pipeline, text)
    assert list(ev[S.RECORD_KIND]) == ["event", "event"]


def test_a_peaceful_protest_is_its_crowds_alone(pipeline) -> None:
    # ACLED's interaction 60: what the crowd marches against is no second actor.
    text = "Thousands of protesters marched in Khartoum on Saturday demanding an end to military rule, witnesses said."
    ev = run_one(pipeline, text)
    assert list(ev[S.SUB_EVENT_TYPE]) == ["Peaceful protest"] and list(ev[S.ACTOR2]) == [""]
    assert list(ev[S.INTERACTION]) == [60]
    off = run_one(dataclasses.replace(pipeline, switches=Switches.parse("actors.sole_protest")), text)
    assert list(off[S.ACTOR2]) == ["Military Forces of Sudan"]


def test_civilians_who_died_in_a_town_are_an_event_the_neighbouring_attack_types(pipeline) -> None:
    text = "Jets pounded rebel-held towns east of Damascus on Tuesday. Civilians died in Douma and Harasta."
    ev = run_one(pipeline, text)
    died = ev[ev[S.TOPONYM].isin(["Douma", "Harasta"])]
    assert len(died) == 2 and set(died[S.SUB_EVENT_TYPE]) == {"Air/drone strike"}


def test_deaths_in_custody_or_under_siege_are_not_an_attack(pipeline) -> None:
    ev = run_one(pipeline, "Two detainees died in custody in Damascus last week, a rights group said.")
    assert not (ev[S.RECORD_KIND] == "event").any()


def test_mortar_rounds_are_not_a_round_of_talks(pipeline) -> None:
    ev = run_one(pipeline, "Mortar rounds landed in Damascus on Friday, injuring a guard.")
    shelling = ev[ev[S.RECORD_KIND] == "event"]
    assert list(shelling[S.SUB_EVENT_TYPE]) == ["Shelling/artillery/missile attack"]
    assert list(shelling[S.TOPONYM]) == ["Damascus"]


@pytest.mark.parametrize(
    "sentence, sub_type",
    [
        # A named place freed "from" its holders is ground taken back.
        ("The army freed Umm Hawsh from the militants at dawn.", "Government regains territory"),
        ("Troops freed the town of Tell Sirin from jihadist fighters.", "Government regains territory"),
        # People freed from prison or captivity are released, not ground taken.
        ("The militia freed Omar Haddad from prison last week.", "Other"),
        ("The group freed two aid workers from captivity.", "Other"),
    ],
)
def test_a_place_freed_from_its_holders_is_ground_retaken(sentence: str, sub_type: str) -> None:
    assert classify(sentence)[1] == sub_type


def test_an_armed_groups_fire_on_a_district_is_shelling(pipeline) -> None:
    from tests.test_sites import rows_of

    ev = rows_of(pipeline, "Rebel fire on the western districts of Aleppo killed eight people on Thursday.")
    assert ev[S.SUB_EVENT_TYPE].tolist() == ["Shelling/artillery/missile attack"]

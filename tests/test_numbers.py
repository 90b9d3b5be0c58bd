"""Numbers in news text and the death / injury / displacement counts they report."""

from __future__ import annotations

import pytest

from dashboard.events.numbers import displaced, fatalities, injured, parse_number


@pytest.mark.parametrize(
    "text, value",
    [
        ("36", 36),
        ("1,200", 1200),
        ("10.000", 10000),
        ("2.5 million", 2_500_000),
        ("3 thousand", 3000),
        ("two", 2),
        ("twenty-five", 25),
        ("one hundred and twenty", 120),
        ("a million", 1_000_000),
        ("three thousand five hundred", 3500),
        ("dozens", 24),
        ("hundreds", 200),
        ("tens of thousands", 20000),
        ("another", 1),
        ("another two", 2),  # a determiner before a number
        ("banana", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "sentence, value",
    [
        (
            "Following a regime airstrike on Turkish forces in Idlib that killed 36 troops, Turkey launched "
            "Operation Spring Shield.",
            36,
        ),
        ("At least 70 people were killed in the attack.", 70),
        ("at least 70 people were killed", 70),
        ("The death toll rose to 1,200 on Monday.", 1200),
        ("The death toll has risen to 1,200.", 1200),
        ("An airstrike hit the market, killing two civilians.", 2),
        ("Twenty-five people were killed.", 25),
        ("The car bomb killed at least seven people and wounded 20 others.", 7),
        ("The strike killed 3 fighters and 40 civilians died later.", 40),
        ("Gunmen killed a soldier.", 1),
        ("Warplanes killed dozens of civilians.", 24),
        ("The bombing left 12 dead.", 12),
        ("Troops killed 5 militants on March 3, 2020.", 5),
        ("killed 12 people in 2019", 12),
        ("Nine villagers, among them four children, were killed by the shells.", 9),
        ("Seven soldiers, including two officers, died in the ambush.", 7),
        ("The mine went off under a minibus, claiming three lives.", 3),
        ("Four children of one family were killed when the shell hit their home.", 4),
        ("Eleven members of the Liwa al-Haq brigade were killed in the ambush.", 11),
        ("Three fighters from Jaish al-Izza died in the raid on Monday.", 3),
        ("Another child was killed by sniper fire in the old city.", 1),
        ("Six men from the same village died in the ambush.", 6),
        ("Militants executed 12 hostages in the desert.", 12),
        ("Twenty detainees were executed inside the prison.", 20),
        ("The raid killed well over 200 fighters.", 200),
        # The day of a date is no count: the toll after it is.
        ("The death toll of the Azaz bombing on March 9 has passed 60.", 60),
        ("The death toll of the 21 June raid on the camp rose to 33 people.", 33),
        ("A Sept. 4 shelling of the town killed 7 people.", 7),
        # "a total of" qualifies the count; its "a" is no count of one.
        ("The week's raids killed a total of 41 fighters.", 41),
        ("A total of 9 shepherds were killed by the mine.", 9),
        # A lone victim named in the singular, and the passive of "shoot dead", "gun down".
        ("One demonstrator was killed near the bridge.", 1),
        ("A shepherd died when the mine went off.", 1),
        ("Four guards were shot dead at the gate on Sunday.", 4),
        ("Two farmers were gunned down in their field.", 2),
        ("Three passengers were shot and killed at the roadblock.", 3),
    ],
)
def test_fatalities(sentence: str, value: int) -> None:
    count = fatalities(sentence)
    assert count is not None and count.value == value
    assert sentence[count.start : count.end] == count.phrase


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2018 the army killed the leader.",
        "in 2018 the army killed the leader",
        "Since 2019, the army has killed fighters.",
        "Talks in Moscow ended on Thursday.",
        "36 soldiers were wounded in the clash.",
        "In a raid that killed the commander, troops seized the town.",
        "On July 14 people were killed in the square, the opposition said.",
    ],
)
def test_no_fatalities(sentence: str) -> None:
    assert fatalities(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The blast left 12 people injured.",
        "The fighting left 5,000 people homeless.",
        "He left 3 days ago for Ankara.",
    ],
)
def test_left_without_dead_is_not_a_toll(sentence: str) -> None:
    assert fatalities(sentence) is None


def test_have_died() -> None:
    count = fatalities("Over 2,000 civilians have died in the siege.")
    assert count is not None and count.value == 2000
    # The same words with a period after them are a running total (test_running_totals_…).
    assert fatalities("Over 2,000 civilians have died since 2015.") is None


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("According to U.N. figures, nearly a million have been displaced, fleeing the attacks.", 1_000_000),
        ("nearly a million have been displaced", 1_000_000),
        ("300,000 people fled the city.", 300_000),
        ("The offensive ended up displacing 300,000 people.", 300_000),
    ],
)
def test_displaced(sentence: str, value: int) -> None:
    count = displaced(sentence)
    assert count is not None and count.value == value
    assert fatalities(sentence) is None


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("12 people were injured in the blast.", 12),
        ("A blast wounded 12 people.", 12),
        ("The shelling killed two, injuring five.", 5),
        ("The car bomb killed at least seven people and wounded 20 others.", 20),
    ],
)
def test_injured(sentence: str, value: int) -> None:
    count = injured(sentence)
    assert count is not None and count.value == value


def test_no_counts() -> None:
    s = "Turkey is heading to Moscow for a high-level summit on Syria."
    assert fatalities(s) is None and injured(s) is None and displaced(s) is None


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("Death toll from Homs market truck bomb attack at least 93 monitor", 93),
        ("Dozens of villagers have reportedly been killed by coalition air raids", 24),
        ("the death toll rose to two hundred", 200),
        # The event named at length between the toll and its verb.
        ("The death toll from Friday's shelling of the hill villages north of the lake has climbed to 17", 17),
    ],
)
def test_longer_toll_phrasings(sentence: str, value: int) -> None:
    assert fatalities(sentence).value == value


def test_an_article_is_not_a_count() -> None:
    assert fatalities("the death toll of the attack is unclear") is None


@pytest.mark.parametrize(
    "sentence, value",
    [
        # Two groups of victims in one phrase are one toll.
        ("US air strikes killed 50 militants and eight civilians in northern Syria.", 58),
        ("Four men and a boy died when jets bombed a shelter on Friday.", 5),
        ("It said at least 31 militants and 12 tribal militia fighters had been killed.", 43),
        # The whole comes before its part.
        ("At least 14 villagers including three women were killed in shelling.", 14),
        ("At least 9 civilians among them two boys were killed Sunday.", 9),
        # A count beats an estimate in the same sentence.
        ("A chemical attack killed dozens of civilians; the attack on the town killed at least 58 civilians.", 58),
        ("6 citizens killed 22 injured in attacks with shells.", 6),
    ],
)
def test_summed_and_preferred_counts(sentence: str, value: int) -> None:
    count = fatalities(sentence)
    assert count is not None and count.value == value
    assert sentence[count.start : count.end] == count.phrase


def test_a_number_before_injured_is_not_a_death_toll() -> None:
    assert fatalities("Shells killed 22 injured in the market.") is None


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("11-05-2019 Six Civilians Killed 17 Injured in Car Bombing in Homs.", 6),
        ("Seven civilians were martyred on Wednesday as terrorists shelled the town.", 7),
        ("The airstrike claimed the lives of more than ten persons.", 10),
        ("A rocket has claimed lives of nine residents in the town.", 9),
        ("The video shows the killing of two activists.", 2),
        ("She mourned the death of four paramedics in shelling.", 4),
        ("Twelve villagers some of them women killed in shelling.", 12),
        ("3 Iraqis killed 7 Injured in Mortar Attack", 3),
        ("The monitor recorded the deaths of at least 19 people.", 19),
    ],
)
def test_more_toll_phrasings(sentence: str, value: int) -> None:
    count = fatalities(sentence)
    assert count is not None and count.value == value
    assert sentence[count.start : count.end] == count.phrase


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("ISIL terrorists have executed more than 50 Syrian army troops.", 50),
        ("ISIL claims beheading of 18 Syrians.", 18),
        ("A jihadist group crucified nine men.", 9),
        ("Boy killed 6 Villagers Injured in Mortar Attacks", None),
        ("The car bomb killed at least seven people and wounded 20 others.", 7),
    ],
)
def test_executions_and_injured_after_the_verb(sentence: str, value: int | None) -> None:
    count = fatalities(sentence)
    assert (count.value if count else None) == value


@pytest.mark.parametrize(
    "sentence",
    [
        "Foreign jets have killed 3000 civilians since they first deployed in the region two years ago.",
        "The group counted them among more than 9000 people killed across the country since the "
        "ceasefire talks collapsed last year.",
        "The Observatory said 2,000 people had been killed in the past two years.",
        "In a Friday statement the group said that 8412 people died in detention from April 2012 to May 2017.",
        "Militias have been fighting the insurgents since the start of the year in battles that have reportedly killed "
        "more than 5000 people.",
        "The war has killed more than 300,000 people.",
    ],
)
def test_running_totals_are_not_an_events_toll(sentence: str) -> None:
    assert fatalities(sentence) is None


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("A suicide bombing killed 45 people in Jableh, the deadliest attack since 2011.", 45),
        ("Airstrikes killed 12 people in Idlib since Monday morning, the monitor said.", 12),
        ("At least 31 villagers have been killed in the shelling of Saraqib over the past few days.", 31),
        (
            "Airstrikes killed 5 people in Idlib on Monday, the monitor said, adding that 300 have died there since "
            "January.",
            5,
        ),
        ("A car bomb which killed 30 people exploded in Azaz.", 30),
    ],
)
def test_one_events_toll_beside_a_period_stays(sentence: str, value: int) -> None:
    found = fatalities(sentence)
    assert found is not None and found.value == value


@pytest.mark.parametrize(
    "sentence",
    [
        "Two rockets landed near the stadium, causing material damage only.",
        "No casualties were reported after the blast at the depot.",
        "Shells fell on the stadium and no causalities were reported.",  # the misspelling, as wires print it
        "A mortar round struck the school yard at night; nobody was hurt.",
    ],
)
def test_a_sentence_that_says_nobody_died_gives_zero(sentence: str) -> None:
    count = fatalities(sentence)
    assert count is not None and count.value == 0


def test_a_count_beats_the_words_for_no_casualties() -> None:
    count = fatalities("No casualties among the soldiers, but four people were killed by the mine.")
    assert count is not None and count.value == 4
    assert fatalities("Shells fell on the outskirts of the town.") is None


def test_the_day_of_a_dateline_is_not_a_toll() -> None:
    # The day before a year belongs to the date; the count is the number after it.
    count = fatalities("Posted June 7 2019 Nine villagers were killed when a shell hit their field.")
    assert count is not None and count.value == 9
    count = fatalities("Updated 12 2020 Seven people died in the fire at the depot.")
    assert count is not None and count.value == 7


def test_victims_among_those_killed_are_a_part_not_the_toll() -> None:
    # "Forty children were among those killed": the toll is larger and told elsewhere.
    assert fatalities("Forty children were among those killed when the convoy was bombed.") is None


def test_the_children_of_a_victim_are_not_the_dead() -> None:
    # "of a man who was killed": a relative clause, whose verb is not the children's.
    assert fatalities("Two children of a shopkeeper who was killed last year were wounded on Sunday.") is None


def test_victims_among_others_killed_are_not_counted_by_their_origin() -> None:
    assert fatalities("Officials said six men from the coast among the gunmen killed were foreigners.") is None

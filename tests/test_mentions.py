"""Events or mentions: each mention rule on sentences written for it, and sentences it must leave alone."""

from __future__ import annotations

import pytest

from dashboard import schema as S
from dashboard.events.mentions import is_boilerplate, mention_reason
from dashboard.ingest.article import Article
from dashboard.rules import Switches

VIOLENT = "Explosions/Remote violence"


def reason(sentence: str, start: int = 1000, precision: str = "day", names_day: bool = False, **kw) -> str | None:
    return mention_reason(
        sentence,
        start,
        kw.get("event_type", VIOLENT),
        kw.get("sub_type", "Air/drone strike"),
        precision,
        kw.get("violent", True),
        names_day=names_day,
        switches=kw.get("switches", Switches()),
    )


@pytest.mark.parametrize(
    "sentence, rule",
    [
        (
            "Bombardments have killed more than 900 people in the valley since the offensive began.",
            "mention.running_total",
        ),
        ("Over the past few weeks shelling has left 60 dead across the district.", "mention.running_total"),
        ("Since then more than 200 people have been killed in raids on the suburbs.", "mention.running_total"),
        ("The eight-year war has killed half a million people.", "mention.running_total"),
        (
            "Some 3,000 people have died across the region since the parliament adopted the emergency law.",
            "mention.running_total",
        ),
        (
            "They are among 800 civilians killed across the country this spring, the monitor said.",
            "mention.running_total",
        ),
        ("The monitor has recorded 640 deaths in shelling over the past year.", "mention.running_total"),
        ("Raids on the district killed 210 fighters in less than a month.", "mention.running_total"),
        ("Shelling left 33 dead in the suburbs in three days of bombardment.", "mention.running_total"),
        ("Russian jets fly up to 80 sorties per day over the valley.", "mention.running_total"),
        ("The army fires hundreds of shells a day at the besieged district.", "mention.running_total"),
        ("Moscow has been waging an air campaign over the province for two years.", "mention.campaign"),
        ("Government jets stepped up their raids on the northern suburbs.", "mention.campaign"),
        ("The senator called for strikes on the airbase.", "mention.hypothetical"),
        ("A ground assault would displace thousands, aid groups warned.", "mention.hypothetical"),
        ("Generals drew up options for possible air strikes on the depots.", "mention.hypothetical"),
        ("Parliament debated whether to back limited strikes on the airfields.", "mention.hypothetical"),
        ("Related Stories Militants Shell Border Town Army Retakes Hilltop Village", "mention.boilerplate"),
        ("Tags drone strike border town casualties", "mention.boilerplate"),
        (
            "Firefighters spray a burning warehouse after shelling in the port town on Monday. (Reuters)",
            "mention.boilerplate",
        ),
        (
            "Boys walk past a house hit by shelling in the port town on Monday (Reuters Photo)",
            "mention.boilerplate",
        ),
        (
            "A man walks past rubble after an air strike in the old city REUTERS/Some Photographer",
            "mention.boilerplate",
        ),
    ],
)
def test_mention_rules(sentence: str, rule: str) -> None:
    assert reason(sentence) == rule


@pytest.mark.parametrize(
    "sentence",
    [
        "Artillery fire killed four farmers near the river crossing on Thursday.",
        "A series of air strikes hit the market town before dawn.",
        "Jets bombed the bridge at first light, witnesses said.",
    ],
)
def test_single_events_stay_events(sentence: str) -> None:
    assert reason(sentence) is None


def test_a_sentence_that_names_its_day_reports_that_day_despite_a_running_total() -> None:
    s = "Shelling on Tuesday killed nine, the deadliest day since the truce collapsed in May."
    assert reason(s, names_day=True) is None
    assert reason(s, names_day=False) == "mention.running_total"


@pytest.mark.parametrize(
    "text",
    [
        "Since Friday at least 52 people have been killed in raids on Saraqib, medics said.",
        "Air strikes have killed 140 civilians in Douma since Oct. 3, the group said.",
    ],
)
def test_a_count_since_a_day_is_a_running_total_whose_day_names_no_event(pipeline, text: str) -> None:
    # The day bounds the count: it is not the day of one raid, so it does not keep the row an event.
    rows = pipeline.run([Article(text=text, title="t")]).events
    assert set(rows[S.MENTION_REASON]) == {"mention.running_total"}


def test_year_only_violence_is_background() -> None:
    assert reason("The militia seized the oil fields in 2015.", precision="year") == "mention.vague_date"
    assert (
        reason(
            "The militia seized the oil fields in 2015.",
            precision="year",
            switches=Switches.parse("mention.vague_date"),
        )
        is None
    )


def test_a_year_only_protest_is_background_too() -> None:
    # Recalled in a story about something else: crowds that marched "in 1999" are no event of the day.
    sentence = "Students marched through the capital against the new tax in 1999."
    assert (
        reason(sentence, precision="year", event_type="Protests", sub_type="Peaceful protest", violent=False)
        == "mention.vague_date"
    )
    assert reason(sentence, precision="day", event_type="Protests", sub_type="Peaceful protest", violent=False) is None


def test_untyped_and_statements_are_mentions_not_events() -> None:
    assert (
        reason("The delegation arrived in the capital.", event_type="Other", sub_type="Other", violent=False)
        == "mention.untyped"
    )
    assert (
        reason("The minister said the talks were useful.", event_type="Diplomacy", sub_type="Statement", violent=False)
        == "mention.statement"
    )
    assert (
        reason(
            "The two presidents met in the capital.", event_type="Diplomacy", sub_type="Meeting/summit", violent=False
        )
        is None
    )


def test_switching_a_rule_off_keeps_the_row_an_event() -> None:
    s = "Airstrikes have killed 300 people in the province so far this year."
    assert reason(s) == "mention.running_total"
    assert reason(s, switches=Switches.parse("mention.running_total")) is None


def test_a_caption_whose_credit_the_splitter_moved_is_still_a_caption() -> None:
    caption = "Smoke rises over the harbour after a drone strike on Friday."
    assert reason(caption) is None
    assert (
        mention_reason(caption, 900, VIOLENT, "Air/drone strike", "day", True, credit=" (Reuters) Rescue crews")
        == "mention.boilerplate"
    )
    lead = "BEIRUT (Reuters) - Air strikes killed nine people in the old city on Friday, medics said."
    assert reason(lead) is None, "a wire dateline is not a caption"


def test_headline_in_capitals_at_the_top_is_not_boilerplate() -> None:
    title = "Army Jets Strike Rebel Supply Lines Near Border Crossing As Fighting Spreads To Three Villages"
    assert not is_boilerplate(title, start=0)
    assert is_boilerplate(title, start=2000)


@pytest.mark.parametrize(
    "sentence, trigger, furniture",
    [
        # The story the page glued after its furniture is the story's.
        ("Get short URL 8812 According to local media gunmen shot dead four guards at the depot.", "shot", False),
        ("Tags Syria Homs Jets The air force pounded rebel positions near the town on Friday.", "pounded", False),
        # The trigger inside the run of tags or linked titles is the page's.
        ("Related Army Jets Pound Rebel Supply Lines Near Border", "Pound", True),
        ("Tags Airstrikes Syria Homs", "Airstrikes", True),
        ("Tags Syria Homs", "", True),
        # A tag list with lower-case tags holds no story word at all: every trigger in it is the page's.
        ("Tags Syria Hama shelling children Russian jets Homs bombing", "shelling", True),
        ("Tags Syria Hama shelling children Russian jets Homs bombing", "bombing", True),
    ],
)
def test_page_furniture_at_the_start_holds_only_the_trigger_inside_its_run(
    sentence: str, trigger: str, furniture: bool
) -> None:
    at = sentence.find(trigger) if trigger else -1
    assert is_boilerplate(sentence, start=1000, trigger_at=at) is furniture


def test_negation_governing_the_trigger(nlp) -> None:
    from dashboard.events.mentions import _negated

    doc = nlp("The ministry said its jets had not carried out air strikes on the town.")
    at = doc.text.index("air strikes")
    assert _negated(doc[:], at)
    doc = nlp("Air strikes hit the town after the ministry denied nothing.")
    assert not _negated(doc[:], doc.text.index("Air strikes"))
    doc = nlp("The general said his pilots were not responsible for the bombing of the aid convoy.")
    assert not _negated(doc[:], doc.text.index("bombing")), "the denial is of responsibility, not of the bombing"
    doc = nlp("No shells fell on the camp overnight.")
    assert _negated(doc[:], doc.text.index("shells"))


@pytest.mark.parametrize(
    "sentence",
    [
        "The coalition has since captured most of the eastern province from the militants.",
        "The alliance has taken villages across large parts of the north and east.",
        "Since the spring the militia has overrun swathes of southern and western Libya.",
    ],
)
def test_ground_taken_over_a_campaign_is_a_mention(sentence: str) -> None:
    assert reason(sentence) == "mention.campaign"


def test_ground_taken_at_one_place_is_an_event() -> None:
    assert reason("The militia overran the southern town of Gharyan on Tuesday.") is None


def test_what_an_offensive_aims_at_has_not_happened() -> None:
    s = "Troops began a push on Friday with the aim of retaking the river town."
    start = 500
    at = start + s.index("retaking")
    assert (
        mention_reason(s, start, "Battles", "Government regains territory", "day", True, trigger_at=at)
        == "mention.hypothetical"
    )
    # The push itself, earlier in the sentence, is an event.
    assert mention_reason(s, start, "Battles", "Armed clash", "day", True, trigger_at=start + s.index("push")) is None
    assert (
        mention_reason(
            s,
            start,
            "Battles",
            "Government regains territory",
            "day",
            True,
            trigger_at=at,
            switches=Switches.parse("mention.hypothetical"),
        )
        is None
    )


def test_violence_glued_before_a_wire_dateline_is_a_mention() -> None:
    sentence = (
        "Army Jets Kill 30 Militants Near Palmyra MOSCOW (Sputnik) The ministry said on Monday that talks went on."
    )
    trig = sentence.index("Jets")
    assert (
        mention_reason(sentence, 0, VIOLENT, "Air/drone strike", "day", True, trigger_at=trig)
        == "mention.before_dateline"
    )
    off = Switches.parse("mention.before_dateline")
    assert mention_reason(sentence, 0, VIOLENT, "Air/drone strike", "day", True, trigger_at=trig, switches=off) is None
    story = "BEIRUT (AFP) Air strikes killed nine people in the market town on Sunday, a monitor said."
    at = story.index("Air")
    assert mention_reason(story, 0, VIOLENT, "Air/drone strike", "day", True, trigger_at=at) is None, (
        "after it: the story"
    )


def test_a_glued_headline_lends_its_place_to_no_sentence_after_it(pipeline) -> None:
    from datetime import date

    from dashboard import schema as S
    from dashboard.ingest.article import Article

    text = (
        "Army Jets Kill 30 Militants in Hama Province WASHINGTON (Sputnik) The coalition has killed more than "
        "twenty operatives who planned attacks abroad, the defense secretary said on Wednesday."
    )
    ev = pipeline.run([Article(text=text, title="t", published=date(2020, 3, 4))]).events
    events = ev[ev[S.RECORD_KIND] == "event"]
    assert "Hama" not in set(events[S.ADMIN1]), "the glued headline's province does not place the story"


def test_a_related_news_block_or_a_bar_menu_inside_a_sentence_is_page_furniture() -> None:
    assert is_boilerplate("Source: wires Related News Election monitors report fraud in the capital", 2000)
    assert is_boilerplate("Film festival opens | Episode | Showcase Category News The summit met in the capital", 2000)
    assert not is_boilerplate("The ministry said related news would follow after the summit in the capital.", 2000)
    assert not is_boilerplate("Voters chose between two lists | one of them new.", 2000), "a single bar is no menu"


@pytest.mark.parametrize(
    "text, trigger, negated",
    [
        # A pause noun or a verb that stops violence: what it stops does not happen.
        ("The ministry announced a two-day halt of fighting around the port.", "fighting", True),
        ("Residents enjoyed a rare lull in the shelling on Sunday.", "shelling", True),
        ("The navy halted its missile strikes on the port last week.", "strikes", True),
        ("Both sides ceased shelling the bridge before the talks.", "shelling", True),
        ("The air force has stopped bombing the valley, the minister said.", "bombing", True),
        # The fighting happened; "stop" with a noun is an attack that was made and repelled.
        ("Three fighters died at the end of the fighting near the port.", "fighting", False),
        ("Guards stopped an attack on the depot before dawn.", "attack", False),
    ],
)
def test_violence_a_pause_stops_does_not_happen(nlp, text, trigger, negated) -> None:
    from dashboard.events.mentions import _negated

    assert _negated(nlp(text)[:], text.index(trigger)) is negated


def test_a_past_fact_in_a_since_or_after_clause_is_no_hypothesis() -> None:
    # The modal frames the new raid; the "since" clause tells a raid that happened
    # (`mention.factual_clause`).
    s = "It would be the bloodiest raid since jets killed 40 people in the market town in May."
    assert reason(s) is None
    assert reason(s, switches=Switches.parse("mention.factual_clause")) == "mention.hypothetical"
    # A cue inside the clause keeps the whole a hypothesis: the strikes were only asked for.
    asked = "The deal came after the president asked lawmakers to approve air strikes on the base."
    assert reason(asked) == "mention.hypothetical"
    # No violence of its own in the clause: the modal still frames the event.
    assert reason("Jets could strike the town again after the holiday.") == "mention.hypothetical"


def test_a_count_of_the_displaced_so_far_is_a_running_total() -> None:
    def displaced(sentence: str, **kw) -> str | None:
        return reason(sentence, event_type="Displacement", sub_type="Displacement", violent=False, **kw)

    assert displaced("Nearly 800,000 people have been displaced, aid agencies said.") == "mention.running_total"
    assert displaced("Some 40,000 have fled the valley since the offensive began.") == "mention.running_total"
    # One flight on a day the sentence names is an event.
    assert displaced("Some 2,000 families fled the village on Sunday.", names_day=True) is None
    assert (
        displaced("Nearly 800,000 people have been displaced.", switches=Switches.parse("mention.running_total"))
        is None
    )


@pytest.mark.parametrize(
    ("sentence", "trigger", "rule"),
    [
        ("Earlier rounds of negotiations in Vienna produced no deal.", "negotiations", "mention.talks_series"),
        ("The plan grew out of a series of meetings between the envoys.", "meetings", "mention.talks_series"),
        ("A fresh round of talks opened in Vienna on Tuesday.", "talks", None),
        # The series is the deal's background; the deal signed is the event.
        ("After two rounds of consultations, the factions signed a truce on Sunday.", "signed", None),
    ],
)
def test_talks_told_as_a_series_of_rounds_are_background(sentence: str, trigger: str, rule: str | None) -> None:
    start = 300
    at = start + sentence.index(trigger)
    sub = "Agreement" if trigger == "signed" else "Meeting/summit"
    assert mention_reason(sentence, start, "Diplomacy", sub, "day", False, trigger_at=at) == rule
    off = Switches.parse("mention.talks_series")
    assert mention_reason(sentence, start, "Diplomacy", sub, "day", False, trigger_at=at, switches=off) is None

"""`types.aim`: what an undertaking aims at is not what happened (examples written for these tests)."""

from __future__ import annotations

from dashboard import schema as S
from dashboard.events.adjuncts import AIM_BEFORE
from dashboard.ingest.article import Article
from tests.test_sites import PUBLISHED, rows_of, without

OFFENSIVE = "Government troops launched an offensive to recapture the town of Qaryatain on Monday, a monitor said."
PUSH = "On Tuesday the army began a push to retake the town of Qaryatain."
DONE = "Government troops recaptured the town of Qaryatain on Monday, a monitor said."


def test_an_offensive_to_retake_a_town_is_a_battle_not_a_capture(pipeline) -> None:
    ev = rows_of(pipeline, OFFENSIVE)
    assert ev[S.EVENT_TYPE].tolist() == ["Battles"] and ev[S.SUB_EVENT_TYPE].tolist() == ["Armed clash"]
    off = rows_of(without(pipeline, "types.aim"), OFFENSIVE)
    assert off[S.SUB_EVENT_TYPE].tolist() == ["Government regains territory"]


def test_a_push_with_no_other_event_is_a_mention(pipeline) -> None:
    rows = pipeline.run([Article(text=PUSH, title="t", published=PUBLISHED)]).events
    assert (rows[S.RECORD_KIND] == "event").sum() == 0
    assert "types.aim" in rows[S.MENTION_REASON].tolist()
    off = rows_of(without(pipeline, "types.aim"), PUSH)
    assert off[S.SUB_EVENT_TYPE].tolist() == ["Government regains territory"]


def test_a_capture_told_as_done_is_a_capture(pipeline) -> None:
    assert rows_of(pipeline, DONE)[S.SUB_EVENT_TYPE].tolist() == ["Government regains territory"]


def test_the_aim_is_the_infinitive_right_after_an_undertaking_noun() -> None:
    assert AIM_BEFORE.search("launched a major offensive to ")
    assert AIM_BEFORE.search("pressed on with their push to ")
    assert not AIM_BEFORE.search("the death toll rose to ")  # no undertaking
    assert not AIM_BEFORE.search("an offensive that failed to ")  # the infinitive is the verb's, not the noun's

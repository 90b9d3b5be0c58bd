"""Answers kept with a Doc (nlp.kept_by_token, nlp.kept_by_offset, the place roles of events.roles) are
the answers the functions give, worked out once per token, offset or name."""

from __future__ import annotations

from dashboard.events import roles
from dashboard.events.actor_roles import holds_the_noun
from dashboard.events.site_names import coordination_key
from dashboard.geo.toponym import Toponym
from dashboard.nlp import kept_by_offset, kept_by_token

TEXT = (
    "Government-held positions near the towns of Kafr Nabl and Maarat al-Numan were shelled on Monday, "
    "and rebels in the village of Hass, part of Idlib province, said the Aleppo countryside was calm."
)


def test_a_kept_answer_is_worked_out_once_per_token_or_offset(nlp) -> None:
    doc = nlp(TEXT)
    asked: list[int] = []

    @kept_by_token("test_length")
    def length(tok) -> int:
        asked.append(tok.i)
        return len(tok.text)

    @kept_by_offset("test_char")
    def char_at(d, offset: int) -> str:
        asked.append(-offset)
        return str(d.text[offset])

    for _ in range(3):
        assert [length(tok) for tok in doc] == [len(tok.text) for tok in doc]
        assert [char_at(doc, k) for k in range(0, 40, 7)] == [TEXT[k] for k in range(0, 40, 7)]
    assert sorted(asked) == sorted([tok.i for tok in doc] + [-k for k in range(0, 40, 7)])
    assert length(nlp("Other words")[0]) == 5  # another Doc keeps its own answers


def test_the_kept_roles_and_keys_are_the_functions_answers(nlp) -> None:
    doc = nlp(TEXT)
    names = [
        Toponym(TEXT.index(name), TEXT.index(name) + len(name), name, label)
        for name, label in [("Kafr Nabl", "GPE"), ("Maarat al-Numan", "GPE"), ("Hass", "SITE"), ("Idlib", "GPE")]
    ] + [Toponym(TEXT.index("Aleppo"), TEXT.index("Aleppo") + 6, "Aleppo", "GPE")]
    for _ in range(2):  # the second time from what the Doc keeps
        for sent in doc.sents:
            for t in names:
                if not sent.start_char <= t.start < sent.end_char:
                    continue
                assert roles.name_token(sent, t) == roles._name_token(sent, t)
                assert roles.place_anchor(sent, t) == roles._place_anchor(sent, t)
                assert roles.place_role(sent, t) == roles._place_role(sent, t)
        assert [coordination_key(tok) for tok in doc] == [coordination_key.__wrapped__(tok) for tok in doc]
        assert [holds_the_noun(doc, tok.idx + len(tok)) for tok in doc] == [
            holds_the_noun.__wrapped__(doc, tok.idx + len(tok)) for tok in doc
        ]
    assert any(holds_the_noun(doc, tok.idx + len(tok)) for tok in doc)  # "Government-held positions"
    assert {roles.place_role(s, t) for s in doc.sents for t in names if s.start_char <= t.start < s.end_char} > {
        "locative"
    }

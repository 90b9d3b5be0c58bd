"""`location.coordinated_sites` (an id in `dashboard.rules`): "strikes on X, Y and Z" is one event per
site, as ACLED codes it (one record per village). The sites coordinated with the chosen site each get a
row; a death toll given for all of them together belongs to none (fatalities left empty), as the coding
guidelines say. Which token a list hangs from is `site_names.coordination_key`."""

from __future__ import annotations

from typing import Any

from dashboard.events.site_names import coordination_key
from dashboard.events.sites import AWAY_PREPS
from dashboard.geo.toponyms import Toponym
from dashboard.nlp import tokens_between


def _head_token(sent: Any, t: Toponym) -> Any:
    """The token of a place name whose head lies outside the name ("Kafr Hamra" → Hamra)."""
    toks = [sent.doc[i] for i in tokens_between(sent, t.start, t.end)]
    for tok in toks:
        if not (t.start <= tok.head.idx < t.end) or tok.head.i == tok.i:
            return tok
    return toks[-1] if toks else None


def _run_top(tok: Any) -> Any:
    """The last name of a run of names with no commas, which the parse makes the run's head (each
    name before it a compound of it: "Kafr Hamra Abu Zaid" → Zaid)."""
    for _ in range(12):
        if tok.dep_ != "compound" or tok.head.pos_ != "PROPN" or tok.head.i <= tok.i:
            break
        tok = tok.head
    return tok


def coordinated(sent: Any, site: Toponym, places: list[Toponym], runs: bool = True) -> list[Toponym]:
    """The places of `places` listed together with `site` as targets of one action, in text order
    (with `runs`, the names of a run with no commas are listed together too)."""
    head = _head_token(sent, site)
    if head is None or site.place is None or site.place.precision >= 4:
        return []
    top = _run_top if runs else (lambda tok: tok)
    key = coordination_key(top(head))
    listed_at = head.doc[key]
    if listed_at.dep_ == "pobj" and listed_at.head.lower_ in AWAY_PREPS:
        return []
    out = []
    for t in places:
        if _other_place(t, site):
            tok = _head_token(sent, t)
            if tok is not None and tok.i != head.i and coordination_key(top(tok)) == key:
                out.append(t)
    return out


def _other_place(t: Toponym, site: Toponym) -> bool:
    """Whether `t` is a placed town or province other than the site (a country is never listed)."""
    return (
        t is not site
        and t.place is not None
        and t.place.precision < 4
        and site.place is not None
        and t.place.name != site.place.name
    )

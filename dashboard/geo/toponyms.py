"""The geoparser's public face: recognise place names in a parsed document and resolve each to a
gazetteer place in context.

The work is done in modules that each answer one question (see "Map of the house" in the README):
`names` (what a name is), `entities` and `recognition` (which spans are place names), `lookup`
(which places a name may mean), `ranking` and `trust` (which of them the document means, and
whether to believe it), `structure` (what the text says between two names) and `resolution` (the
stages in order). This module keeps the names the rest of the package imports.
"""

from __future__ import annotations

from dashboard.geo.lookup import candidates
from dashboard.geo.names import (
    ADMIN_WORDS,
    COMPASS_WORDS,
    GENERIC_WORDS,
    STATE_NOUNS,
    admin_before,
    contained_name,
    is_generic_name,
    self_key,
)
from dashboard.geo.ranking import Context, co_support, rank, score
from dashboard.geo.recognition import recognize, spans_as_toponyms
from dashboard.geo.resolution import anchors_besides, geoparse, resolve
from dashboard.geo.structure import containers, district_pairs, keep_parts_in_their_town, nearest_town
from dashboard.geo.toponym import Toponym, unplace_fallbacks
from dashboard.geo.trust import called_minor, untrusted_match

__all__ = [
    "ADMIN_WORDS",
    "COMPASS_WORDS",
    "GENERIC_WORDS",
    "STATE_NOUNS",
    "Context",
    "Toponym",
    "admin_before",
    "anchors_besides",
    "called_minor",
    "candidates",
    "co_support",
    "contained_name",
    "containers",
    "district_pairs",
    "geoparse",
    "is_generic_name",
    "keep_parts_in_their_town",
    "nearest_town",
    "rank",
    "recognize",
    "resolve",
    "score",
    "self_key",
    "spans_as_toponyms",
    "unplace_fallbacks",
    "untrusted_match",
]

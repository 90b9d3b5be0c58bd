"""How the views' callback (callbacks.render) reads its request, for the kept answers
(answers.KeyRule): two requests it reads the same share one kept answer. Change this with render:
a new input it ignores, parses or answers differently for when it fires belongs here too.
"""

from __future__ import annotations

from dashboard.app import ids
from dashboard.app.answers import KeyRule
from dashboard.app.filters import Filters
from dashboard.app.query import Selection


def _filters(value: object) -> object:
    return Filters.from_dict(value).to_dict() if value is None or isinstance(value, dict) else value


def _selection(value: object) -> object:
    return Selection.from_dict(value).to_dict() if value is None or isinstance(value, dict) else value


VIEWS_RULE = KeyRule(
    # Fired by the panel's page or table state, render answers the panel alone (no_update elsewhere):
    # that answer must not be given to the same state reached by another input.
    triggers=frozenset({ids.EXCERPT_PAGE, ids.TABLE_STATE}),
    # Only a refresh trigger: the key carries the store's own generation.
    ignored=frozenset({f"{ids.STORE_GENERATION}.data"}),
    # Read through Filters/Selection.from_dict: key order, missing keys and lists-for-tuples vanish.
    canonical={f"{ids.FILTERS}.data": _filters, f"{ids.SELECTION}.data": _selection},
)

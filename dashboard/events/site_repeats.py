"""`location.repeated_site`: a name the article once calls a site is that site wherever it names it again.

One sense per discourse: a writer who has said "the village of X, near Y" writes "in X" afterwards (and
often before, in the lead) without saying again what X is. The geoparser cannot place X (the gazetteer
lacks it), so without this rule the lead's "air strikes hit X" falls back to a coarser place the
article names, while the body's "the village of X" is a site (`location.unlisted_site`). Only names the
geoparser found as places but could not place are taken: a word the article uses once as a site is
not thereby a site everywhere it is capitalised.
"""

from __future__ import annotations

from dataclasses import replace

from dashboard.events.site_names import site_key
from dashboard.geo.toponyms import Toponym


def repeated_sites(toponyms: list[Toponym], sites: list[Toponym]) -> list[Toponym]:
    """The article's unplaced toponyms that bear a site's name, each placed as that site (the first
    site of each name, in text order)."""
    first: dict[str, Toponym] = {}
    for s in sorted(sites, key=lambda t: t.start):
        if s.place is not None:
            first.setdefault(site_key(s.place.name), s)
    taken = [(s.start, s.end) for s in sites]
    out: list[Toponym] = []
    for t in toponyms:
        if t.is_demonym or t.place is not None and not t.fallback:
            continue
        site = first.get(site_key(t.text))
        if site is None or any(s < t.end and t.start < e for s, e in taken):
            continue
        out.append(replace(t, label=site.label, place=site.place, fallback=False, alternatives=t.alternatives))
    return out

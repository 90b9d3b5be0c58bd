"""The file name of an export from the page: what the file holds, so that a folder of downloads
reads as a list of selections (it was `conflictmap-selection.csv` whatever was chosen).

`conflictmap_<dates>_<place>_<filters>.<fmt>`: the window's days, the selected place's name, each
filter in a word or two (one chosen value by name, several by their number), in ASCII letters,
digits and hyphens only (a name from an article can hold anything: a slash, a quote, a dot), and
at most MAX_STEM characters; `conflictmap_all-events` when nothing narrows the events.
"""

from __future__ import annotations

import re
import unicodedata

from dashboard.app.filters import Filters
from dashboard.app.query import Selection

MAX_STEM = 120


def slug(text: str) -> str:
    """`text` in ASCII letters, digits and single hyphens (accents dropped: Ḩalab → Halab)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def _chosen(values: tuple[str, ...], kind: str) -> str:
    """One chosen value by its name, several by their number ("3-actors")."""
    if not values:
        return ""
    return slug(values[0]) if len(values) == 1 else f"{len(values)}-{kind}"


def _days(sel: Selection) -> str:
    start, end = (str(x)[:10] if x else "" for x in (sel.start, sel.end))
    if start and end:
        return f"{start}-to-{end}"
    return f"from-{start}" if start else f"to-{end}" if end else ""


def download_name(f: Filters, sel: Selection, fmt: str) -> str:
    """The export's file name for filters `f` and selection `sel`, with extension `fmt`."""
    parts = [
        _days(sel),
        slug(sel.place.split("|")[0]) if sel.place else "",
        _chosen(f.event_types, "types"),
        _chosen(f.sub_event_types, "sub-types"),
        _chosen(f.actors, "actors"),
        _chosen(f.countries, "countries"),
        _chosen(f.admin1s, "provinces"),
        _chosen(f.sources, "sources"),
        f"{len(f.places)}-places-on-the-map" if f.places else "",
        f"deaths-{f.min_fatalities}-plus" if f.min_fatalities else "",
        f"confidence-{f.min_confidence:g}-plus" if f.min_confidence else "",
        f"search-{slug(f.text)}" if slug(f.text) else "",
        "towns-only" if f.precise_only else "",
    ]
    stem = "_".join(p for p in parts if p) or "all-events"
    return f"conflictmap_{stem}"[:MAX_STEM].rstrip("-_") + f".{slug(fmt)}"

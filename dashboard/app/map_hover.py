"""What the map says about a place or a cluster on hover, and the texts the side tables share with
it: a death toll ("10–12" when reports disagree), a geo precision, a date span."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from dashboard import schema as S
from dashboard.app.stacks import STACK_EVENTS, STACK_PLACES
from dashboard.app.type_mix import mix_words

PRECISION_LABEL = {1: "town/village", 2: "district", 3: "province", 4: "country/region"}
# Characters a hover line holds. Plotly sets a hover label beside its point and never wraps it: on a
# phone's 390 px map a label by a point in the middle has ~190 px either side, ~30 characters of
# its 13 px font, and longer lines (a toll with its "known for" note, a place of four types) were
# cut at both edges of the screen.
HOVER_CHARS = 30
# A line of the type mix ends with its "·", not the next starts with it: the space before it does not break.
MIX_SEP, KEPT_SEP = " · ", "\u00a0· "


def precision_label(value: Any) -> str:  # a table cell: pandas scalars are untyped
    return PRECISION_LABEL.get(int(value), "?") if value is not None and pd.notna(value) else "?"


def short_count(n: int) -> str:
    n = int(n)
    return (
        f"{n / 1e6:.1f}M"
        if n >= 999_500
        else f"{n / 1e3:.0f}k"
        if n >= 9_500
        else f"{n / 1e3:.1f}k"
        if n >= 1000
        else str(n)
    )


def lines_of(text: str, width: int = HOVER_CHARS) -> list[str]:
    """Escaped plain text as lines of at most `width` characters on screen (an entity is one),
    broken at spaces; a longer word keeps a line of its own."""
    lines: list[list[str]] = [[]]
    used = 0
    for word in text.split(" "):
        n = len(html.unescape(word))
        if lines[-1] and used + 1 + n > width:
            lines.append([])
            used = 0
        used += n + bool(lines[-1])
        lines[-1].append(word)
    return [" ".join(line) for line in lines]


def wrapped(text: str, tag: str = "") -> str:
    """lines_of(text) joined by <br>, each line in `tag` (a style is closed and opened again at a break)."""
    return "<br>".join(f"<{tag}>{line}</{tag}>" if tag else line for line in lines_of(text))


def lead_bold(lead: str, rest: str) -> str:
    """`lead` in bold, then `rest`, wrapped: the rest's words go on the lead's last line while they fit."""
    head = lines_of(lead)
    out = [f"<b>{line}</b>" for line in head]
    used, words = len(html.unescape(head[-1])), rest.split(" ") if rest else []
    while words and used + 1 + len(html.unescape(words[0])) <= HOVER_CHARS:
        used += 1 + len(html.unescape(words[0]))
        out[-1] += " " + words.pop(0)
    return "<br>".join(out + (lines_of(" ".join(words)) if words else []))


def cluster_hover(clusters: pd.DataFrame) -> list[str]:
    return [
        lead_bold(
            f"{int(r['n_events']):,} events",
            f"in {int(r['n_places'])} places, "
            + toll_text(r["fatalities"], r["fatalities"], r["tolled"], r["n_events"]),
        )
        + "<br>"
        + "<br>".join(wrapped(f"{_esc(name)}: {n:,}") for name, n in r["top"])
        + ("<br>…" if r["n_places"] > len(r["top"]) else "")
        + "<br><i>click to zoom in</i>"
        for r in clusters.to_dict("records")
    ]


def place_names(places: pd.DataFrame) -> pd.Series:
    """What each place is called: its label (unique, engine.labelled) when the aggregate has one."""
    return places["label"] if "label" in places.columns else places[S.LOCATION]


def place_hover(grp: pd.DataFrame) -> list[str]:
    # Column lists zipped, not to_dict("records"): this runs for every marker of every answer.
    high = grp["fatalities_high"].tolist() if "fatalities_high" in grp else grp["fatalities"].tolist()
    cols = (
        place_names(grp).tolist(),
        grp[S.COUNTRY].tolist(),
        grp["n_events"].tolist(),
        grp["fatalities"].tolist(),
        high,
        grp["tolled"].tolist(),
        grp["first"].tolist(),
        grp["last"].tolist(),
        grp[S.GEO_PRECISION].tolist(),
        [mix_words(t, m) for t, m in zip(grp.get("type_mix", [None] * len(grp)), grp["main_type"], strict=True)],
        grp[STACK_PLACES].tolist() if STACK_PLACES in grp else [0] * len(grp),
        grp[STACK_EVENTS].tolist() if STACK_EVENTS in grp else [0] * len(grp),
    )
    return [
        lead_bold(_esc(loc), f"({_esc(country)})" if isinstance(country, str) and country else "")
        + f"<br>{wrapped(f'{n} event(s), {toll_text(low, most, known, n)}')}<br>"
        + (f"{wrapped(f'reports by type: {_esc(mix).replace(MIX_SEP, KEPT_SEP)}')}<br>" if mix else "")
        + f"{_span(pd.Timestamp(first), pd.Timestamp(last))}<br>precision: {precision_label(prec)}"
        + stack_line(others, other_events)
        for loc, country, n, low, most, known, first, last, prec, mix, others, other_events in zip(*cols, strict=True)
    ]


def stack_line(others: int, events: int) -> str:
    """The hover's word on the places under this marker (stacks.py): where to find them."""
    if not others:
        return ""
    places = f"{others:,} more place{'s' * (others != 1)}"
    return "<br>" + wrapped(f"+ {places} at this point ({events:,} event{'s' * (events != 1)}): select to list", "i")


def toll_text(low: Any, high: Any, tolled: Any, n: Any) -> str:
    """The deaths of `n` events of which `tolled` have a toll: "12 killed", "toll unknown" when none
    has one (not "0 killed": nobody said nobody died), and for how many when only some have one."""
    if not int(tolled) and int(n):
        return "toll unknown"
    known = f" (toll known for {int(tolled):,} of {int(n):,} events)" if int(tolled) < int(n) else ""
    return f"{deaths_text(low, high)} killed{known}"


def deaths_text(low: Any, high: Any) -> str:
    """One toll per event, summed: "12", or "10–12" when the reports of an event disagree."""
    lo = int(low) if pd.notna(low) else 0
    hi = int(high) if pd.notna(high) else lo
    return f"{lo:,}" if hi <= lo else f"{lo:,}–{hi:,}"


def _esc(value: object) -> str:
    # Plotly renders hover text as a subset of HTML: escape what came from articles.
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _span(first: pd.Timestamp, last: pd.Timestamp) -> str:
    # Days from the fields, not strftime (~40 µs a call, twice for every marker of every answer).
    if pd.isna(first):
        return "undated"
    a = f"{first.year:04d}-{first.month:02d}-{first.day:02d}"
    b = a if pd.isna(last) else f"{last.year:04d}-{last.month:02d}-{last.day:02d}"
    return a if a == b else f"{a} – {b}"

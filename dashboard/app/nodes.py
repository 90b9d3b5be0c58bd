"""Components as the JSON Dash sends for them, built as plain dicts.

The views' answer lists ~50 excerpts with ~15 components each: built as Component objects they cost
more than computing the views, and one Component left in an answer makes the JSON encoder walk the
whole answer in Python instead of encoding it natively (orjson), ~10 ms more per answer.
"""

from __future__ import annotations

from typing import Any


def node(kind: str, children: object = None, **props: object) -> dict:
    """html.<kind>(children, **props) as the dict Dash sends; `props` hold only JSON values."""
    if children is not None:
        props["children"] = children
    return {"type": kind, "namespace": "dash_html_components", "props": props}


def children_of(value: dict) -> object:
    """A node's children (what Component.children gives for a Component)."""
    return value["props"].get("children")


def dashed(**props: str) -> dict[str, Any]:
    """HTML attributes whose names hold a hyphen (aria-*, data-*), from keywords written with an
    underscore: `html.Button(..., **dashed(aria_pressed="false"))`. Typed Any, unlike a dict literal,
    so Dash's generated component signatures accept them."""
    return {name.replace("_", "-"): value for name, value in props.items()}

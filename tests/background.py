"""The check the tests of DuckViews' work after an answer share: wait for its threads."""

from __future__ import annotations

import threading


def settled(name: str = "conflictmap-") -> None:
    """Join every thread whose name starts with `name` (the views' threads after an answer:
    conflictmap-fact, conflictmap-filters)."""
    for thread in threading.enumerate():
        if thread.name.startswith(name):
            thread.join()

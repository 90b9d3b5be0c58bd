"""The Dash app. It reads the events store only; it never imports spaCy or the pipeline."""

from __future__ import annotations

import sys


def import_dash_for_serving() -> None:
    """Import Dash for a server process without its notebook support. Dash imports IPython (and
    with it prompt_toolkit, jedi, pygments, requests) whenever it is installed, to run apps inside
    a notebook, which a server never does: ~0.3 of the 1.2 CPU s a server's imports took before its
    first answer. IPython is hidden from that one import only (Dash then falls back to its stubs)
    and importable again after; where it is loaded already (a notebook), nothing changes."""
    if "dash" in sys.modules or "IPython" in sys.modules:
        return
    sys.modules["IPython"] = None  # type: ignore[assignment]  # `import IPython` then fails, as if absent
    try:
        import dash  # noqa: F401
    finally:
        del sys.modules["IPython"]

"""A smaller plotly.js for the page: the offline map and the timeline draw only scattergeo, scatter
and bar traces, and plotly.min.js (all 50 trace types, 4.8 MB, 1.47 MB gzipped) was three quarters of
a first page load's bytes. The bundle in static/ holds plotly.js's core with those traces
(1.4 MB, ~480 kB gzipped); tools/build_plotly_bundle.py builds it from TRACES.

Dash's Graph loads plotly.js from one fixed URL (`window._dashPlotlyJSURL`) unless `window.Plotly`
exists, so the app answers that URL with the bundle. Only when the bundle was built from the
plotly.js the installed plotly package ships (its figures are written for that version) and the
dashboard has no tile basemap (scattermap, not in the bundle); otherwise Dash's full file is served.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import dash
import flask

# Trace types the bundle registers (scatter is in plotly.js's core and always there).
TRACES = ("scatter", "bar", "scattergeo")
BUNDLE = Path(__file__).resolve().parent / "static" / "plotly-conflictmap.min.js"
# Where dash-renderer points dcc.Graph when it serves its assets itself (serve_locally=True).
PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"
_BANNER = re.compile(
    r"/\* conflictmap plotly\.js bundle: plotly\.js v(?P<version>[\w.\-]+); "
    r"traces (?P<traces>[\w,]+) \*/"
)


@lru_cache(maxsize=4)
def bundle_info(path: Path = BUNDLE) -> tuple[str, tuple[str, ...]] | None:
    """(plotly.js version, trace types) from the bundle's first line, or None without a bundle."""
    try:
        with path.open(encoding="utf-8") as f:
            first = f.readline()
    except OSError:
        return None
    m = _BANNER.match(first)
    return (m["version"], tuple(m["traces"].split(","))) if m else None


def installed_plotlyjs_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return str(get_plotlyjs_version())


def usable_bundle(path: Path = BUNDLE) -> Path | None:
    """The bundle when it matches the installed plotly.js and holds every trace in TRACES."""
    info = bundle_info(path)
    if info is None or info[0] != installed_plotlyjs_version() or not set(TRACES) <= set(info[1]):
        return None
    return path


def serve_bundle(app: dash.Dash, tiles: bool) -> bool:
    """Answer Dash's plotly.js URL with the bundle (not with tiles: scattermap needs the full file).
    True when the bundle is served."""
    bundle = None if tiles else usable_bundle()
    if bundle is None:
        return False
    url = app.config.routes_pathname_prefix + PLOTLY_PATH

    def plotly_bundle() -> flask.Response | None:
        if flask.request.path != url:
            return None
        # Same caching as Dash gives its own copy (an ETag, revalidated), under the same URL.
        return flask.send_file(bundle, mimetype="text/javascript", etag=True, conditional=True, max_age=None)

    app.server.before_request(plotly_bundle)
    return True

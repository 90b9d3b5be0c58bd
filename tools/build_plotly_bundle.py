"""Build dashboard/app/static/plotly-conflictmap.min.js: plotly.js's core with only the trace types
the dashboard draws (dashboard/app/plotly_bundle.py: TRACES), for the page's first load.

Needs node and npm (the npm registry); the app never runs this. Rebuild after an upgrade of the
plotly Python package: set the `plotly.js` version in tools/plotly_bundle/package.json to the one it
ships (`python -c "from plotly.offline import get_plotlyjs_version as v; print(v())"`), then

    python tools/build_plotly_bundle.py

Until then the app serves plotly's full file (tests/test_plotly_bundle.py fails to say so).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.app.plotly_bundle import BUNDLE, TRACES, bundle_info  # noqa: E402


def main() -> int:
    here = ROOT / "tools" / "plotly_bundle"
    # `npm ci` installs what package-lock.json pins; no install scripts run (esbuild's binary comes
    # as its own npm package).
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=here, check=True)
    BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["node", "build.js", str(BUNDLE), *TRACES], cwd=here, check=True)
    bundle_info.cache_clear()
    print(f"{BUNDLE.relative_to(ROOT)}: {BUNDLE.stat().st_size:,} bytes, {bundle_info()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

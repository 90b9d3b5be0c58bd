"""The basemap switch in a real browser: tiles from a tile server (here one on loopback, served by
the app's own Flask server) and back to the bundled offline basemap, with no console errors."""

from __future__ import annotations

import socket
import struct
import zlib

from test_dashboard import FIRST_RENDER, MAP_GD, MAP_POINTS, TIMEOUT, app_is_settled, map_points, wait_until

from dashboard.app.app import create_app


def png(width: int = 256, height: int = 256, rgb: tuple[int, int, int] = (200, 220, 240)) -> bytes:
    """A plain one-colour PNG: a tile a raster basemap can draw."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def trace_types(dash_duo) -> list[str]:
    return (
        dash_duo.driver.execute_script(
            "const gd = document.querySelector(arguments[0]);"
            "return gd && gd._fullData ? gd._fullData.map(t => t.type) : [];",
            MAP_GD,
        )
        or []
    )


def test_the_basemap_switch_puts_the_markers_on_tiles_and_back(dash_duo, seed_store):
    port = loopback_port()
    app = create_app(seed_store, tiles=(f"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png", "test tiles"))
    served: list[str] = []
    tile = png()

    def serve_tile(z: str, x: str, y: str):
        served.append(f"{z}/{x}/{y}")
        # The page is served from "localhost", the tiles from "127.0.0.1": like any tile server,
        # this one must allow cross-origin reads for MapLibre to draw them.
        return tile, 200, {"Content-Type": "image/png", "Access-Control-Allow-Origin": "*"}

    app.server.add_url_rule("/tiles/<z>/<x>/<y>.png", "tiles", serve_tile)
    dash_duo.start_server(app, port=port)

    # Given a tile source, the map starts on it: markers on a MapLibre map that fetched tiles.
    wait_until(
        dash_duo,
        lambda: trace_types(dash_duo) and set(trace_types(dash_duo)) == {"scattermap"},
        "the map is not drawn on tiles",
        timeout=FIRST_RENDER,
    )
    dash_duo.wait_for_element("#map .maplibregl-canvas", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: served, "no tile was requested")
    assert dash_duo.find_element("#map .maplibregl-ctrl-attrib").text.find("test tiles") >= 0

    # Switch to the offline basemap: the SVG geo map with its markers comes back.
    dash_duo.find_element("#basemap input[value='offline']").click()
    dash_duo.wait_for_element(MAP_POINTS, timeout=TIMEOUT)
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page never settled")
    assert set(trace_types(dash_duo)) == {"scattergeo"}
    assert map_points(dash_duo), "no markers on the offline basemap"
    assert dash_duo.get_logs() == []


def test_without_a_tile_source_there_is_no_basemap_switch(dash_duo, seed_store):
    dash_duo.start_server(create_app(seed_store))
    dash_duo.wait_for_element(MAP_POINTS, timeout=FIRST_RENDER)
    assert not dash_duo.find_element("#basemap").is_displayed()
    assert not dash_duo.find_element("#basemap input[value='tiles']").is_enabled()
    assert set(trace_types(dash_duo)) == {"scattergeo"}
    assert dash_duo.get_logs() == []

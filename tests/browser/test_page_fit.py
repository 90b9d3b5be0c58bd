"""What a first look at the page showed out of place (issue 13), held in a real (headless) browser:
the map's legend over its own markers, a header control running into the next, a field too narrow
for its placeholder, the page scrolling its header away in the table view."""

from __future__ import annotations

from test_dashboard import TIMEOUT, app_is_settled, start_app, wait_until
from test_panels import click
from test_reading import PHONE

DESKTOP = (1280, 800)


def set_viewport(dash_duo, width: int, height: int) -> None:
    """The page's viewport at exactly this size; a desktop is no mobile device (its scrollbars take room)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800},
    )


def legend_and_plot_area(dash_duo, width: int) -> dict | None:
    """The map legend's box and the map's plot area (where the geography and markers are drawn), in
    page pixels, once the map has been redrawn at `width`; None before."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#map .js-plotly-plot');
        const full = gd && gd._fullLayout, svg = gd && gd.querySelector('.main-svg');
        const legend = gd && gd.querySelector('.legend');
        if (!full || !full._size || !svg || !legend || Math.abs(full.width - arguments[0]) > 1) return null;
        const s = svg.getBoundingClientRect(), l = legend.getBoundingClientRect();
        return {plot_top: s.top + full._size.t, plot_bottom: s.top + full._size.t + full._size.h,
                svg_bottom: s.bottom, legend_top: l.top, legend_bottom: l.bottom, legend_height: l.height};
        """,
        width,
    )


def test_the_map_legend_sits_under_the_map_not_over_its_markers(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    for width, height in (DESKTOP, PHONE):
        set_viewport(dash_duo, width, height)
        # Drawn inside the plot area it covered the opening view's southern markers (three rows of it
        # on a phone); under it, plotly's automargin makes room and the map keeps its whole area.
        wait_until(
            dash_duo,
            lambda: legend_under_the_map(dash_duo),
            f"at {width}×{height} the map's legend covers its plot area or is cut off",
        )
        # ...and the map opens filling the area left to it, not as a strip (a view widened for a
        # panel shape measured with the legend's room taken off mid-redraw was drawn 140 px tall in 263).
        wait_until(
            dash_duo,
            lambda: geography_fills_the_plot_area(dash_duo),
            f"at {width}×{height} the opening view does not fill the map's plot area",
        )
    assert dash_duo.get_logs() == []


def legend_under_the_map(dash_duo) -> bool:
    """The legend lies between the plot area's bottom and the figure's, read once the redraw for the
    map's present size is over (plotly draws the legend, then makes room for it)."""
    box = _settled_legend(dash_duo)
    return bool(
        box
        and box["legend_height"] > 0
        and box["legend_top"] >= box["plot_bottom"] - 1
        and box["legend_bottom"] <= box["svg_bottom"] + 1
    )


def geography_fills_the_plot_area(dash_duo) -> bool:
    """The basemap's country lines span most of the plot area both ways (the opening view is widened
    to the panel's shape, so only a sliver of paper is left on two sides)."""
    return bool(
        app_is_settled(dash_duo)
        and dash_duo.driver.execute_script(
            """
        const gd = document.querySelector('#map .js-plotly-plot'), full = gd && gd._fullLayout;
        const geo = gd && gd.querySelector('.geo .countries');
        if (!full || !full._size || !geo) return false;
        const r = geo.getBoundingClientRect();
        return r.width >= 0.85 * full._size.w && r.height >= 0.85 * full._size.h;
        """
        )
    )


def _settled_legend(dash_duo) -> dict | None:
    """legend_and_plot_area at whatever width the map now has, once no callback is pending."""
    width = dash_duo.driver.execute_script(
        "const gd = document.querySelector('#map .js-plotly-plot');return gd ? gd.getBoundingClientRect().width : 0;"
    )
    if not width or not app_is_settled(dash_duo):
        return None
    return legend_and_plot_area(dash_duo, width)


def test_header_controls_keep_apart_and_the_search_field_shows_its_whole_placeholder(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    set_viewport(dash_duo, *DESKTOP)
    gap = wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(
            "const a = document.querySelector('.upload-meta summary'), b = document.querySelector('#upload');"
            "if (!a || !b) return null;"
            "return [b.getBoundingClientRect().left - a.getBoundingClientRect().right];"
        ),
        "the upload controls are not drawn",
    )[0]  # in a list: a gap of 0 is an answer, not a wait
    assert gap >= 4, f"'outlet, link, date' runs into 'Add articles' ({gap:.1f} px apart)"
    # The placeholder's width in the field's own font, against the room inside the field.
    text, room = dash_duo.driver.execute_script(
        """
        const e = document.querySelector('#filter-text'), cs = getComputedStyle(e);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = cs.font;
        const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return [ctx.measureText(e.placeholder).width, room];
        """
    )
    assert text <= room, f"the search field's placeholder is cut: {text:.0f} px of text in {room:.0f} px"


def test_the_table_view_scrolls_inside_its_panels_not_the_page(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    set_viewport(dash_duo, *DESKTOP)
    click(dash_duo, '#excerpts button[data-action="view"][data-view="table"]')
    dash_duo.wait_for_element("#excerpts .events-table", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the app did not settle after the table opened")
    # The table view narrows the map's column, whose key then wraps to six lines: the column scrolls,
    # the page (and its header with the filters) stays put.
    page, inner = dash_duo.driver.execute_script("return [document.documentElement.scrollHeight, window.innerHeight];")
    assert page <= inner, f"the page scrolls in the table view ({page} px in a {inner} px window)"
    assert dash_duo.get_logs() == []

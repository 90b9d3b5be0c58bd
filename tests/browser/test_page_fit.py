"""What a first look at the page showed out of place (issue 13), held in a real (headless) browser:
a header control running into the next, a field too narrow for its placeholder."""

from __future__ import annotations

from test_dashboard import start_app, wait_until

DESKTOP = (1280, 800)


def set_viewport(dash_duo, width: int, height: int) -> None:
    """The page's viewport at exactly this size; a desktop is no mobile device (its scrollbars take room)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800},
    )


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

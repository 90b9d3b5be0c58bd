"""Every control of the page is reachable with Tab and shows where the focus is (issue 13: "every
control and every place reachable from the keyboard"), the maps' mode bars included (plotly.js 3
draws their buttons as buttons), and the map zooms from the keyboard."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from test_dashboard import MAP_GD, app_is_settled, start_app, wait_until
from test_panels import tab_to

# What a control is, the same for the element a redraw puts in its place: its id, or its tag, class
# and data-* attributes (an excerpt's button: its action and event).
SIGNATURE_JS = """
const signature = e => e.id ? '#' + e.id : [e.tagName, e.className, e.type || '', e.name || '',
    ...Object.entries(e.dataset).filter(([k]) => k !== 'kbd').map(([k, v]) => k + '=' + v),
    e.getAttribute('aria-label') || '', e.dataset.title || ''].join(' ');
"""

# Each visible control's signature; radio buttons count once per group (Tab stops on the checked
# one), a group being its name or, without one, the component around it.
CONTROLS_JS = (
    SIGNATURE_JS
    + """
const seen = new Set(), out = [];
const controls = document.querySelectorAll(
    'button, input, select, textarea, a[href], [tabindex="0"], [role="combobox"], .modebar-btn');
for (const e of controls) {
    const r = e.getBoundingClientRect();
    if (!e.checkVisibility() || r.width === 0 || r.height === 0 || e.disabled || e.type === 'hidden') continue;
    if (e.closest('[aria-hidden="true"]')) continue;  // a dropdown's focus helper: its button takes the focus
    if (e.type === 'radio') {
        const g = 'radio:' + (e.name || (e.closest('[id]') || {}).id);
        if (seen.has(g)) continue;
        seen.add(g);
    }
    const key = e.type === 'radio' ? 'radio ' + e.name : signature(e);
    if (!out.includes(key)) out.push(key);
}
return out;
"""
)

# Where the focus is: the signature of the control it is on, and whether the focus shows.
FOCUS_JS = (
    SIGNATURE_JS
    + """
const a = document.activeElement;
if (!a || a === document.body) return null;
// A Dash text field shows the focus on its box.
const cs = getComputedStyle(a.closest('.dash-input-container') || a);
const ring = cs.outlineStyle !== 'none' || cs.boxShadow !== 'none';
return [a.type === 'radio' ? 'radio ' + a.name : signature(a), ring, a.outerHTML.slice(0, 80)];
"""
)


def test_tab_reaches_every_control_with_a_visible_focus_and_the_map_zooms_from_the_keyboard(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    controls = dash_duo.driver.execute_script(CONTROLS_JS)
    assert len(controls) > 20, controls
    dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur()")
    reached, ringless, stops = set(), [], []
    actions = ActionChains(dash_duo.driver)
    for _ in range(3 * len(controls)):
        actions.send_keys(Keys.TAB).perform()
        got = dash_duo.driver.execute_script(FOCUS_JS)
        stops.append(got and got[2])
        if got:
            reached.add(got[0])
            if not got[1]:
                ringless.append(got[2])
        if reached >= set(controls):
            break
    missed = [c for c in controls if c not in reached]
    assert not missed, f"Tab never reaches {missed}; the focus went to {stops[-20:]}"
    assert not ringless, f"no visible focus on {ringless}"

    # The map's "Zoom in" from the keyboard: Tab to it, Enter; what the map shows (its lon/lat box,
    # from plotly's projection) narrows.
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    span = "const b = window.conflictmap.geoBox(document.querySelector(arguments[0])); return b && b[1] - b[0];"
    before = wait_until(dash_duo, lambda: dash_duo.driver.execute_script(span, MAP_GD), "the map shows no box")
    tab_to(dash_duo, '#map .modebar-btn[data-attr="zoom"][data-val="in"]', limit=200)
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    wait_until(
        dash_duo,
        lambda: (dash_duo.driver.execute_script(span, MAP_GD) or before) < 0.8 * before,
        "Enter on the map's Zoom in did not zoom",
    )
    assert dash_duo.get_logs() == []

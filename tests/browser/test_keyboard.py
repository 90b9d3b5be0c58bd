"""Every control of the page is reachable with Tab and shows where the focus is (issue 13: "every
control and every place reachable from the keyboard"), the maps' mode bars included: plotly draws
their buttons as links without an href, which Tab passed by (assets/panels.js marks them)."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from test_dashboard import MAP_GD, app_is_settled, start_app, wait_until
from test_panels import tab_to

# Each visible control gets a number (data-kbd); radio buttons count once per group (Tab stops on one).
CONTROLS_JS = """
const seen = new Set(), out = [];
const controls = document.querySelectorAll(
    'button, input, select, textarea, a[href], [tabindex="0"], [role="combobox"], .modebar-btn');
for (const e of controls) {
    const r = e.getBoundingClientRect();
    if (!e.checkVisibility() || r.width === 0 || r.height === 0 || e.disabled || e.type === 'hidden') continue;
    if (e.type === 'radio') { const g = 'radio:' + e.name; if (e.name && seen.has(g)) continue; seen.add(g); }
    e.dataset.kbd = String(out.length);
    const name = e.dataset.title || e.textContent || e.placeholder || e.value || '';
    out.push((e.id ? '#' + e.id : '') + ' ' + e.tagName + ' ' + name.trim().slice(0, 30));
}
return out;
"""

# Where the focus is: the data-kbd number of the control it is on (or inside), and whether it shows.
FOCUS_JS = """
const a = document.activeElement;
if (!a || a === document.body) return null;
const c = a.closest('[data-kbd]') || a.querySelector('[data-kbd]');
const cs = getComputedStyle(a);
const ring = cs.outlineStyle !== 'none' || cs.boxShadow !== 'none';
return [c ? Number(c.dataset.kbd) : null, ring, a.outerHTML.slice(0, 80)];
"""


def test_tab_reaches_every_control_with_a_visible_focus_and_the_map_zooms_from_the_keyboard(dash_duo, seed_store):
    start_app(dash_duo, seed_store)
    # The maps' mode bar buttons are marked for the keyboard at the first Tab.
    ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
    wait_until(
        dash_duo,
        lambda: (
            dash_duo.driver.execute_script("return document.querySelectorAll('.modebar-btn[tabindex=\"0\"]').length")
            > 0
        ),
        "the mode bar buttons were not marked",
    )
    controls = dash_duo.driver.execute_script(CONTROLS_JS)
    assert len(controls) > 20, controls
    dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur()")
    reached, ringless = set(), []
    actions = ActionChains(dash_duo.driver)
    for _ in range(3 * len(controls)):
        actions.send_keys(Keys.TAB).perform()
        got = dash_duo.driver.execute_script(FOCUS_JS)
        if got and got[0] is not None:
            reached.add(got[0])
            if not got[1]:
                ringless.append(got[2])
        if len(reached) == len(controls):
            break
    missed = [controls[i] for i in range(len(controls)) if i not in reached]
    assert not missed, f"Tab never reaches {missed}"
    assert not ringless, f"no visible focus on {ringless}"

    # The map's "Zoom in" from the keyboard: Tab to it, Enter; plotly's projection scale grows.
    wait_until(dash_duo, lambda: app_is_settled(dash_duo), "the page did not settle")
    scale = "return document.querySelector(arguments[0])._fullLayout.geo.projection.scale"
    before = dash_duo.driver.execute_script(scale, MAP_GD)
    tab_to(dash_duo, '#map .modebar-btn[data-attr="zoom"][data-val="in"]', limit=200)
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script(scale, MAP_GD) > before * 1.2,
        "Enter on the map's Zoom in did not zoom",
    )
    assert dash_duo.get_logs() == []

"""Every text of the page meets WCAG AA contrast in both themes (issue 13: "dark theme contrast at
WCAG AA"): the page's text against the nearest background it is drawn on, the fields' placeholders
(Chromium's own grey was 3.9:1 on the dark field), and the map's town and province names against
the land (the province names were 3.3:1 in the light theme)."""

from __future__ import annotations

import pytest
from test_dashboard import MAP_GD, app_is_settled, start_app, wait_until

# [ratio, what, text] of each text below AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
LOW_CONTRAST_JS = """
const lum = c => { const m = c.match(/[\\d.]+/g); if (!m) return null;
    const v = m.slice(0, 3).map(x => Number(x) / 255)
        .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
const opaque = c => { const m = c.match(/[\\d.]+/g); return m && (m.length < 4 || Number(m[3]) > 0.5); };
const background = e => { for (let n = e; n; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor; if (opaque(c)) return c; } return 'rgb(255, 255, 255)'; };
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const large = cs => parseFloat(cs.fontSize) >= 24 || (parseFloat(cs.fontSize) >= 18.66 && Number(cs.fontWeight) >= 700);
const low = [];
for (const e of document.querySelectorAll('body *')) {
    if (e.closest('svg') || !e.checkVisibility()) continue;
    const text = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const r = e.getBoundingClientRect();
    if (!text || r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(e), got = ratio(cs.color, background(e));
    if (got < (large(cs) ? 3 : 4.5)) {
        low.push([got, e.tagName + '#' + e.id + '.' + e.className, e.textContent.trim().slice(0, 40)]);
    }
}
for (const e of document.querySelectorAll('input[placeholder]')) {
    if (!e.checkVisibility()) continue;
    const got = ratio(getComputedStyle(e, '::placeholder').color, background(e));
    if (got < 4.5) low.push([got, 'placeholder of #' + e.id, e.placeholder]);
}
const land = document.querySelector(arguments[0] + ' .geo .land path');
for (const e of document.querySelectorAll(arguments[0] + ' text[style*="basemap-label"]')) {
    const got = ratio(getComputedStyle(e).fill, getComputedStyle(land).fill);
    if (got < 4.5) low.push([got, 'map name', e.textContent]);
}
return {low: low, names: document.querySelectorAll(arguments[0] + ' text[style*="basemap-label"]').length};
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_of_the_page_meets_wcag_aa(dash_duo, seed_store, theme):
    start_app(dash_duo, seed_store)
    if theme == "dark":
        dash_duo.find_element("#theme-toggle").click()
    wait_until(
        dash_duo,
        lambda: dash_duo.driver.execute_script("return document.documentElement.dataset.theme || 'light'") == theme,
        "the theme did not switch",
    )
    for view in ("list", "table"):
        dash_duo.driver.execute_script(
            "const b = document.querySelector(`#excerpts button[data-view='${arguments[0]}']`); if (b) b.click();", view
        )
        wait_until(
            dash_duo,
            lambda v=view: (
                dash_duo.driver.execute_script(
                    "return document.querySelector(arguments[0]) !== null",
                    "#excerpts .events-table" if v == "table" else "#excerpts .excerpt",
                )
                and app_is_settled(dash_duo)
            ),
            f"the {view} did not show",
        )
        got = dash_duo.driver.execute_script(LOW_CONTRAST_JS, MAP_GD)
        assert got["names"] > 0, "no names on the map to check"
        assert not got["low"], f"below WCAG AA in the {theme} theme ({view}): {got['low']}"
    assert dash_duo.get_logs() == []

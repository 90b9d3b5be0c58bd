"""XSS payloads in the style of the OWASP filter-evasion cheat sheet, in every text field an article
brings (title, text, source, URL, place, actors, country, province, sub-type, alternative places)
and in the permalink, are inert in every view: the excerpts, the map's hover labels, the filter
lists, the place list, the reader, the correction dialog and the link's note.

The app is served without the Content-Security-Policy (create_app alone), so a payload that became
markup would run: the test holds the escaping, not the CSP. Each payload sets window.__xss (or
opens an alert); "executed" is window.__xss set or an alert open, "rendered as markup" is an
element carrying a payload's script (an inline handler, a javascript: URL, a script, style or frame
holding it). Every payload must also be readable as text where its field is shown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait
from test_dashboard import FIRST_RENDER

from dashboard import schema as S
from dashboard.app.app import create_app
from dashboard.app.excerpts import EXCERPT_LIMIT
from dashboard.ingest.article import Article
from dashboard.store import EventsStore

TIMEOUT = 30
JS = "window.__xss=1"
PAYLOADS = [
    f"<script>{JS}</script>",
    "<SCRIPT SRC=//xss.invalid/a.js></SCRIPT>",
    f'<IMG SRC="javascript:{JS};">',
    f"<IMG SRC=JaVaScRiPt:{JS}>",
    f"<IMG SRC=`javascript:{JS}`>",
    f'<IMG """><SCRIPT>{JS}</SCRIPT>">',
    f'<IMG SRC=# onmouseover="{JS}">',
    f'<IMG SRC=/ onerror="{JS}"></img>',
    f"<img src=x onerror={JS}>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1>",
    f'<IMG SRC="jav\tascript:{JS};">',
    f'<IMG SRC="jav&#x0A;ascript:{JS};">',
    '<SCRIPT/XSS SRC="//xss.invalid/a.js"></SCRIPT>',
    f"<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`={JS}>",
    f"<<SCRIPT>{JS};//<</SCRIPT>",
    f"</TITLE><SCRIPT>{JS};</SCRIPT>",
    f'<INPUT TYPE="IMAGE" SRC="javascript:{JS};">',
    f'<BODY BACKGROUND="javascript:{JS}">',
    f"<svg/onload={JS}>",
    f"<svg><script>{JS}</script></svg>",
    f'<iframe src="javascript:{JS}"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    f'<object data="javascript:{JS}"></object>',
    f'<embed src="javascript:{JS}">',
    f'<a href="javascript:{JS}">click</a>',
    f"<details open ontoggle={JS}>",
    f'<video><source onerror="{JS}"></video>',
    f"<audio src=x onerror={JS}>",
    f"<marquee onstart={JS}>",
    f'<div style="background-image: url(javascript:{JS})">',
    f"<style>@import 'javascript:{JS}';</style>",
    f'<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:{JS};">',
    f'<TABLE BACKGROUND="javascript:{JS}">',
    f'<DIV STYLE="width: expression({JS});">',
    f'"><script>{JS}</script>',
    f"'><img src=x onerror={JS}>",
    f"javascript:{JS}",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==",
    "{{constructor.constructor('window.__xss=1')()}}",
    f"<math><mtext><table><mglyph><style><img src=x onerror={JS}>",
    f"<form><button formaction=javascript:{JS}>x</button></form>",
    f"<isindex type=image src=1 onerror={JS}>",
    f"<x onclick={JS}>click me",
    "%3Cscript%3Ewindow.__xss=1%3C/script%3E",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    f"<b onmouseover={JS}>bold</b>",
    "<img src=x onerror=alert(1)>",
    f'<span style="color:red" onclick="{JS}">red</span><br><i>i</i><sup>2</sup>',
]

# An element a payload turned into markup: an inline handler, a javascript: URL in a URL attribute, or
# a script/style/frame/object whose content holds a payload's code.
BAD_MARKUP_JS = r"""
const root = arguments[0] ? document.querySelector(arguments[0]) : document;
if (!root) return ['no ' + arguments[0]];
const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'background', 'srcdoc', 'xlink:href', 'poster'];
const bad = [];
for (const el of root.querySelectorAll('*')) {
    for (const a of Array.from(el.attributes)) {
        const name = a.name.toLowerCase(), value = String(a.value);
        if (name.startsWith('on') || (urlAttrs.includes(name) && /^\s*(javascript|data:text\/html)/i.test(value))
                || (name === 'style' && /expression\(|javascript:/i.test(value))) {
            bad.push(el.tagName + ' ' + name + '=' + value.slice(0, 60));
        }
    }
    const tag = el.tagName.toUpperCase();
    if (['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'META'].includes(tag)
            && /__xss|xss\.invalid|javascript:/i.test(el.outerHTML)) {
        bad.push(tag + ' ' + el.outerHTML.slice(0, 80));
    }
    // The app's own folds (the upload's details.upload-meta, the map's how-to details.map-help) are
    // its markup; any other is a payload's.
    if (['X', 'ISINDEX', 'MARQUEE', 'MGLYPH', 'DETAILS', 'VIDEO', 'AUDIO', 'EMBED', 'OBJECT'].includes(tag)
            && !el.matches('details.upload-meta, details.map-help')) {
        bad.push(tag);
    }
}
return bad;
"""


def words(text: str) -> str:
    return " ".join(text.split())


def sentence(k: int, payload: str) -> tuple[str, str]:
    """The article's sentence for payload k, and the place name it carries (payload inside)."""
    place = f"Qaryat {k} {payload}"
    return f"Shelling hit {place} on Monday and killed {k + 1} people, witnesses said. ", place


@pytest.fixture(scope="module")
def xss_store(tmp_path_factory, _require_browser) -> Path:
    """One article holding every payload; one event per payload with the payload in each text field."""
    texts, rows = [], []
    start = 0
    for k, payload in enumerate(PAYLOADS):
        text, place = sentence(k, payload)
        texts.append(text)
        at = text.index(place)
        alternatives = [
            {
                "name": f"Other {k} {payload}",
                "lat": 30.0 + k % 7,
                "lon": 40.0 + k % 5,
                "feature_code": "PPL",
                "country_code": "SY",
                "country": payload,
                "admin1": payload,
                "score": 0.4,
            }
        ]
        rows.append(
            {
                "event_id": f"x{k:02d}",
                "event_date": pd.Timestamp("2021-01-01") + pd.Timedelta(days=k),
                "date_precision": "day",
                "date_source": "sentence",
                "is_future": False,
                "event_type": "Battles",
                "sub_event_type": payload,
                "trigger": "Shelling",
                "actor1": f"Group {k} {payload}",
                "actor2": payload,
                "location": place,
                "toponym": place,
                "toponym_start": start + at,
                "toponym_end": start + at + len(place),
                "latitude": 10.0 + 4 * (k // 8),
                "longitude": 10.0 + 5 * (k % 8),
                "feature_code": "PPL",
                "country": f"Land {k % 3} {payload}",
                "country_code": "SY",
                "admin1": payload,
                "geo_precision": 1,
                "fatalities": k + 1,
                "excerpt": text.strip(),
                "excerpt_start": start,
                "excerpt_end": start + len(text.strip()),
                "title": payload,
                "source": payload,
                "url": payload if k % 2 else f"https://example.org/{quote(payload)}",
                "published": pd.Timestamp("2021-03-01"),
                "published_inferred": False,
                "confidence": 0.9,
                "alternatives": json.dumps(alternatives),
            }
        )
        start += len(text)
    article = Article(
        text="".join(texts), title=PAYLOADS[0] + " " + PAYLOADS[18], source=PAYLOADS[24], url="javascript:" + JS
    )
    events = S.coerce_events(pd.DataFrame(rows).assign(article_id=article.article_id))
    root = tmp_path_factory.mktemp("xss_store")
    EventsStore(root).append(events, [article])
    stored = EventsStore(root).load_events()
    assert len(stored) == len(PAYLOADS) and set(stored[S.TITLE]) == set(PAYLOADS), "every payload event is stored"
    return root


def wait_until(dash_duo, condition, message: str, timeout: float = TIMEOUT):
    return WebDriverWait(
        dash_duo.driver, timeout, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,)
    ).until(lambda _d: condition(), message)


def inert(dash_duo, where: str | None = None) -> None:
    """Nothing ran (no window.__xss, no alert) and nothing became markup (in `where`, else the page)."""
    try:
        text = dash_duo.driver.switch_to.alert.text
        pytest.fail(f"a payload opened an alert: {text}")
    except NoAlertPresentException:
        pass
    assert dash_duo.driver.execute_script("return typeof window.__xss") == "undefined", "a payload ran"
    assert dash_duo.driver.execute_script(BAD_MARKUP_JS, where) == [], f"a payload became markup in {where}"


def shown_text(dash_duo, selector: str) -> str:
    """The text an element shows (SVG has no innerText: its textContent)."""
    return words(
        dash_duo.driver.execute_script(
            "const el = document.querySelector(arguments[0]);"
            "return el ? (el.innerText === undefined ? el.textContent : el.innerText) || '' : ''",
            selector,
        )
    )


def click_first(dash_duo, selector: str) -> None:
    def attempt() -> bool:
        els = dash_duo.driver.find_elements("css selector", selector)
        if not els:
            return False
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", els[0])
        return True

    wait_until(dash_duo, attempt, f"nothing to click at {selector}")


def hover_texts(dash_duo) -> list[str]:
    """Every hover label the map's place and cluster traces carry (what plotly draws as its subset of HTML)."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#map .js-plotly-plot');
        return gd._fullData.filter(t => !/^(basemap|mix): /.test(String(t.name)))
            .flatMap(t => Array.from(t.hovertext || []).map(String));
        """
    )


def listed_count(dash_duo) -> int:
    return len(dash_duo.driver.find_elements("css selector", "#excerpts .excerpt"))


def hint(dash_duo) -> str:
    return shown_text(dash_duo, "#excerpts .hint")


def older_page(dash_duo) -> None:
    """The list's next (older) page, once it is drawn."""
    was = hint(dash_duo)
    assert dash_duo.driver.execute_script(
        "const b = Array.from(document.querySelectorAll('#excerpts .pager-button'))"
        "    .find(b => b.textContent.startsWith('older'));"
        "if (b) { b.click(); } return Boolean(b);"
    ), f"no older page after: {was}"
    wait_until(dash_duo, lambda: hint(dash_duo) not in ("", was), f"the list stayed at: {was}")


def page_to(dash_duo, selector: str) -> None:
    """Page the sentence list (older →) until `selector` is in it."""
    for _ in range(len(PAYLOADS) // EXCERPT_LIMIT + 1):
        if dash_duo.driver.find_elements("css selector", selector):
            return
        older_page(dash_duo)
    raise AssertionError(f"{selector} is on no page of the list")


def test_payloads_are_text_in_excerpts_hover_and_filters(dash_duo, xss_store):
    dash_duo.start_server(create_app(xss_store))
    dash_duo.wait_for_element("#map .scattergeo .point", timeout=FIRST_RENDER)
    dash_duo.wait_for_element("#excerpts .excerpt", timeout=FIRST_RENDER)
    # Every payload event is listed, a page at a time.
    listed, seen_pages = "", 0
    while seen_pages * EXCERPT_LIMIT < len(PAYLOADS):
        if seen_pages:
            older_page(dash_duo)
        want = min(EXCERPT_LIMIT, len(PAYLOADS) - seen_pages * EXCERPT_LIMIT)
        wait_until(
            dash_duo,
            lambda want=want: listed_count(dash_duo) == want,
            f"page {seen_pages + 1} does not list {want} payload events",
        )
        inert(dash_duo)
        listed += " " + shown_text(dash_duo, "#excerpts")
        seen_pages += 1
    missing = [p for p in PAYLOADS if words(p) not in listed]
    assert not missing, f"payloads not shown as text in the excerpts: {missing[:3]}"

    # Hover labels: plotly draws <b>, <i>, <br>, <a href>, <span style> from hover text; only the app's own
    # <b>, <br> and <i> may reach it, a payload's '<' arrives escaped.
    labels = hover_texts(dash_duo)
    assert labels, "the map has no hover labels"
    raw = [t for t in labels if "<" in re.sub(r"</?(b|i|br)>", "", t)]
    assert not raw, f"markup from the data in hover labels: {raw[:2]}"
    # ...and drawn: hover markers one by one and read what plotly put on the page.
    seen = 0
    for k in range(min(12, len(labels))):
        dash_duo.driver.execute_script(
            """
            const gd = document.querySelector('#map .js-plotly-plot');
            const traces = gd._fullData.map((t, i) => [t, i]).filter(([t]) => !/^(basemap|mix): /.test(String(t.name)));
            let n = arguments[0];
            for (const [t, i] of traces) {
                const len = (t.hovertext || []).length;
                if (n < len) { Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: n}], 'geo'); return; }
                n -= len;
            }
            """,
            k,
        )
        want = words(
            re.sub(r"<[^>]+>", " ", labels[k]).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        )[:25]
        wait_until(
            dash_duo,
            # Spaces aside: a label's lines are tspans (map_hover wraps them), whose text joins unspaced.
            lambda want=want: want.replace(" ", "") in shown_text(dash_duo, "#map .hoverlayer").replace(" ", ""),
            f"hover label {k} not drawn ({want})",
        )
        inert(dash_duo, "#map .hoverlayer")
        seen += 1
    assert seen >= 10

    # The filter lists and the place list take their options from the data.
    for cid in ("filter-actors", "filter-countries", "filter-sources", "filter-subtypes", "place-pick"):
        click_first(dash_duo, f"#{cid}")
        wait_until(
            dash_duo,
            lambda: words(PAYLOADS[5]) in words(dash_duo.driver.execute_script("return document.body.innerText")),
            f"the {cid} list does not show the payloads as text",
        )
        inert(dash_duo)
        dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur()")
        click_first(dash_duo, "#summary")
    assert dash_duo.get_logs() == []


def test_payloads_are_text_in_the_reader_and_the_correction_dialog(dash_duo, xss_store):
    dash_duo.start_server(create_app(xss_store))
    dash_duo.wait_for_element("#excerpts .excerpt", timeout=FIRST_RENDER)
    click_first(dash_duo, "#excerpts button[data-action='read']")
    dash_duo.wait_for_element("#reader:not([hidden]) .reader-text", timeout=TIMEOUT)
    wait_until(dash_duo, lambda: words(PAYLOADS[-1]) in shown_text(dash_duo, "#reader"), "the reader shows no text")
    reader = shown_text(dash_duo, "#reader")
    missing = [p for p in PAYLOADS if words(p) not in reader]
    assert not missing, f"payloads not shown as text in the reader: {missing[:3]}"
    assert words(PAYLOADS[0]) in shown_text(dash_duo, "#reader-title")
    inert(dash_duo)
    click_first(dash_duo, "#reader-close")
    wait_until(dash_duo, lambda: dash_duo.driver.find_elements("css selector", "#reader[hidden]"), "reader open")

    for k in (0, 9, 21):  # three events' dialogs: the title (toponym) and the alternatives' names
        # "Other places" selects the event's place, which narrows the list: clear it for the next one.
        click_first(dash_duo, "#reset-selection")
        # (at the page it was left at: a list keeps its page while another is shown)
        wait_until(
            dash_duo,
            lambda: hint(dash_duo).startswith(f"{len(PAYLOADS)} event(s)") and listed_count(dash_duo) > 0,
            "the list did not come back",
        )
        button = f"#excerpts button[data-action='correct'][data-event='x{k:02d}']"
        page_to(dash_duo, button)
        click_first(dash_duo, button)
        wait_until(
            dash_duo,
            lambda k=k: words(PAYLOADS[k]) in shown_text(dash_duo, "#correct"),
            f"the correction dialog of payload {k} does not show it",
        )
        wait_until(
            dash_duo,
            lambda k=k: f"Other {k} {words(PAYLOADS[k])}" in shown_text(dash_duo, "#correct-choice"),
            f"the alternatives of payload {k} are not shown as text",
        )
        inert(dash_duo)
    assert dash_duo.get_logs() == []


def test_payloads_in_the_permalink_are_inert(dash_duo, xss_store):
    dash_duo.start_server(create_app(xss_store))
    dash_duo.wait_for_element("#excerpts .excerpt", timeout=FIRST_RENDER)
    params = ("q", "place", "event", "actor", "country", "source", "subtype", "type", "admin1", "area", "from")
    for i in range(0, len(PAYLOADS), len(params)):
        chunk = PAYLOADS[i : i + len(params)]
        query = "&".join(f"{p}={quote(v, safe='')}" for p, v in zip(params, chunk, strict=False))
        dash_duo.driver.get("about:blank")
        dash_duo.driver.get(f"{dash_duo.server_url}/?{query}")
        dash_duo.wait_for_element("#excerpts", timeout=FIRST_RENDER)
        wait_until(
            dash_duo,
            lambda: (
                dash_duo.driver.execute_script(
                    "return document.querySelectorAll('#excerpts .excerpt, #excerpts .empty-state').length"
                )
                > 0
            ),
            f"the page with payloads {i}… never showed its list",
        )
        wait_until(
            dash_duo,
            lambda: shown_text(dash_duo, "#url-note").startswith("Left out of the link"),
            f"no note for the values dropped from link {i}",
        )
        inert(dash_duo)
    assert dash_duo.get_logs() == []

"""Events, not reports, in the browser: two articles that report one attack with 10 and 12 dead are one
event with 10–12 dead on the counts line and in the marker's hover; an attack reported with no toll
reads "toll unknown", not 0 killed; the actor filter offers the canonical actor once for every
spelling of its name."""

from __future__ import annotations

import json

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_dashboard import MAP_GD, TIMEOUT, start_app, wait_until

from dashboard.ingest.run import ingest_paths

# Written for this test: two outlets tell one attack with different tolls; a third reports another
# attack by the same group under a third spelling of its name.
ARTICLES = [
    {
        "id": "a",
        "title": "Checkpoint attack",
        "date": "2021-05-03",
        "source": "Outlet A",
        "text": "Daesh militants attacked an army checkpoint in Raqqa on Monday, killing 10 soldiers, officials said.",
    },
    {
        "id": "b",
        "title": "Soldiers killed",
        "date": "2021-05-03",
        "source": "Outlet B",
        "text": "Islamic State fighters attacked a checkpoint in Raqqa on Monday and killed 12 soldiers, "
        "a monitor said.",
    },
    {
        "id": "c",
        "title": "Convoy ambushed",
        "date": "2021-05-04",
        "source": "Outlet C",
        "text": "IS gunmen ambushed a military convoy near Deir ez-Zor on Tuesday, the army said.",
    },
]


def hover_of(dash_duo, prefix: str) -> str | None:
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0]);
        for (const t of gd._fullData) {
            const i = Array.from(t.customdata || []).findIndex(c => String(c).startsWith(arguments[1]));
            if (i >= 0) { const h = t.hovertext; return Array.isArray(h) ? h[i] : h; }
        }
        return null;
        """,
        MAP_GD,
        prefix,
    )


def hovers(dash_duo) -> list[str]:
    """Every marker's hover text, from the drawn figure's data."""
    return dash_duo.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0]);
        return (gd._fullData || []).flatMap(t => Array.isArray(t.hovertext) ? t.hovertext : []).map(String);
        """,
        MAP_GD,
    )


def option_labels(dash_duo, dropdown_id: str) -> list[str]:
    dash_duo.find_element(f"#{dropdown_id}").click()

    def labels():
        found = [el.text.strip() for el in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role='option']")]
        return found or None

    got = WebDriverWait(dash_duo.driver, TIMEOUT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda _d: labels(), f"#{dropdown_id} shows no options"
    )
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    return got


def test_one_attack_two_reports_is_one_event_with_a_range(dash_duo, tmp_path):
    src = tmp_path / "reports.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    summary = ingest_paths([src], tmp_path / "store")
    assert summary["articles_added"] == 3
    start_app(dash_duo, tmp_path / "store")

    wait_until(
        dash_duo,
        lambda: "2 of 2 events" in dash_duo.find_element("#counts").text,
        "the counts line does not count the two reports of one attack as one event",
    )
    assert dash_duo.find_element("#counts").text.endswith("10–12 deaths · tolls known for 1 of 2 events")
    raqqa = wait_until(dash_duo, lambda: hover_of(dash_duo, "Ar Raqqah|"), "no Raqqa marker")
    assert "1 event(s), 10–12 killed<br>" in raqqa
    # The ambush gives no toll: its place says so, where it read "0 killed".
    unknown = [h for h in hovers(dash_duo) if "toll unknown" in h]
    assert len(unknown) == 1 and "1 event(s), toll unknown<br>" in unknown[0], hovers(dash_duo)
    assert not [h for h in hovers(dash_duo) if " 0 killed" in h]

    labels = option_labels(dash_duo, "filter-actors")
    assert labels.count("Islamic State (ISIS)") == 1, labels
    assert not [x for x in labels if x in ("Daesh", "IS", "ISIL", "Islamic State")], labels
    assert dash_duo.get_logs() == []

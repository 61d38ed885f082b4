"""The overview in real headless Chromium after a demo-like run: every chart is drawn by
the locally served Chart.js, and the screenshot shows them (not a blank page)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from docketwatch import i18n
from docketwatch.settings import REPO_ROOT
from tests.dashboard import browser
from tests.dashboard.conftest import Dashboard
from tests.dashboard.png import colour_counts

pytestmark = pytest.mark.integration

# Kept after the run so a person can look at it (var/ is not committed).
SCREENSHOT = REPO_ROOT / "var" / "screenshots" / "dashboard-overview.png"
REFUSAL_RED = (0xC0, 0x39, 0x2B)  # the refusal category's colour in dashboard.js


def test_overview_charts_are_drawn(dashboard: Dashboard) -> None:
    dom = browser.dump_dom(dashboard.url + "/")
    assert 'data-charts-error' not in dom, "Chart.js did not load"
    rendered = re.search(r'<html[^>]*data-charts-rendered="(\d+)"', dom)
    assert rendered, "the page's script never finished drawing"
    canvases = re.findall(r"<canvas[^>]*>", dom)
    assert int(rendered[1]) == len(canvases) == 5
    assert all('data-rendered="true"' in c for c in canvases)
    # Chart.js sizes each canvas to its box; an undrawn canvas keeps 300x150.
    heights = [re.search(r'height="(\d+)"', c) for c in canvases]
    assert all(h is not None and h[1] != "150" for h in heights), heights


@pytest.mark.parametrize("path", ["/courts", "/regions", "/cases?article=337", "/alerts",
                                  "/sources"])
def test_other_pages_load_in_the_browser(dashboard: Dashboard, path: str) -> None:
    dom = browser.dump_dom(dashboard.url + path)
    assert re.search(r'<html[^>]*data-charts-rendered="\d+"', dom), path


def test_court_drill_down_draws_its_charts(dashboard: Dashboard) -> None:
    court = dashboard.api("/courts")["data"][0]["court_code"]
    dom = browser.dump_dom(f"{dashboard.url}/courts/{court}")
    assert re.search(r'<html[^>]*data-charts-rendered="2"', dom)


def test_overview_screenshot_is_populated(dashboard: Dashboard, tmp_path: Path) -> None:
    shot = tmp_path / "overview.png"
    browser.screenshot(dashboard.url + "/", shot)
    counts = colour_counts(shot.read_bytes())
    # A blank or unstyled page has a handful of colours; charts, text and antialiasing
    # give hundreds. The refusal bars must be there in their own colour.
    assert len(counts) > 200, f"only {len(counts)} colours: the page looks blank"
    assert counts[REFUSAL_RED] > 500, "no refusal-coloured bars on the screenshot"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)


# (language, headline, the KPI labels in order, the firing test alert's value 21.0)
LANGUAGES = [
    ("ru", "Отказ от службы в военных судах России",
     ["дела об отказе от службы", "из них осуждено", "дела всех видов", "суды с делами"],
     "21,0"),
    ("en", "Refusal to serve in Russian military courts",
     ["refusal-to-serve cases", "of them sentenced", "cases of all kinds", "courts with cases"],
     "21.0"),
]


def test_overview_screenshots_in_russian_and_english(dashboard: Dashboard,
                                                     tmp_path: Path) -> None:
    """The overview as a browser draws it in each language: headline, headline numbers in
    the locale's format (read back from the rendered DOM), charts drawn; a screenshot of
    each, kept in the test's tmp dir and in var/screenshots."""
    summary = dashboard.api("/summary")["data"][0]
    keys = ["refusal_cases", "refusal_verdicts", "cases", "courts_with_cases"]
    shots = {}
    for lang, headline, labels, alert_value in LANGUAGES:
        url = f"{dashboard.url}/?lang={lang}"
        dom = browser.dump_dom(url)
        assert re.search(rf'<html lang="{lang}"[^>]*data-charts-rendered="5"', dom), lang
        assert f"<h1>{headline}</h1>" in dom
        shown = [(html.unescape(v), html.unescape(label)) for v, label in re.findall(
            r'<span class="value">([^<]*)</span><span class="label">([^<]*)', dom)]
        with i18n.using(lang):  # type: ignore[arg-type]
            want = [(i18n.format_number(summary[k]), label) for k, label in
                    zip(keys, labels, strict=True)]
        assert shown == want, lang
        assert f'<td class="num">{alert_value}</td>' in dom, lang
        shot = tmp_path / f"overview-{lang}.png"
        browser.screenshot(url, shot)
        counts = colour_counts(shot.read_bytes())
        assert len(counts) > 200 and counts[REFUSAL_RED] > 500, lang
        kept = SCREENSHOT.with_name(f"dashboard-overview-{lang}.png")
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, kept)
        print(f"overview ({lang}) screenshot: {shot} (kept as {kept})")
        shots[lang] = shot.read_bytes()
    assert shots["ru"] != shots["en"]

"""The rendered reports open in a real browser: images load, nothing overflows, no console errors.

Each page (the index and every report, latest data and as of 2021-04-08) is saved as a
full-page screenshot ($TARGETS_SCREENSHOTS, else a temporary folder) for reading by eye.

Uses Debian's Chromium (installed by ``make test`` where the machine allows it)
driven by Playwright; skipped, with the reason shown, where Chromium is absent.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from targets.report import render as report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'); browser test skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def rendered(rendered_reports):
    as_of, run = rendered_reports
    assert run.ok
    return run.output


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where the full-page screenshots go ($TARGETS_SCREENSHOTS, else a temporary folder)."""
    folder = os.environ.get("TARGETS_SCREENSHOTS")
    out = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


PAGES = ["index.html"] + [p.stem + ".html" for p in report.discover()]


@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_with_images_and_no_console_errors(
    browser, rendered, rendered_reports, page_name, screenshots
):
    as_of = rendered_reports[0] or "latest"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((rendered / page_name).as_uri())
    page.wait_for_load_state("load")
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
    )
    assert all(done and width > 0 for done, width, _ in images), images
    assert all(alt and alt != "Chart" for _, _, alt in images), images
    if page_name == "index.html":
        assert page.locator("table").count() >= 1
        assert page.locator("a[href='01-scorecard.html']").count() == 1
    # Nothing wider than the page: a table or chart cut at the right edge is a defect.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page_name}: {overflow}px wider than the window"
    assert page.title()
    shot = screenshots / f"{as_of}-{Path(page_name).stem}.png"
    page.screenshot(path=str(shot), full_page=True)  # looked at by eye, see the closing note
    assert shot.stat().st_size > 10_000
    assert not errors, errors
    page.close()

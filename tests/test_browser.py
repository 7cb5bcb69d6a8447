"""The rendered reports open in a real browser: images load, no console errors.

Uses Debian's Chromium (installed by ``make test`` where the machine allows it)
driven by Playwright; skipped, with the reason shown, where Chromium is absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from targets import report

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
def rendered(tmp_path_factory):
    from targets.frontpage import goal_rows

    out = tmp_path_factory.mktemp("browser") / "reports"
    notebooks = [p for p in report.discover() if p.name.startswith(("01-", "07-"))]
    run = report.write_reports(out, notebooks=notebooks, progress=False, summary=goal_rows)
    assert run.ok
    return out


@pytest.mark.parametrize("page_name", ["index.html", "01-scorecard.html", "07-data-sources.html"])
def test_page_renders_with_images_and_no_console_errors(browser, rendered, page_name, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((rendered / page_name).as_uri())
    page.wait_for_load_state("load")
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
    )
    if page_name != "index.html":
        assert images, "no images on the page"
        assert all(done and width > 0 for done, width, _ in images), images
        assert all(alt and alt != "Chart" for _, _, alt in images), images
    else:
        assert page.locator("table").count() >= 1
        assert page.locator("a[href='01-scorecard.html']").count() == 1
    assert page.title()
    shot = tmp_path / f"{Path(page_name).stem}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert not errors, errors
    page.close()

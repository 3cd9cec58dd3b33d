"""The report served by the app, opened in a real browser (Debian's chromium under
Playwright): every chart drawn and visible, no console error, no request leaving the server;
the screenshot of the README taken here."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from radar.models.account import Role
from radar.report.charts import CHARTS
from tests.browser_site import DemoSite, Watch, screenshot_dirs

pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)"
)


def _open_report(browser: Any, base: str, token: str, path: str) -> tuple[Any, Any, Watch]:
    """The report in a new tab, signed in by header (a report is a page of the API, not of
    the explorer); any request to another place is refused and recorded."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Authorization": f"Bearer {token}"},
    )
    watch = Watch()

    def route(handled: Any) -> None:
        if handled.request.url.startswith(base + "/"):
            handled.continue_()
        else:
            watch.outside.append(handled.request.url)
            handled.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on(
        "console",
        lambda message: (
            watch.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    response = page.goto(base + path)
    assert response is not None
    assert response.status == 200
    return context, page, watch


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_report_opens_in_a_browser_with_every_chart_and_nothing_from_outside(
    browser: Any, serve: Callable[..., str], demo_site: DemoSite, lang: str, tmp_path: Path
) -> None:
    base = serve()
    context, page, watch = _open_report(
        browser, base, demo_site.tokens[Role.admin], f"/v1/reports/overview?lang={lang}"
    )
    try:
        assert page.locator("html").get_attribute("lang") == lang
        for chart in CHARTS:
            svg = page.locator(f"section#{chart.key} svg.chart")
            assert svg.count() == 1, chart.key
            svg.scroll_into_view_if_needed()
            assert svg.is_visible(), chart.key
            box = svg.bounding_box()
            assert box is not None, chart.key
            assert box["width"] > 300, chart.key
            assert box["height"] > 150, chart.key
            # Drawn, not an empty frame: the demo data fills every chart with marks.
            assert svg.locator("path, use, image, rect").count() > 10, chart.key
        assert page.locator("table.pairs tbody tr").count() == 20
        assert page.locator("#overview dd").first.inner_text().strip() != "0"
    finally:
        context.close()
    assert watch.page_errors == [], "the page threw"
    assert watch.console_errors == [], "the page logged errors"
    assert watch.outside == [], "the page asked another place"


def test_screenshot_of_the_report(
    browser: Any, serve: Callable[..., str], demo_site: DemoSite, tmp_path: Path
) -> None:
    base = serve()
    context, page, watch = _open_report(
        browser, base, demo_site.tokens[Role.admin], "/v1/reports/overview?lang=en"
    )
    try:
        for folder in screenshot_dirs(tmp_path):
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / "report.png"), full_page=True)
    finally:
        context.close()
    assert (tmp_path / "report.png").stat().st_size > 0
    assert watch.console_errors == []
    assert watch.outside == []

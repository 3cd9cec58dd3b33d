"""The report as HTML and PDF: self-contained (no URL of another place), one SVG per chart, in
German and English, the pairs with their reasons, an empty report that says so; the PDF
turned into images (`pdftoppm`) to count its pages and see that none is blank."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session

from radar.report.charts import CHARTS
from radar.report.html import render_html
from radar.report.pdf import render_pdf
from radar.report.texts import TEXTS, ReportLanguage
from radar.settings import Settings
from tests.factories import create_actor
from tests.report.conftest import OUTSIDE, gather
from tests.statistics_region import build_region

PDFTOPPM = shutil.which("pdftoppm")
REQUIRE_TOOLS = os.environ.get("RADAR_TEST_REQUIRE_BROWSER") == "1"
# The overview, a page per chart, the pairs (a region's few on one page).
PAGES = 1 + len(CHARTS) + 1


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (ReportLanguage.de, ["Radar – Überblick", "Kennzahlen", "Gemeinsame Projekte"]),
        (ReportLanguage.en, ["Radar – overview", "Key figures", "Joint projects"]),
    ],
)
def test_the_html_report_is_self_contained_in_either_language(
    client: TestClient,
    engine: Engine,
    session: Session,
    settings: Settings,
    lang: ReportLanguage,
    words: list[str],
) -> None:
    build_region(client, engine)

    page = render_html(gather(session, settings, lang=lang))

    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert all(word in page for word in words)
    assert OUTSIDE.search(page) is None
    assert "<script" not in page
    assert "<link" not in page
    # The only http URLs left: the SVG namespaces, which name and fetch nothing.
    assert set(re.findall(r"https?://[^\s\"')]+", page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    svgs = _svgs(page)
    assert len(svgs) == len(CHARTS)
    for chart, svg in zip(CHARTS, svgs, strict=True):
        assert f'<section id="{chart.key}"' in page
        assert 'role="img" aria-label=' in svg
        # Each chart's ids are its own (the page shares one namespace of ids).
        assert all(i.startswith(f"{chart.key}-") for i in re.findall(r'\bid="([^"]+)"', svg))
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert "2026-03-01" in page


def test_the_html_report_names_the_filters_and_the_pairs_with_their_reasons(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    build_region(client, engine)
    data = gather(
        session, settings, districts=["Olpe", "Siegen-Wittgenstein"], lang=ReportLanguage.en
    )

    page = render_html(data)

    assert "Districts: Olpe, Siegen-Wittgenstein" in page
    assert data.potential.top
    for pair in data.potential.top:
        assert pair.a.name in page
        assert pair.b.name in page
        assert all(reason.en.replace("'", "&#x27;") in page for reason in pair.reasons)
        assert f"{pair.score:.2f}" in page


def test_what_actors_wrote_is_escaped(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    build_region(client, engine)
    create_actor(client, name="<i>Kursiv</i> GmbH", district="<b>Fett</b> & Co")

    page = render_html(gather(session, settings))

    assert "<b>" not in page
    assert "&lt;b&gt;Fett&lt;/b&gt; &amp; Co" in page  # the tables', and the charts' text


def test_characters_the_font_lacks_are_drawn_without_a_warning(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    # The suite turns warnings into errors: matplotlib's "Glyph … missing" would fail here.
    build_region(client, engine)
    create_actor(client, name="東京 Präzision GmbH", district="東京\x06")

    data = gather(session, settings)
    page = render_html(data)
    document = render_pdf(data)

    assert "東京" in page
    assert document.startswith(b"%PDF")


@pytest.mark.parametrize("lang", list(ReportLanguage))
def test_an_empty_report_says_so(
    engine: Engine, session: Session, settings: Settings, lang: ReportLanguage
) -> None:
    data = gather(session, settings, lang=lang)

    page = render_html(data)

    notice = TEXTS["empty"][0 if lang is ReportLanguage.de else 1]
    assert notice in page
    assert len(_svgs(page)) == len(CHARTS)
    assert TEXTS["no_data"][0 if lang is ReportLanguage.de else 1] in page
    assert render_pdf(data).startswith(b"%PDF")


def _pages(pdf: bytes, folder: Path) -> list[Path]:
    """The PDF's pages as PNG images, by poppler's pdftoppm."""
    if PDFTOPPM is None:
        reason = "pdftoppm is not installed (apt-get install poppler-utils)"
        if REQUIRE_TOOLS:
            pytest.fail(reason)
        pytest.skip(reason)
    source = folder / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "40", str(source), str(folder / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(folder.glob("page-*.png"))


def _ink(image: Path) -> float:
    """The share of the page's pixels that are not white."""
    with Image.open(image) as opened:
        grey = opened.convert("L")
        histogram = grey.histogram()
        return 1 - sum(histogram[250:]) / (grey.width * grey.height)


@pytest.mark.parametrize("lang", list(ReportLanguage))
def test_the_pdf_has_a_page_each_for_the_figures_the_charts_and_the_pairs(
    client: TestClient,
    engine: Engine,
    session: Session,
    settings: Settings,
    lang: ReportLanguage,
    tmp_path: Path,
) -> None:
    build_region(client, engine)

    pdf = render_pdf(gather(session, settings, lang=lang))

    assert pdf.startswith(b"%PDF")
    pages = _pages(pdf, tmp_path)
    assert len(pages) == PAGES
    for page in pages:
        assert _ink(page) > 0.005, f"{page.name} is blank"
    with Image.open(pages[0]) as first, Image.open(pages[1]) as chart:
        assert first.height > first.width  # the figures: A4 portrait
        assert chart.width > chart.height  # a chart: A4 landscape


def test_an_empty_pdf_still_has_every_page(
    engine: Engine, session: Session, settings: Settings, tmp_path: Path
) -> None:
    pages = _pages(render_pdf(gather(session, settings)), tmp_path)

    assert len(pages) == PAGES
    assert all(_ink(page) > 0 for page in pages)


def test_the_same_data_gives_the_same_documents(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    build_region(client, engine)
    data = gather(session, settings)

    assert render_html(data) == render_html(data)
    assert render_pdf(data) == render_pdf(data)

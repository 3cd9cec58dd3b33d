"""The report as a PDF, drawn by matplotlib's own PDF backend (no other dependency): a page of
key figures, a page per chart, and the strongest unconnected pairs on the pages after."""

import io
import textwrap
from collections.abc import Iterator
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from radar import __version__
from radar.report.charts import CHARTS, Chart, drawing
from radar.report.data import TOP_PAIRS, OnStep, ReportData
from radar.report.html import filter_lines, key_figures, kind_rows, reason_texts
from radar.report.texts import Texts

PORTRAIT = (8.27, 11.69)  # A4, inches
LANDSCAPE = (11.69, 8.27)
LINE = 0.016  # a line of 9-point text on a portrait page (or 7.5 on a landscape one)
TOP, BOTTOM = 0.93, 0.05
WRAP = 100  # characters of a line of 9-point text across a portrait page
PAIR_WRAP = 112  # characters of a line of 7.5-point text in the pairs' reasons column
RED, MUTED = "#a33b2b", "#5a6672"


def render_pdf(data: ReportData, *, on_step: OnStep | None = None) -> bytes:
    """The whole report in the data's language; `on_step` hears "charts" and "document"."""
    t = Texts(data.lang)
    buffer = io.BytesIO()
    metadata = {
        "Title": f"{t.get('title')} – {data.generated.isoformat()}",
        "Creator": f"Radar {__version__}",
        "CreationDate": None,  # the same report, the same bytes
    }
    with drawing(), PdfPages(buffer, metadata=metadata) as pdf:
        pdf.savefig(_overview_page(data, t))
        for chart in CHARTS:
            pdf.savefig(_chart_page(chart, data, t))
        if on_step is not None:
            on_step("charts")
        for page in _pair_pages(data, t):
            pdf.savefig(page)
    if on_step is not None:
        on_step("document")
    return buffer.getvalue()


class _Page:
    """A page written top down, line by line."""

    def __init__(self, size: tuple[float, float] = PORTRAIT) -> None:
        self.figure = Figure(figsize=size)
        self.y = TOP

    def room(self, lines: float) -> bool:
        return self.y - lines * LINE >= BOTTOM

    def write(self, text: str, *, lines: float = 1, x: float = 0.08, **style: Any) -> None:
        self.figure.text(x, self.y, text, va="top", **style)
        self.y -= lines * LINE


def _wrapped(text: str, width: int = WRAP) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def _overview_page(data: ReportData, t: Texts) -> Figure:
    page = _Page()
    page.write(t.get("title"), lines=2.4, fontsize=20, weight="bold")
    page.write(f"{t.get('date')}: {data.generated.isoformat()}", color=MUTED)
    for line in filter_lines(data, t):
        page.write(f"{t.get('filters')}: {line}", color=MUTED)
    for line in _wrapped(t.get("audience", role=data.role)):
        page.write(line, color=MUTED)
    if data.empty:
        page.y -= LINE
        for line in _wrapped(t.get("empty")):
            page.write(line, color=RED)
    page.y -= 2 * LINE
    page.write(t.get("overview"), lines=2.2, fontsize=14, weight="bold")
    figures = key_figures(data, t)
    for first in range(0, len(figures), 2):
        for column, (label, value, note) in enumerate(figures[first : first + 2]):
            x = 0.08 + column * 0.45
            page.figure.text(x, page.y, label, va="top", color=MUTED)
            page.figure.text(
                x, page.y - LINE, t.number(value), va="top", fontsize=18, weight="bold"
            )
            if note:
                page.figure.text(x, page.y - 3 * LINE, note, va="top", fontsize=7, color=MUTED)
        page.y -= 4.6 * LINE
    page.y -= LINE
    page.write(t.get("by_kind"), lines=1.8, fontsize=12, weight="bold")
    for kind, count in kind_rows(data, t):
        page.figure.text(0.08, page.y, kind, va="top")
        page.figure.text(0.45, page.y, t.number(count), va="top", ha="right")
        page.y -= LINE
    return page.figure


def _chart_page(chart: Chart, data: ReportData, t: Texts) -> Figure:
    figure = Figure(figsize=LANDSCAPE, layout="constrained")
    chart.draw(figure, data, t)
    figure.suptitle(t.get(chart.title), fontsize=15, weight="bold")
    # The caption under the chart: constrained layout keeps room for a figure's x label.
    figure.supxlabel("\n".join(_wrapped(chart.caption(data, t), 150)), fontsize=9, color=MUTED)
    return figure


def _pair_pages(data: ReportData, t: Texts) -> Iterator[Figure]:
    """The pairs as a table across landscape pages: the two actors, the score, and the
    reasons for (black) and against (red) as two paragraphs."""
    potential = data.potential
    page = _Page(LANDSCAPE)
    title = t.get("pairs_title", count=len(potential.top) or TOP_PAIRS)
    page.write(title, lines=2, fontsize=14, weight="bold", x=0.04)
    intro = t.get("pairs_caption", min_score=t.number(potential.min_score, 2))
    if potential.sampled:
        intro += " " + t.get(
            "pairs_sampled", scanned=t.number(potential.scanned), actors=t.number(potential.actors)
        )
    for line in _wrapped(intro, 170):
        page.write(line, color=MUTED, x=0.04)
    page.y -= LINE
    if not potential.top:
        page.write(t.get("no_pairs"), x=0.04)
    for number, pair in enumerate(potential.top, start=1):
        reasons = reason_texts(pair, t)
        paragraphs = [
            (_wrapped("  ".join(f"{mark} {text}" for text, against in reasons if against == side),
                      PAIR_WRAP), RED if side else "black")
            for side, mark in ((False, "+"), (True, "–"))
        ]  # fmt: skip
        names = [
            line
            for actor in (pair.a, pair.b)
            for line in (
                *_wrapped(actor.name, 40),
                f"{actor.district or t.get('no_district')} · {t.kind(actor.kind)}",
            )
        ]
        height = max(len(names), sum(len(lines) for lines, _ in paragraphs if lines != [""]))
        if not page.room(height + 0.6):
            yield page.figure
            page = _Page(LANDSCAPE)
        top = page.y
        page.write(f"{number}.", x=0.04, lines=0, fontsize=8, weight="bold")
        page.write(t.number(pair.score, 2), x=0.33, lines=0, fontsize=8, weight="bold", ha="right")
        for i, line in enumerate(names):
            side_start = i in (0, len(names) // 2)
            page.write(line, x=0.07, fontsize=7.5, weight="bold" if side_start else "normal",
                       color="black" if side_start else MUTED)  # fmt: skip
        page.y = top
        for lines, colour in paragraphs:
            for line in lines if lines != [""] else []:
                page.write(line, x=0.35, fontsize=7.5, color=colour)
        page.y = top - (height + 0.6) * LINE
        page.figure.add_artist(
            Line2D([0.04, 0.96], [page.y + 0.4 * LINE] * 2, color="#d8dee4", linewidth=0.5)
        )
    yield page.figure

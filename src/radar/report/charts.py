"""The report's charts, drawn with matplotlib on `Figure` objects (its Agg canvas, never pyplot,
whose global figures the server's threads would share), with the table of figures each draws,
and as inline SVG for the HTML page."""

import io
import math
import re
import textwrap
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from radar.report.data import ReportData
from radar.report.texts import Texts
from radar.services.growth import MEASURES

# Set once, to constants: SVG ids hashed with a fixed salt (the same data, the same file), text
# kept as text (small, searchable, the reader's fonts), TrueType fonts in the PDF (selectable).
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "radar-report",
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"],
        "font.size": 9,
    }
)

# Larger regions: the districts with most actors get a row each, the rest one row together.
MAX_DISTRICTS = 15
# Beyond this many points the map's scatter is embedded as one image (inside the SVG still):
# a vector mark per actor would make the file megabytes long.
RASTER_POINTS = 2000
WEB_SIZE = (9.0, 5.0)  # inches
HEAT = "YlGnBu"
OFFERED, SOUGHT, UNMET = "#4c9a2a", "#2f6db5", "#c0392b"
NO_DISTRICT_COLOUR = "#b0b0b0"

Table = tuple[list[str], list[list[str]]]
IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Chart:
    """One chart: its words (keys into the texts), how it is drawn, and its figures as a
    table for readers who cannot see it."""

    key: str
    title: str
    draw: Callable[[Figure, ReportData, Texts], None]
    caption: Callable[[ReportData, Texts], str]
    table: Callable[[ReportData, Texts], Table]


@dataclass(frozen=True)
class Matrix:
    rows: list[str]
    columns: list[str]
    values: IntMatrix


def district_rows(data: ReportData, t: Texts) -> tuple[list[str], dict[str | None, int]]:
    """The districts as rows (most actors first, none last; beyond `MAX_DISTRICTS` the rest as
    one) and each district's row."""
    named = [b.key for b in data.by_district.data if b.key is not None]
    kept = named if len(named) <= MAX_DISTRICTS else named[: MAX_DISTRICTS - 1]
    rest = named[len(kept) :]
    labels = list(kept)
    row: dict[str | None, int] = {name: i for i, name in enumerate(kept)}
    if rest:
        row.update(dict.fromkeys(rest, len(labels)))
        labels.append(t.get("other_districts"))
    if any(b.key is None for b in data.by_district.data):
        row[None] = len(labels)
        labels.append(t.get("no_district"))
    return labels, row


def _field_label(data: ReportData, t: Texts, slug: str | None) -> str:
    if slug is None:
        return t.get("no_field")
    return t.pick(data.field_labels.get(slug, (slug, slug)))


def fields_by_district(data: ReportData, t: Texts) -> Matrix:
    rows, row = district_rows(data, t)
    present = {b.key for b in data.fields_by_district.column_totals}
    slugs: list[str | None] = [s for s in data.field_labels if s in present]
    slugs += sorted(s for s in present if s is not None and s not in data.field_labels)
    slugs += [None] if None in present else []
    column = {slug: j for j, slug in enumerate(slugs)}
    values = np.zeros((len(rows), len(slugs)), dtype=np.int64)
    for cell in data.fields_by_district.data:
        values[row[cell.row], column[cell.column]] += cell.count
    return Matrix(rows, [_field_label(data, t, s) for s in slugs], values)


def ties_between_districts(data: ReportData, t: Texts) -> Matrix:
    rows, row = district_rows(data, t)
    values = np.zeros((len(rows), len(rows)), dtype=np.int64)
    for cell in data.network.districts:
        a, b = row[cell.district_a], row[cell.district_b]
        values[a, b] += cell.ties
        if a != b:
            values[b, a] += cell.ties
    return Matrix(rows, rows, values)


def _draw_heatmap(figure: Figure, matrix: Matrix, t: Texts, x_label: str, y_label: str) -> None:
    if not matrix.values.size:
        no_data(figure, t)
        return
    ax = figure.add_subplot()
    image = ax.imshow(matrix.values, cmap=HEAT, aspect="auto", vmin=0)
    columns = ["\n".join(textwrap.wrap(label, 24)) for label in matrix.columns]
    ax.set_xticks(range(len(columns)), labels=columns, rotation=20, ha="right")
    ax.set_yticks(range(len(matrix.rows)), labels=matrix.rows)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.tick_params(length=0)
    threshold = matrix.values.max() / 2
    for (i, j), value in np.ndenumerate(matrix.values):
        ax.text(
            j,
            i,
            str(value),
            ha="center",
            va="center",
            color="white" if value > threshold else "black",
        )
    bar = figure.colorbar(image, ax=ax, label=t.get("actors"), shrink=0.8)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()


def _matrix_table(matrix: Matrix, corner: str) -> Table:
    return [corner, *matrix.columns], [
        [label, *(str(v) for v in values)]
        for label, values in zip(matrix.rows, matrix.values.tolist(), strict=True)
    ]


def draw_fields_by_district(figure: Figure, data: ReportData, t: Texts) -> None:
    matrix = fields_by_district(data, t)
    _draw_heatmap(figure, matrix, t, t.get("action_field"), t.get("district"))


def draw_ties_between_districts(figure: Figure, data: ReportData, t: Texts) -> None:
    matrix = ties_between_districts(data, t)
    if not matrix.values.any():
        no_data(figure, t)
        return
    _draw_heatmap(figure, matrix, t, t.get("district"), t.get("district"))
    figure.axes[-1].set_ylabel(t.get("ties"))


def draw_supply_and_demand(figure: Figure, data: ReportData, t: Texts) -> None:
    rows = data.gaps.data
    if not rows:
        no_data(figure, t)
        return
    ax = figure.add_subplot()
    y = np.arange(len(rows))
    height = 0.38
    offered = [row.offerers for row in rows]
    sought = [row.seekers for row in rows]
    unmet = [row.unmet for row in rows]
    ax.barh(y - height / 2, offered, height, color=OFFERED, label=t.get("offered"))
    ax.barh(y + height / 2, sought, height, color=SOUGHT, label=t.get("sought"))
    ax.barh(
        y + height / 2, unmet, height, color=UNMET, hatch="//", edgecolor="white",
        label=f"{t.get('sought')}, {t.get('unmet')}",
    )  # fmt: skip
    ax.set_yticks(y, labels=[_term_label(row.label_de, row.label_en, row.unmet, t) for row in rows])
    for label, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row.unmet:
            label.set_color(UNMET)
    ax.invert_yaxis()
    ax.set_xlabel(t.get("actors"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)


def _term_label(label_de: str, label_en: str, unmet: int, t: Texts) -> str:
    label = t.pick((label_de, label_en))
    label = label if len(label) <= 40 else label[:39] + "…"
    return f"{label} ({unmet} {t.get('unmet')})" if unmet else label


def supply_and_demand_table(data: ReportData, t: Texts) -> Table:
    header = [t.get("term"), t.get("offered"), t.get("sought"), t.get("unmet")]
    return header, [
        [t.pick((row.label_de, row.label_en)), str(row.offerers), str(row.seekers), str(row.unmet)]
        for row in data.gaps.data
    ]


def months(data: ReportData) -> list[str]:
    """Every month from the first to the last with anything new (`YYYY-MM`)."""
    found = [row.month for row in data.growth.data]
    if not found:
        return []
    year, month = map(int, found[0].split("-"))
    last = found[-1]
    every = []
    while (text := f"{year:04d}-{month:02d}") <= last:
        every.append(text)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return every


def growth_series(data: ReportData) -> tuple[list[str], dict[str, list[int]]]:
    every = months(data)
    at = {month: i for i, month in enumerate(every)}
    series = {measure: [0] * len(every) for measure in MEASURES}
    for row in data.growth.data:
        for measure in MEASURES:
            series[measure][at[row.month]] += int(getattr(row, measure))
    return every, series


def draw_growth(figure: Figure, data: ReportData, t: Texts) -> None:
    every, series = growth_series(data)
    if not every:
        no_data(figure, t)
        return
    ax = figure.add_subplot()
    x = np.arange(len(every))
    for measure in MEASURES:
        ax.plot(x, series[measure], marker="o" if len(every) <= 24 else None, label=t.get(measure))
    step = max(1, math.ceil(len(every) / 18))
    ax.set_xticks(x[::step], labels=every[::step], rotation=45, ha="right")
    ax.set_xlabel(t.get("month"))
    ax.set_ylabel(t.get("count"))
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", ncols=3)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def growth_table(data: ReportData, t: Texts) -> Table:
    every, series = growth_series(data)
    header = [t.get("month"), *(t.get(measure) for measure in MEASURES)]
    return header, [
        [month, *(str(series[m][i]) for m in MEASURES)] for i, month in enumerate(every)
    ]


def district_colours(data: ReportData, t: Texts) -> list[tuple[str, str, list[int]]]:
    """(label, colour, point indices) per district on the map: the nine with most actors in
    colours of their own, the rest grey."""
    palette = matplotlib.color_sequences["tab10"]
    names = [b.key for b in data.by_district.data if b.key is not None]
    own = {name: i for i, name in enumerate(names[:9])}
    groups: dict[str, tuple[str, list[int]]] = {}
    for i, district in enumerate(data.points.district):
        if district is None:
            label, colour = t.get("no_district"), NO_DISTRICT_COLOUR
        elif district in own:
            label, colour = district, matplotlib.colors.to_hex(palette[own[district]])
        else:
            label, colour = t.get("other_districts"), "#707070"
        groups.setdefault(label, (colour, []))[1].append(i)
    order = {name: i for i, name in enumerate(names)}
    return sorted(
        ((label, colour, members) for label, (colour, members) in groups.items()),
        key=lambda item: (item[1] == NO_DISTRICT_COLOUR, order.get(item[0], len(order))),
    )


def draw_map(figure: Figure, data: ReportData, t: Texts) -> None:
    points = data.points
    if not points.lon:
        no_data(figure, t)
        return
    ax = figure.add_subplot()
    lon, lat = np.array(points.lon), np.array(points.lat)
    raster = lon.size > RASTER_POINTS
    size = 14 if lon.size <= 500 else 4
    for label, colour, members in district_colours(data, t):
        ax.scatter(
            lon[members], lat[members], s=size, color=colour, label=f"{label} ({len(members)})",
            alpha=0.8, linewidths=0, rasterized=raster,
        )  # fmt: skip
    # Degrees of longitude shrink with the cosine of the latitude: so the region keeps its shape.
    ax.set_aspect(1 / max(0.1, math.cos(math.radians(float(np.mean(lat))))), adjustable="datalim")
    ax.set_xlabel(t.get("longitude"))
    ax.set_ylabel(t.get("latitude"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, markerscale=1.5)
    ax.grid(alpha=0.3)


def map_table(data: ReportData, t: Texts) -> Table:
    return [t.get("district"), t.get("actors")], [
        [label, str(len(members))] for label, _, members in district_colours(data, t)
    ]


def no_data(figure: Figure, t: Texts) -> None:
    """A chart with nothing to draw says so."""
    figure.text(0.5, 0.5, t.get("no_data"), ha="center", va="center", fontsize=14, color="#666")


CHARTS: tuple[Chart, ...] = (
    Chart(
        "fields-by-district",
        "heatmap_title",
        draw_fields_by_district,
        lambda data, t: t.get("heatmap_caption"),
        lambda data, t: _matrix_table(fields_by_district(data, t), t.get("district")),
    ),
    Chart(
        "supply-and-demand",
        "gaps_title",
        draw_supply_and_demand,
        lambda data, t: t.get(
            "gaps_caption",
            count=len(data.gaps.data),
            unmet=data.gaps.unmet,
            needs=data.gaps.needs,
        ),
        supply_and_demand_table,
    ),
    Chart(
        "growth",
        "growth_title",
        draw_growth,
        lambda data, t: t.get("growth_caption"),
        growth_table,
    ),
    Chart(
        "collaboration",
        "network_title",
        draw_ties_between_districts,
        lambda data, t: t.get(
            "network_caption",
            within=data.network.ties.within_districts,
            across=data.network.ties.across_districts,
        ),
        lambda data, t: _matrix_table(ties_between_districts(data, t), t.get("district")),
    ),
    Chart(
        "map",
        "map_title",
        draw_map,
        lambda data, t: t.get("map_caption", unplaced=data.points.unplaced),
        map_table,
    ),
)


_DRAWING = threading.Lock()


@contextmanager
def drawing() -> Iterator[None]:
    """Draw one report at a time (matplotlib's text layout shares state between figures), and
    without the warning of a character the bundled font lacks (an actor's name in Chinese, a
    control character in a district): the SVG keeps the text for the browser's fonts to draw,
    the PDF shows a box, and there is nothing to warn a server's log about."""
    with _DRAWING, warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .*missing from", UserWarning)
        yield


def web_figure() -> Figure:
    return Figure(figsize=WEB_SIZE, layout="constrained")


_SVG_START = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


def svg_markup(figure: Figure, key: str, label: str) -> str:
    """`figure` as an `<svg>` element to put inline in HTML: without the XML prolog and
    metadata, its ids prefixed with `key` (several charts share one page's ids), labelled
    for screen readers with `label`."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _SVG_START.sub("", buffer.getvalue(), count=1))
    text = _ID.sub(lambda m: f'id="{key}-{m.group(1)}"', text)
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}{key}-{m.group(2)}", text)
    escaped = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return text.replace("<svg ", f'<svg role="img" aria-label="{escaped}" class="chart" ', 1)

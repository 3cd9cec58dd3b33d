"""The report as one self-contained HTML file: inline CSS, the charts as inline SVG, no script
and no URL of any other place — it opens the same mailed, offline or printed."""

from collections.abc import Sequence
from html import escape

from radar import __version__
from radar.models.match import MatchedActor, MatchedPair
from radar.report.charts import CHARTS, Chart, Table, drawing, svg_markup, web_figure
from radar.report.data import TOP_PAIRS, OnStep, ReportData
from radar.report.texts import Texts

MEDIA_TYPE = "text/html; charset=utf-8"
AGAINST = ' class="against"'

STYLE = """
:root { color-scheme: light; --ink: #1d2733; --muted: #5a6672; --line: #d8dee4;
  --accent: #2f6db5; --against: #a33b2b; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px 48px; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { margin: 0 0 4px; font-size: 28px; }
h2 { margin: 40px 0 8px; font-size: 21px; border-bottom: 2px solid var(--accent);
  padding-bottom: 4px; }
.meta { margin: 0; color: var(--muted); }
.notice { margin: 16px 0; padding: 12px 16px; border-left: 4px solid var(--against);
  background: #fbf1ef; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr));
  gap: 12px; margin: 16px 0; padding: 0; }
.figures div { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.figures dt { color: var(--muted); font-size: 13px; }
.figures dd { margin: 0; font-size: 26px; font-weight: 600; }
.figures dd small { display: block; font-size: 12px; font-weight: 400; color: var(--muted); }
figure { margin: 0; }
svg.chart { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); margin-top: 6px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left;
  vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
details { margin-top: 8px; }
summary { cursor: pointer; color: var(--accent); }
.pairs td:nth-child(5) { min-width: 340px; }
.pairs ul { margin: 0; padding-left: 18px; }
.pairs li.against { color: var(--against); }
.district { color: var(--muted); font-size: 12px; display: block; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; }
  section { break-inside: avoid; }
  details { display: none; }
}
"""


def render_html(data: ReportData, *, on_step: OnStep | None = None) -> str:
    """The whole report in the data's language; `on_step` hears "charts" and "document"."""
    t = Texts(data.lang)
    with drawing():
        charts = [_chart_section(chart, data, t) for chart in CHARTS]
    if on_step is not None:
        on_step("charts")
    title = t.get("title")
    page = "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{data.lang}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)} – {data.generated.isoformat()}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            "<header>",
            f"<h1>{escape(title)}</h1>",
            f'<p class="meta">{_heading_line(data, t)}</p>',
            f'<p class="meta">{escape(t.get("audience", role=data.role))}</p>',
            "</header>",
            "<main>",
            *(
                [f'<p class="notice" role="status">{escape(t.get("empty"))}</p>']
                if data.empty
                else []
            ),
            _overview(data, t),
            *charts,
            _pairs(data, t),
            "</main>",
            f"<footer>Radar {escape(__version__)}</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )
    if on_step is not None:
        on_step("document")
    return page


def filter_lines(data: ReportData, t: Texts) -> list[str]:
    """The filters as a reader would give them, one per line (plain text)."""
    lines = []
    if data.filters.districts:
        lines.append(f"{t.get('filter_districts')}: {', '.join(data.filters.districts)}")
    if data.filters.action_fields:
        labels = [t.pick(data.field_labels.get(s, (s, s))) for s in data.filters.action_fields]
        lines.append(f"{t.get('filter_fields')}: {', '.join(labels)}")
    return lines or [t.get("no_filters")]


def key_figures(data: ReportData, t: Texts) -> list[tuple[str, int, str]]:
    """(label, value, note) of the overview's figures."""
    ties = data.network.ties.total
    return [
        (t.get("actors"), data.actors, ""),
        (t.get("districts"), data.districts, ""),
        (t.get("ideas"), data.total("ideas"), ""),
        (t.get("joint_projects"), data.total("collaborations"), t.get("joint_projects_note")),
        (t.get("groups"), data.total("groups"), ""),
        (t.get("news"), data.total("news"), ""),
        (t.get("ties"), ties, t.get("ties_note")),
        (t.get("isolated"), data.network.isolated, ""),
    ]


def kind_rows(data: ReportData, t: Texts) -> list[tuple[str, int]]:
    return [(t.kind(b.key), b.count) for b in data.by_kind.data if b.key is not None]


def _heading_line(data: ReportData, t: Texts) -> str:
    filters = "; ".join(filter_lines(data, t))
    return (
        f"{escape(t.get('date'))}: <time>{data.generated.isoformat()}</time> · "
        f"{escape(t.get('filters'))}: {escape(filters)}"
    )


def _overview(data: ReportData, t: Texts) -> str:
    cards = "".join(
        f"<div><dt>{escape(label)}</dt><dd>{t.number(value)}"
        + (f"<small>{escape(note)}</small>" if note else "")
        + "</dd></div>"
        for label, value, note in key_figures(data, t)
    )
    kinds = _table(
        ([t.get("kind"), t.get("count")], [[k, str(n)] for k, n in kind_rows(data, t)]),
        caption=t.get("by_kind"),
    )
    return (
        f'<section id="overview"><h2>{escape(t.get("overview"))}</h2>'
        f'<dl class="figures">{cards}</dl>{kinds}</section>'
    )


def _chart_section(chart: Chart, data: ReportData, t: Texts) -> str:
    title = t.get(chart.title)
    figure = web_figure()
    chart.draw(figure, data, t)
    svg = svg_markup(figure, chart.key, t.get("chart_alt", title=title))
    return (
        f'<section id="{chart.key}" class="chart-section"><h2>{escape(title)}</h2>'
        f"<figure>{svg}<figcaption>{escape(chart.caption(data, t))}</figcaption></figure>"
        f"<details><summary>{escape(t.get('data_table'))}</summary>"
        f"{_table(chart.table(data, t))}</details></section>"
    )


def _table(table: Table, *, caption: str | None = None) -> str:
    header, rows = table
    numeric = [bool(rows) and all(_is_number(row[j]) for row in rows) for j in range(len(header))]
    head = "".join(
        f'<th scope="col"{_number_class(numeric[j])}>{escape(cell)}</th>'
        for j, cell in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{_number_class(numeric[j])}>{escape(cell)}</td>" for j, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


def _number_class(numeric: bool) -> str:
    return ' class="number"' if numeric else ""


def _pairs(data: ReportData, t: Texts) -> str:
    potential = data.potential
    title = t.get("pairs_title", count=len(potential.top) or TOP_PAIRS)
    intro = t.get("pairs_caption", min_score=t.number(potential.min_score, 2))
    if potential.sampled:
        intro += " " + t.get(
            "pairs_sampled", scanned=t.number(potential.scanned), actors=t.number(potential.actors)
        )
    if not potential.top:
        body = f"<p>{escape(t.get('no_pairs'))}</p>"
    else:
        head = (
            f'<th scope="col" class="number">#</th>'
            f'<th scope="col" colspan="2">{escape(t.get("pair"))}</th>'
            f'<th scope="col" class="number">{escape(t.get("score"))}</th>'
            f'<th scope="col">{escape(t.get("reasons"))}</th>'
        )
        rows = "".join(_pair_row(i, pair, t) for i, pair in enumerate(potential.top, start=1))
        body = f'<table class="pairs"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    return f'<section id="pairs"><h2>{escape(title)}</h2><p>{escape(intro)}</p>{body}</section>'


def _pair_row(number: int, pair: MatchedPair, t: Texts) -> str:
    reasons = "".join(
        f"<li{AGAINST if against else ''}>{escape(text)}</li>"
        for text, against in reason_texts(pair, t)
    )
    return (
        f'<tr><td class="number">{number}</td><td>{_actor(pair.a, t)}</td>'
        f"<td>{_actor(pair.b, t)}</td>"
        f'<td class="number">{t.number(pair.score, 2)}</td><td><ul>{reasons}</ul></td></tr>'
    )


def _actor(actor: MatchedActor, t: Texts) -> str:
    district = actor.district or t.get("no_district")
    return (
        f"{escape(actor.name)}"
        f'<span class="district">{escape(district)} · {escape(t.kind(actor.kind))}</span>'
    )


def reason_texts(pair: MatchedPair, t: Texts) -> Sequence[tuple[str, bool]]:
    """A pair's reasons in the report's language, each with whether it speaks against."""
    return [(t.pick((reason.de, reason.en)), reason.against) for reason in pair.reasons]

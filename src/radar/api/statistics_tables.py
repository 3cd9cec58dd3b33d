"""Statistics as flat CSV tables, for `Accept: text/csv`: one row per line, spreadsheet-safe
cells (`csv_cells`), the same figures as the JSON."""

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel

from radar.models.statistics import (
    ActorStatistics,
    CrossTable,
    Gaps,
    Growth,
    MatchPotential,
    Network,
    NetworkTable,
    PotentialTable,
)
from radar.services.csv_cells import csv_row

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# The response differs by token and by the media type asked for.
VARY = "Authorization, Accept"

Table = tuple[Sequence[str], Iterable[Mapping[str, Any]]]


def csv_responses(description: str) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry of a 200 that is JSON or, asked for, CSV."""
    return {
        200: {
            "description": description,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }


def wants_csv(request: Request) -> bool:
    """Whether `Accept` prefers text/csv to JSON (by its q-values; JSON when equal only if
    JSON is named)."""
    quality: dict[str, float] = {}
    for item in request.headers.get("accept", "").split(","):
        media, *parameters = (part.strip() for part in item.split(";"))
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media.lower()] = max(quality.get(media.lower(), 0.0), q)
    wanted = quality.get("text/csv", 0.0)
    return wanted > 0 and wanted > quality.get("application/json", 0.0)


def negotiated(
    request: Request, response: Response, result: BaseModel, table: Callable[[], Table], name: str
) -> Any:
    """`result` as JSON, or as the CSV `table()` makes of it when the client asks for CSV."""
    if not wants_csv(request):
        response.headers["Vary"] = VARY
        return result
    columns, rows = table()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(csv_row(row))
    return Response(
        buffer.getvalue(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Vary": VARY, "Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def actor_counts(result: ActorStatistics) -> Table:
    rows = ({result.group_by.value: b.key, "count": b.count} for b in result.data)
    return (result.group_by.value, "count"), rows


def cross_cells(result: CrossTable) -> Table:
    row, column = result.rows.value, result.columns.value
    return (row, column, "count"), (
        {row: cell.row, column: cell.column, "count": cell.count} for cell in result.data
    )


def gap_rows(result: Gaps) -> Table:
    columns: tuple[str, ...] = ("district", "term", "topic", "label_de", "label_en", "seekers")
    columns += ("offerers",)
    columns += ("unmet", "nearest_outside")
    return columns, (
        {
            **row.model_dump(exclude={"nearest_outside"}),
            "nearest_outside": [
                f"{near.name} ({near.distance_km} km)"
                if near.distance_km is not None
                else near.name
                for near in row.nearest_outside
            ],
        }
        for row in result.data
    )


def growth_rows(result: Growth) -> Table:
    key = result.by.value if result.by else "key"
    columns = ("month", key, "actors", "ideas", "groups", "news", "memberships", "collaborations")
    return columns, ({**row.model_dump(exclude={"key"}), key: row.key} for row in result.data)


def network_rows(result: Network, part: NetworkTable) -> Table:
    if part is NetworkTable.bridges:
        columns: tuple[str, ...] = ("id", "name", "district", "kind", "parts", "cut_off")
        return columns, (bridge.model_dump(mode="json") for bridge in result.bridges)
    if part is NetworkTable.components:
        return ("size", "count"), (size.model_dump() for size in result.component_sizes)
    columns = ("district_a", "district_b", "project_ties", "group_ties", "ties")
    return columns, (row.model_dump() for row in result.districts)


def potential_rows(result: MatchPotential, part: PotentialTable) -> Table:
    if part is PotentialTable.action_fields:
        columns: tuple[str, ...] = ("action_field", "pairs", "score_sum")
        return columns, (row.model_dump() for row in result.action_fields)
    if part is PotentialTable.pairs:
        columns = tuple(f"{side}_{k}" for side in "ab" for k in ("id", "name", "kind", "district"))
        columns += ("score", "distance_km", "reasons")
        return columns, (
            {
                **{f"a_{k}": v for k, v in pair.a.model_dump(mode="json").items()},
                **{f"b_{k}": v for k, v in pair.b.model_dump(mode="json").items()},
                "score": pair.score,
                "distance_km": pair.distance_km,
                "reasons": [reason.en for reason in pair.reasons],
            }
            for pair in result.top
        )
    columns = ("district_a", "district_b", "pairs", "score_sum")
    return columns, (row.model_dump() for row in result.districts)

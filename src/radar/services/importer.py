"""Bulk import of actors and ideas from CSV or JSON Lines: validated row by row, upserted by
external_id through the same service functions as the API, committed in batches.

A row that fails changes nothing (it runs in its own savepoint); re-running a file changes
nothing (rows equal to what is stored are skipped, without a new version or event); an import
killed half-way and run again ends as one clean run would, because every row is an upsert."""

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, TypeVar

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from radar.db import session_scope
from radar.errors import FieldError, InvalidInput, RadarError
from radar.matching.topics import TopicNormaliser
from radar.models.actor import Actor
from radar.models.base import NUL, NUL_MESSAGE, holds_nul
from radar.services import actors, import_rows, vocabulary
from radar.services.csv_cells import plain_cell

Kind = Literal["actors", "ideas"]
Format = Literal["csv", "jsonl"]
COLUMNS: dict[Kind, tuple[str, ...]] = {
    "actors": (
        "external_id", "name", "kind", "description", "website", "topics", "tags",
        "action_fields", "offers", "seeks", "street", "postcode", "city", "country", "lat",
        "lon", "visibility",
    ),
    "ideas": (
        "external_id", "title", "summary", "kind", "status", "start_date", "end_date", "topics",
        "tags", "action_fields", "participants",
    ),
}  # fmt: skip
LIST_COLUMNS = frozenset({"topics", "tags", "action_fields", "offers", "seeks", "participants"})
NUMBER_COLUMNS = frozenset({"lat", "lon"})
BATCH_SIZE = 500
_T = TypeVar("_T")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    message: str


@dataclass
class ImportReport:
    kind: Kind
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows skipped because a later row of the same file has the same external_id: the last row
    # wins, so that importing a file twice changes nothing the second time.
    superseded: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return len({error.line for error in self.errors})


def detect_format(name: str) -> Format:
    """The format a file name or content type says: `.csv`/`text/csv`, else JSON Lines."""
    lowered = name.lower()
    return "csv" if lowered.endswith(".csv") or "csv" in lowered else "jsonl"


def read_records(text: str, fmt: Format, kind: Kind) -> list[tuple[int, dict[str, Any] | RowError]]:
    """(line number, record) for every row; a row that cannot be read, or holds a value of the
    wrong type, is a RowError. A CSV file that cannot be parsed past some line (a cell longer
    than the CSV reader's limit of 131,072 characters) is refused whole with InvalidInput,
    before anything is imported."""
    if fmt == "csv":
        return list(_csv_records(text, kind))
    return list(_jsonl_records(text, kind))


def _jsonl_records(text: str, kind: Kind) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    for number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, RowError(number, None, f"not valid JSON: {error.msg}")
            continue
        if not isinstance(record, dict):
            yield number, RowError(number, None, "each line must be one JSON object")
            continue
        unknown = sorted(set(record) - set(COLUMNS[kind]))
        if unknown:
            yield number, RowError(number, unknown[0], f"unknown column {unknown[0]!r}")
            continue
        yield number, _typed(number, record)


def _typed(line: int, record: dict[str, Any]) -> dict[str, Any] | RowError:
    """A JSON Lines record with each value checked against its column: a list of texts (or
    one `;`-separated text) for lists, a number (or a numeric text) for coordinates, a text
    for every other column; null and "" leave the stored value as it is."""
    typed: dict[str, Any] = {}
    for key, value in record.items():
        if value is None or value == "":
            continue
        if holds_nul(value):
            return RowError(line, key, NUL_MESSAGE)
        if key in LIST_COLUMNS:
            if isinstance(value, str):
                typed[key] = _split(value)
            elif isinstance(value, list) and all(isinstance(item, str) for item in value):
                typed[key] = value
            else:
                return RowError(line, key, "expected a list of texts or one `;`-separated text")
        elif key in NUMBER_COLUMNS:
            number = _number(value)
            if number is None:
                return RowError(line, key, "expected a number")
            typed[key] = number
        elif isinstance(value, str):
            typed[key] = value
        else:
            return RowError(line, key, "expected a text")
    return typed


def _number(value: Any) -> float | None:
    """A coordinate from a JSON number or a numeric text; None for anything else (true and
    false included: JSON booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _csv_records(text: str, kind: Kind) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = _parsed(reader, lambda: reader.fieldnames)
    unknown = sorted(set(header or ()) - set(COLUMNS[kind]))
    if unknown:
        # The header applies to every row: a file whose header names what no column is
        # cannot be read at all, so it is refused whole rather than reported as row 1.
        raise InvalidInput(
            [
                FieldError(
                    loc=("body",),
                    message=f"unknown column {unknown[0]!r} in the header; the {kind} "
                    f"columns are {', '.join(COLUMNS[kind])}",
                    type="unknown_column",
                    extra={"line": 1, "column": unknown[0]},
                )
            ],
            detail=f"The CSV header names an unknown column {unknown[0]!r}; nothing was imported",
        )
    while (row := _parsed(reader, lambda: next(reader, None))) is not None:
        yield reader.line_num, _csv_record(reader.line_num, row)


def _csv_record(line: int, row: dict[str | Any, str | Any]) -> dict[str, Any] | RowError:
    record: dict[str, Any] = {}
    for key, cell in row.items():
        if key is None or cell is None or not cell.strip():
            continue  # an empty cell leaves the stored value as it is
        if NUL in cell:
            return RowError(line, key, NUL_MESSAGE)
        value = plain_cell(cell.strip()).strip()
        if key in LIST_COLUMNS:
            record[key] = _split(value)
        else:
            # A coordinate is a number in text; the models take numbers only.
            number = _number(value) if key in NUMBER_COLUMNS else None
            record[key] = value if number is None else number
    return record


def _parsed(reader: "csv.DictReader[str]", read: Callable[[], _T]) -> _T:
    """What `read` reads from `reader`; InvalidInput naming the line where the CSV cannot be
    parsed (a cell longer than the reader's limit): past it, the reader cannot find the start
    of the next row reliably, so no row of the file is imported."""
    start = reader.line_num + 1
    try:
        return read()
    except csv.Error as error:
        raise InvalidInput(
            [
                FieldError(
                    loc=("body",),
                    message=f"line {start} cannot be read ({error}); no row was imported",
                    type="csv_unreadable",
                    extra={"line": start},
                )
            ],
            detail=f"The CSV cannot be read from line {start} on: {error}",
        ) from error


def run_import(
    engine: Engine,
    *,
    kind: Kind,
    records: Iterable[tuple[int, dict[str, Any] | RowError]],
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    on_row: Callable[[], None] | None = None,
) -> ImportReport:
    """Import `records`, `batch_size` rows per transaction; with `dry_run` validate only. Of
    rows with the same external_id only the last is imported (the others are `superseded`)."""
    report = ImportReport(kind=kind, dry_run=dry_run)
    with session_scope(engine) as session:
        normaliser = vocabulary.normaliser(session)
    records = list(records)
    last = {_external_id(record): line for line, record in records}
    batch: list[tuple[int, dict[str, Any] | RowError]] = []
    for item in records:
        line, record = item
        if (external_id := _external_id(record)) and last[external_id] != line:
            report.superseded += 1
            if on_row is not None:
                on_row()
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            _import_batch(
                engine, kind, batch, report, normaliser=normaliser, dry_run=dry_run, on_row=on_row
            )
            batch = []
    if batch:
        _import_batch(
            engine, kind, batch, report, normaliser=normaliser, dry_run=dry_run, on_row=on_row
        )
    return report


def _import_batch(
    engine: Engine,
    kind: Kind,
    batch: list[tuple[int, dict[str, Any] | RowError]],
    report: ImportReport,
    *,
    normaliser: TopicNormaliser,
    dry_run: bool,
    on_row: Callable[[], None] | None,
) -> None:
    with session_scope(engine) as session:
        rows: list[import_rows.Row] = []
        for line, record in batch:
            if isinstance(record, RowError):
                report.errors.append(record)
                if on_row is not None:
                    on_row()
            else:
                rows.append((line, record))
        upsert: Callable[[Session, dict[str, Any], TopicNormaliser], import_rows.Outcome]
        if kind == "actors":
            rows, stored = _create_new_actors(session, rows, normaliser, report, on_row=on_row)
            upsert = partial(import_rows.upsert_actor, stored=stored)
        else:
            upsert = import_rows.upsert_idea
        for line, record in rows:
            if on_row is not None:
                on_row()
            try:
                with session.begin_nested():
                    outcome = upsert(session, record, normaliser)
            except ValidationError as error:
                report.errors.extend(
                    RowError(line, ".".join(map(str, e["loc"])) or None, e["msg"])
                    for e in error.errors()
                )
                continue
            except InvalidInput as error:
                report.errors.extend(RowError(line, _field(e.loc), e.message) for e in error.errors)
                continue
            except RadarError as error:
                report.errors.append(RowError(line, error.extensions.get("field"), error.detail))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        if dry_run:
            session.rollback()


def _create_new_actors(
    session: Session,
    rows: list[import_rows.Row],
    normaliser: TopicNormaliser,
    report: ImportReport,
    *,
    on_row: Callable[[], None] | None,
) -> tuple[list[import_rows.Row], dict[str, Actor]]:
    """Create the batch's new actors in one go; return the rows left for the row-by-row
    upsert (updates, repeats, invalid rows, or all rows when the bulk write fails) and the
    batch's stored actors by external_id."""
    plan = import_rows.plan_actors(session, rows, normaliser)
    if not plan.fresh:
        return plan.rest, plan.stored
    try:
        with session.begin_nested():
            actors.create_actors(session, [data for _, data in plan.fresh])
    except RadarError:
        return rows, plan.stored
    report.created += len(plan.fresh)
    if on_row is not None:
        for _ in plan.fresh:
            on_row()
    return plan.rest, plan.stored


def _external_id(record: dict[str, Any] | RowError) -> str:
    """A row's external_id as the import matches it ("" for none, or a row that failed)."""
    if isinstance(record, RowError):
        return ""
    return str(record.get("external_id") or "").strip()


def _field(loc: Iterable[str | int]) -> str | None:
    parts = [str(part) for part in loc if part not in ("body", "query")]
    return ".".join(parts) or None

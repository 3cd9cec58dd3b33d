"""Bulk import of actors and ideas from CSV or JSON Lines: validated row by row, upserted by
external_id through the same service functions as the API, committed in batches.

A row that fails changes nothing (it runs in its own savepoint); re-running a file changes
nothing (rows equal to what is stored are skipped, without a new version or event); an import
killed half-way and run again ends as one clean run would, because every row is an upsert."""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from radar.db import session_scope
from radar.errors import InvalidInput, RadarError
from radar.matching.topics import TopicNormaliser
from radar.models.actor import Actor
from radar.services import actors, import_rows, vocabulary

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
BATCH_SIZE = 500


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
    errors: list[RowError] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return len({error.line for error in self.errors})


def detect_format(name: str) -> Format:
    """The format a file name or content type says: `.csv`/`text/csv`, else JSON Lines."""
    lowered = name.lower()
    return "csv" if lowered.endswith(".csv") or "csv" in lowered else "jsonl"


def read_records(
    text: str, fmt: Format, kind: Kind
) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """(line number, record) for every row; a row that cannot be read is a RowError."""
    if fmt == "csv":
        yield from _csv_records(text, kind)
        return
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
        yield number, {key: value for key, value in record.items() if value not in (None, "")}


def _csv_records(text: str, kind: Kind) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS[kind]))
    if unknown:
        yield 1, RowError(1, unknown[0], f"unknown column {unknown[0]!r}")
        return
    for row in reader:
        record: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value is None or not value.strip():
                continue  # an empty cell leaves the stored value as it is
            if key in LIST_COLUMNS:
                record[key] = [part.strip() for part in value.split(";") if part.strip()]
            else:
                record[key] = value.strip()
        yield reader.line_num, record


def run_import(
    engine: Engine,
    *,
    kind: Kind,
    records: Iterable[tuple[int, dict[str, Any] | RowError]],
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    on_row: Callable[[], None] | None = None,
) -> ImportReport:
    """Import `records`, `batch_size` rows per transaction; with `dry_run` validate only."""
    report = ImportReport(kind=kind, dry_run=dry_run)
    with session_scope(engine) as session:
        normaliser = vocabulary.normaliser(session)
    batch: list[tuple[int, dict[str, Any] | RowError]] = []
    for item in records:
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


def _field(loc: Iterable[str | int]) -> str | None:
    parts = [str(part) for part in loc if part not in ("body", "query")]
    return ".".join(parts) or None

"""Import types are strict: lists are lists of texts (or one `;`-separated text), coordinates
are numbers (or numeric texts), other columns texts; NUL characters and unreadable CSV are
refused, naming the row and the field, and change nothing."""

import csv
import json
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from radar.errors import InvalidInput
from radar.models.actor import Actor
from radar.services.importer import ImportReport, read_records, run_import

ROW = {"external_id": "t1", "name": "Typen GmbH", "kind": "company"}


def _jsonl(engine: Engine, *rows: dict[str, Any]) -> ImportReport:
    text = "\n".join(json.dumps(row) for row in rows) + "\n"
    return run_import(engine, kind="actors", records=read_records(text, "jsonl", "actors"))


def _csv(engine: Engine, text: str) -> ImportReport:
    return run_import(engine, kind="actors", records=read_records(text, "csv", "actors"))


def _stored(session: Session) -> list[Actor]:
    session.rollback()  # a new snapshot: the import committed in its own sessions
    return list(session.execute(select(Actor).order_by(col(Actor.external_id))).scalars())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tags", {"Spritzguss": True}),
        ("topics", {"wasserstoff": 1}),
        ("offers", ["Spritzguss", 3]),
        ("seeks", 7),
        ("lat", True),
        ("lon", False),
        ("lat", "north"),
        ("lat", [51.2]),
        ("lat", "Infinity"),
        ("name", 42),
        ("name", {"de": "Typen GmbH"}),
        ("external_id", ["t1"]),
        ("city", True),
        ("name", "Typen\x00GmbH"),
        ("external_id", "t\x001"),
        ("tags", ["ok", "K\x00I"]),
    ],
)
def test_a_json_value_of_the_wrong_type_fails_its_row_naming_the_field(
    engine: Engine, session: Session, field: str, value: Any
) -> None:
    coordinates = {"lat": 51.2, "lon": 7.6} if field in {"lat", "lon"} else {}

    report = _jsonl(engine, {**ROW, **coordinates, field: value}, {**ROW, "external_id": "t2"})

    assert [(e.line, e.field) for e in report.errors] == [(1, field)]
    assert [actor.external_id for actor in _stored(session)] == ["t2"]


def test_json_lists_may_be_one_separated_text_and_coordinates_numeric_texts(
    engine: Engine, session: Session
) -> None:
    report = _jsonl(
        engine, {**ROW, "tags": "Spritzguss; KI ;", "lat": "51.2197", "lon": 7, "offers": []}
    )

    assert (report.created, report.errors) == (1, [])
    [actor] = _stored(session)
    assert (actor.tags, actor.lat, actor.lon) == (["Spritzguss", "KI"], 51.2197, 7.0)


def test_a_nul_in_a_csv_cell_fails_its_row_naming_the_field(
    engine: Engine, session: Session
) -> None:
    text = (
        "external_id,name,kind,tags\n"
        "c1,Erste GmbH,company,a;b\x00c\n"
        "c2,Zweite GmbH,company,\n"
        "c3\x00,Dritte GmbH,company,\n"
    )

    report = _csv(engine, text)

    assert [(e.line, e.field) for e in report.errors] == [(2, "tags"), (4, "external_id")]
    assert [actor.external_id for actor in _stored(session)] == ["c2"]


def test_csv_coordinates_must_be_numbers(engine: Engine, session: Session) -> None:
    report = _csv(engine, "external_id,name,kind,lat,lon\nc1,Eins,company,true,false\n")

    assert {(e.line, e.field) for e in report.errors} == {(2, "lat"), (2, "lon")}
    assert _stored(session) == []


@pytest.mark.parametrize("line", [1, 3])
def test_a_csv_cell_over_the_field_limit_refuses_the_file_naming_the_line(line: int) -> None:
    huge = "x" * (csv.field_size_limit() + 1)
    lines = ["external_id,name,kind", "c1,Erste GmbH,company", "c2,Zweite GmbH,company"]
    lines[line - 1] = lines[line - 1].replace("Zweite", huge).replace("kind", huge)

    with pytest.raises(InvalidInput) as refused:
        read_records("\n".join(lines) + "\n", "csv", "actors")

    [error] = refused.value.errors
    assert error.extra == {"line": line}
    assert f"line {line} cannot be read" in error.message

"""Bulk import: CSV and JSON Lines, upserts by external_id, row errors, dry runs, re-runs."""

import json

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from radar.errors import InvalidInput
from radar.matching.topics import TopicName, TopicNormaliser
from radar.models.actor import Actor
from radar.models.event import Event
from radar.models.idea import Idea
from radar.services.importer import ImportReport, Kind, read_records, run_import

ACTORS_CSV = """external_id,name,kind,topics,tags,offers,city,postcode,visibility
a1,Alpha GmbH,company,Kunststofftechnik;Zahnrad,Spritzguss,Werkzeugbau,Lüdenscheid,58507,public
a2,Beta Institut,research_institute,künstliche intelligenz,,,Siegen,,members
a3,,company,,,,,,
a4,Delta AG,spaceship,,,,,,
"""
IDEAS_JSONL = "\n".join(
    json.dumps(row)
    for row in [
        {"external_id": "i1", "title": "Wasserstoff im Spritzguss", "kind": "joint_project",
         "status": "running", "topics": ["Wasserstoff", "Prozesswärme"],
         "participants": ["a2", "a1"]},
        {"external_id": "i2", "title": "Unbekannte Partner", "participants": ["zz"]},
    ]
)  # fmt: skip


def _import(engine: Engine, kind: Kind, text: str, fmt: str = "csv", **kw: object) -> ImportReport:
    return run_import(engine, kind=kind, records=read_records(text, fmt, kind), **kw)  # type: ignore[arg-type]


def _count(session: Session, model: type[Actor] | type[Idea] | type[Event]) -> int:
    session.rollback()  # a new snapshot: the import committed in its own sessions
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_csv_rows_are_created_and_invalid_rows_reported_by_line_and_field(
    engine: Engine, session: Session
) -> None:
    report = _import(engine, "actors", ACTORS_CSV)

    assert (report.created, report.updated, report.unchanged, report.invalid) == (2, 0, 0, 2)
    assert [(e.line, e.field) for e in report.errors] == [(4, "name"), (5, "kind")]
    alpha = session.execute(select(Actor).where(col(Actor.external_id) == "a1")).scalar_one()
    # Free-text topics: taxonomy slugs where they match, free tags where they do not.
    assert [t.slug for t in alpha.topics] == ["kunststofftechnik"]
    assert alpha.tags == ["Spritzguss", "Zahnrad"]
    assert alpha.offers == ["Werkzeugbau"]
    assert (alpha.district, alpha.geocode_status) == ("Märkischer Kreis", "ok")
    beta = session.execute(select(Actor).where(col(Actor.external_id) == "a2")).scalar_one()
    assert [t.slug for t in beta.topics] == ["kuenstliche-intelligenz"]
    assert _count(session, Actor) == 2


def test_running_the_same_file_again_changes_nothing(engine: Engine, session: Session) -> None:
    _import(engine, "actors", ACTORS_CSV)
    events = _count(session, Event)

    again = _import(engine, "actors", ACTORS_CSV)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _count(session, Event) == events


def test_a_file_naming_one_external_id_twice_imports_its_last_row_and_again_nothing(
    engine: Engine, session: Session
) -> None:
    twice = (
        "external_id,name,kind\n"
        "d1,Erste Fassung GmbH,company\n"
        "d2,Andere GmbH,company\n"
        "d1,Letzte Fassung GmbH,company\n"
    )
    first = _import(engine, "actors", twice, batch_size=2)  # the repeat in the next batch
    assert (first.created, first.updated, first.superseded, first.invalid) == (2, 0, 1, 0)
    stored = session.execute(select(Actor).where(col(Actor.external_id) == "d1")).scalar_one()
    assert stored.name == "Letzte Fassung GmbH"
    events = _count(session, Event)

    again = _import(engine, "actors", twice)

    assert (again.created, again.updated, again.unchanged, again.superseded) == (0, 0, 2, 1)
    assert _count(session, Event) == events


def test_a_changed_row_updates_only_that_actor(engine: Engine, session: Session) -> None:
    _import(engine, "actors", ACTORS_CSV)
    changed = ACTORS_CSV.replace("Beta Institut", "Beta Institut für KI")

    report = _import(engine, "actors", changed)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    session.rollback()  # a new snapshot: the import committed in its own sessions
    beta = session.execute(select(Actor).where(col(Actor.external_id) == "a2")).scalar_one()
    assert (beta.name, beta.version) == ("Beta Institut für KI", 2)


def test_a_dry_run_validates_and_writes_nothing(engine: Engine, session: Session) -> None:
    report = _import(engine, "actors", ACTORS_CSV, dry_run=True)

    assert (report.created, report.invalid, report.dry_run) == (2, 2, True)
    assert _count(session, Actor) == 0
    assert _count(session, Event) == 0


def test_an_import_killed_half_way_and_run_again_ends_as_one_clean_run(
    engine: Engine, session: Session
) -> None:
    lines = ACTORS_CSV.splitlines(keepends=True)
    _import(engine, "actors", "".join(lines[:2]), batch_size=1)  # the header and one row

    report = _import(engine, "actors", ACTORS_CSV, batch_size=1)

    assert (report.created, report.unchanged) == (1, 1)
    assert _count(session, Actor) == 2


def test_new_rows_are_created_together_each_with_its_created_event(
    engine: Engine, session: Session
) -> None:
    report = _import(engine, "actors", ACTORS_CSV)

    assert report.created == 2
    session.rollback()
    events = session.execute(select(Event).order_by(col(Event.seq))).scalars().all()
    actors = {a.id: a for a in session.execute(select(Actor)).scalars()}
    assert [e.type for e in events] == ["actor.created", "actor.created"]
    assert {e.entity_id for e in events} == set(actors)
    alpha = next(e for e in events if e.payload["external_id"] == "a1")
    assert alpha.payload["topics"] == ["kunststofftechnik"]
    assert alpha.payload["district"] == "Märkischer Kreis"
    assert not alpha.private
    beta = next(e for e in events if e.payload["external_id"] == "a2")
    assert beta.private is (actors[beta.entity_id].visibility == "private")


def test_a_row_the_bulk_write_refuses_falls_back_to_row_by_row_and_only_it_fails(
    engine: Engine, session: Session
) -> None:
    text = ACTORS_CSV.splitlines()[0] + ",action_fields\n"
    text += "b1,Eins GmbH,company,,,,Siegen,,public,\n"
    text += "b2,Zwei GmbH,company,,,,Siegen,,public,no-such-field\n"
    text += "b3,Drei GmbH,company,,,,Siegen,,public,\n"

    report = _import(engine, "actors", text)

    assert (report.created, report.invalid) == (2, 1)
    assert [(e.line, e.field) for e in report.errors] == [(3, "action_fields.0")]
    assert _count(session, Actor) == 2
    assert _count(session, Event) == 2


def test_ideas_take_participants_by_external_id_the_first_as_lead(
    engine: Engine, session: Session
) -> None:
    _import(engine, "actors", ACTORS_CSV)

    report = _import(engine, "ideas", IDEAS_JSONL, fmt="jsonl")

    assert (report.created, report.invalid) == (1, 1)
    assert report.errors[0].field == "participants"
    assert "zz" in report.errors[0].message
    idea = session.execute(select(Idea).where(col(Idea.external_id) == "i1")).scalar_one()
    roles = {p.actor_id: p.role for p in idea.participants}
    by_external = dict(session.execute(select(col(Actor.external_id), col(Actor.id))).all())
    assert roles == {by_external["a2"]: "lead", by_external["a1"]: "partner"}
    assert [t.slug for t in idea.topics] == ["wasserstoff"]
    assert idea.tags == ["Prozesswärme"]

    swapped = IDEAS_JSONL.replace('["a2", "a1"]', '["a1"]')
    again = _import(engine, "ideas", swapped, fmt="jsonl")
    assert (again.updated, again.unchanged, again.invalid) == (1, 0, 1)
    session.rollback()  # a new snapshot: the import committed in its own sessions
    idea = session.execute(select(Idea).where(col(Idea.external_id) == "i1")).scalar_one()
    assert {p.actor_id: p.role for p in idea.participants} == {by_external["a1"]: "lead"}
    assert _import(engine, "ideas", swapped, fmt="jsonl").unchanged == 1


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ('{"external_id": "x", "name": "Y", "colour": "blue"}\n', "jsonl", "unknown column"),
        ("{not json\n", "jsonl", "not valid JSON"),
        ("[1, 2]\n", "jsonl", "one JSON object"),
        ('{"name": "Ohne Kennung", "kind": "company"}\n', "jsonl", "needs an external_id"),
    ],
)
def test_unreadable_rows_are_reported(engine: Engine, text: str, fmt: str, message: str) -> None:
    report = _import(engine, "actors", text, fmt=fmt)

    assert report.created == 0
    assert message in report.errors[0].message


def test_a_csv_header_with_an_unknown_column_is_refused_whole(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as refused:
        _import(engine, "actors", "external_id,name,colour\nx,Y,blue\n", fmt="csv")

    (error,) = refused.value.errors
    assert (error.type, error.extra["column"]) == ("unknown_column", "colour")
    assert "unknown column 'colour'" in error.message


def test_the_normaliser_is_conservative() -> None:
    normaliser = TopicNormaliser(
        [
            TopicName("kunststofftechnik", ("Kunststofftechnik", "Plastics engineering")),
            TopicName("optik", ("Optik", "Optics")),
        ]
    )

    assert normaliser.split(["Kunststoff-Technik", "plastics engineering", "Robotik"]) == (
        ["kunststofftechnik"],
        ["Robotik"],
    )


def test_the_bulk_write_stores_what_the_single_write_stores(engine: Engine) -> None:
    from radar.models.actor import ActorCreate
    from radar.services import actors
    from radar.services.access import SYSTEM

    def body(external_id: str) -> ActorCreate:
        return ActorCreate(
            external_id=external_id, name="Gleich GmbH", kind="company",
            description="Spritzguss und Sensorik", topics=["kunststofftechnik"],
            action_fields=[], tags=["Zahnrad"], offers=["Werkzeugbau"], seeks=["KI"],
            street="Hauptstraße 1", postcode="58507", city="Lüdenscheid",
            location_precision="postcode",
        )  # fmt: skip

    with Session(engine) as session:
        actors.create_actor(session, data=body("single"), principal=SYSTEM)
        actors.create_actors(session, [body("bulk")])
        session.commit()
    with Session(engine) as session:
        single, bulk = (
            session.execute(select(Actor).where(col(Actor.external_id) == e)).scalar_one()
            for e in ("single", "bulk")
        )
        varying = {"id", "external_id", "created_at", "updated_at"}
        assert single.model_dump(exclude=varying) == bulk.model_dump(exclude=varying)
        assert [t.slug for t in single.topics] == [t.slug for t in bulk.topics]
        assert bulk.shown_lat is not None
        assert (bulk.offer_topics, bulk.seek_topics, bulk.tag_topics) == (
            ["werkzeug-und-formenbau"],
            ["kuenstliche-intelligenz"],
            [None],
        )
        payloads = {
            e.payload["external_id"]: e.payload for e in session.execute(select(Event)).scalars()
        }
        varying_payload = {"id", "external_id", "created_at", "updated_at"}
        assert {k: v for k, v in payloads["single"].items() if k not in varying_payload} == {
            k: v for k, v in payloads["bulk"].items() if k not in varying_payload
        }

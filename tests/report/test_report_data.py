"""The report's figures, checked against the hand-counted region of `tests/statistics_region.py`:
what each caller may see, the filters, and an empty database."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.errors import Forbidden, InvalidInput
from radar.models.account import Role
from radar.report.charts import fields_by_district, growth_series, ties_between_districts
from radar.report.data import check_districts
from radar.report.html import key_figures
from radar.report.texts import ReportLanguage, Texts
from radar.settings import Settings
from tests.factories import FIELD_CIRCULAR, FIELD_PRODUCTION
from tests.report.conftest import gather
from tests.statistics_region import build_region

OLPE, SIEGEN, HSK = "Olpe", "Siegen-Wittgenstein", "Hochsauerlandkreis"
EN = Texts(ReportLanguage.en)
# Pairs sharing an idea or a working group.
CONNECTED = [{"plast", "h2"}, {"mould", "lab"}, {"plast", "uni"}, {"plast", "secret"}]
CONNECTED += [{"uni", "secret"}]


def test_the_figures_of_the_region(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    ids = build_region(client, engine)

    data = gather(session, settings, lang=ReportLanguage.en)

    assert {label: value for label, value, _ in key_figures(data, EN)} == {
        "Actors": 6,
        "Districts": 3,
        "Ideas": 3,  # joint, solo, pair
        "Joint projects": 2,  # joint and pair got a second actor
        "Working groups": 1,
        "News": 2,
        "Ties": 5,  # projects plast–h2, mould–lab; the group plast–uni–secret
        "Actors without a tie": 0,
    }
    assert {b.key: b.count for b in data.by_kind.data} == {
        "company": 3,
        "university": 1,
        "startup": 1,
        "research_institute": 1,
    }
    heat = fields_by_district(data, EN)
    production, circular = (
        heat.columns.index(EN.pick(data.field_labels[slug]))
        for slug in (FIELD_PRODUCTION, FIELD_CIRCULAR)
    )
    assert heat.rows == [OLPE, SIEGEN, HSK]
    # Olpe: plast, uni and secret in production, uni in circular; the lab has no field.
    assert heat.values[:, production].tolist() == [3, 1, 0]
    assert heat.values[:, circular].tolist() == [1, 1, 0]
    assert heat.columns[-1] == "no action field"
    assert heat.values[:, -1].tolist() == [0, 0, 1]
    ties = ties_between_districts(data, EN)
    assert ties.values.tolist() == [
        [3, 1, 0],  # the group in Olpe; plast–h2 to Siegen
        [1, 0, 1],  # mould–lab to the Hochsauerlandkreis
        [0, 1, 0],
    ]
    assert (data.gaps.needs, data.gaps.unmet, data.gaps.terms) == (4, 0, 4)
    assert {row.term: (row.offerers, row.seekers) for row in data.gaps.data} == {
        "kuenstliche-intelligenz": (1, 1),
        "kunststofftechnik": (1, 1),
        "quantencomputing": (1, 1),
        "wasserstoff": (1, 1),
    }
    months, series = growth_series(data)
    assert months == ["2026-01", "2026-02"]
    assert series["actors"] == [3, 3]
    assert series["collaborations"] == [0, 2]
    assert sorted(data.points.district) == sorted([OLPE] * 3 + [SIEGEN] * 2 + [HSK])
    assert data.points.unplaced == 0
    names = {value: key for key, value in ids.items()}
    pairs = data.potential.top
    assert pairs, "the region has unconnected pairs above the threshold"
    assert all({names[str(p.a.id)], names[str(p.b.id)]} not in CONNECTED for p in pairs)
    assert all(p.score >= settings.match_found_threshold for p in pairs)
    assert all(reason.de and reason.en for p in pairs for reason in p.reasons)


def test_an_analyst_counts_only_what_an_analyst_may_see(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    ids = build_region(client, engine)

    data = gather(session, settings, Role.analyst)

    # The private company is left out, with its two group ties and its offer.
    assert data.actors == 5
    assert {b.key: b.count for b in data.by_kind.data}["company"] == 2
    assert data.network.ties.total == 3
    assert (data.gaps.unmet, data.gaps.data[0].term) == (1, "quantencomputing")
    assert len(data.points.lon) == 5
    shown = {str(actor.id) for pair in data.potential.top for actor in (pair.a, pair.b)}
    assert ids["secret"] not in shown


@pytest.mark.parametrize("role", [Role.member, Role.partner, None])
def test_only_analysts_and_admins_get_a_report(
    client: TestClient, engine: Engine, session: Session, settings: Settings, role: Role | None
) -> None:
    build_region(client, engine)

    with pytest.raises(Forbidden):
        gather(session, settings, role)  # type: ignore[arg-type]


def test_filters_choose_the_actors_counted(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    build_region(client, engine)

    olpe = gather(session, settings, districts=[OLPE])
    production = gather(session, settings, action_fields=[FIELD_PRODUCTION])
    both = gather(session, settings, districts=[SIEGEN, HSK], action_fields=[FIELD_CIRCULAR])

    assert (olpe.actors, olpe.districts, olpe.network.ties.total) == (3, 1, 3)
    assert olpe.total("news") == 2  # by uni and by secret, both in Olpe
    # The ideas and collaborations an actor chosen takes part in: plast's joint project.
    assert (olpe.total("ideas"), olpe.total("collaborations")) == (1, 1)
    assert (production.actors, production.network.ties.total) == (4, 3)
    assert both.actors == 1  # the hydrogen start-up
    assert both.network.isolated == 1
    assert both.potential.top == []


def test_an_unknown_action_field_is_refused_by_name(
    client: TestClient, engine: Engine, session: Session, settings: Settings
) -> None:
    build_region(client, engine)

    with pytest.raises(InvalidInput) as refused:
        gather(session, settings, action_fields=["circular-economie"])

    [error] = refused.value.errors
    assert error.loc == ("query", "action_field", 0)
    assert "circular-economy" in error.message


def test_a_district_is_known_when_an_actor_or_north_rhine_westphalia_has_it(
    client: TestClient, engine: Engine, session: Session
) -> None:
    build_region(client, engine)

    check_districts(session, [OLPE, "Soest", "Köln"])
    with pytest.raises(InvalidInput) as refused:
        check_districts(session, [OLPE, "Olpee"])

    [error] = refused.value.errors
    assert error.loc == ("district", 1)
    assert error.message.startswith("Unknown district 'Olpee'; did you mean Olpe")


@pytest.mark.parametrize("lang", list(ReportLanguage))
def test_an_empty_database_gives_an_empty_report(
    engine: Engine, session: Session, settings: Settings, lang: ReportLanguage
) -> None:
    data = gather(session, settings, lang=lang)

    assert data.empty
    assert all(value == 0 for _, value, _ in key_figures(data, Texts(lang)))
    assert data.gaps.data == []
    assert data.growth.data == []
    assert data.potential.top == []
    assert data.points.lon == []

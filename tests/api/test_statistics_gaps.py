"""`GET /v1/statistics/gaps`: needs and offers per term, the needs nobody inside meets and who
outside would — checked against the hand-counted region of `tests/statistics_region.py`."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import create_actor
from tests.statistics_region import build_region

# Olpe to Siegen, between the two places the region's actors are shown at.
OLPE_TO_SIEGEN_KM = 20.6


def _gaps(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/statistics/gaps", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _rows(body: dict[str, Any]) -> dict[Any, tuple[int, int, int]]:
    return {
        (row["district"], row["term"]) if body["per_district"] else row["term"]: (
            row["seekers"],
            row["offerers"],
            row["unmet"],
        )
        for row in body["data"]
    }


def test_every_need_of_the_region_is_met_for_an_admin(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)

    gaps = _gaps(client)

    assert (gaps["seekers"], gaps["needs"], gaps["unmet"], gaps["terms"]) == (4, 4, 0, 4)
    # (seekers, offerers, unmet): each sought by one and offered by one.
    assert _rows(gaps) == {
        "kuenstliche-intelligenz": (1, 1, 0),
        "kunststofftechnik": (1, 1, 0),
        "quantencomputing": (1, 1, 0),
        "wasserstoff": (1, 1, 0),
    }
    hydrogen = next(row for row in gaps["data"] if row["term"] == "wasserstoff")
    assert hydrogen["topic"] is True
    assert (hydrogen["label_de"], hydrogen["label_en"]) == ("Wasserstoff", "Hydrogen")


def test_a_need_only_a_private_actor_meets_is_unmet_for_an_analyst(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    build_region(client, engine)

    gaps = _gaps(make_client(Role.analyst))

    # Quantum computing: only the private actor offers it.
    assert gaps["data"][0]["term"] == "quantencomputing"
    assert _rows(gaps)["quantencomputing"] == (1, 0, 1)
    assert gaps["data"][0]["nearest_outside"] == []
    assert gaps["unmet"] == 1


def test_filters_draw_the_region_and_name_the_nearest_offerers_outside(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    ids = build_region(client, engine)

    olpe = _gaps(make_client(Role.analyst), district="Olpe")

    # In Olpe (as an analyst sees it) Olpe Kunststoff seeks hydrogen; nobody in Olpe offers it.
    assert _rows(olpe) == {
        "wasserstoff": (1, 0, 1),
        "kuenstliche-intelligenz": (0, 1, 0),
        "kunststofftechnik": (0, 1, 0),
    }
    first = olpe["data"][0]
    assert first["term"] == "wasserstoff"
    [outside] = first["nearest_outside"]
    assert (outside["id"], outside["name"]) == (ids["h2"], "Siegen H2 Start-up")
    assert outside["district"] == "Siegen-Wittgenstein"
    assert outside["distance_km"] == pytest.approx(OLPE_TO_SIEGEN_KM, abs=0.5)
    # For an admin the private hydrogen company in Olpe meets it.
    assert _rows(_gaps(client, district="Olpe"))["wasserstoff"] == (1, 0, 0)


def test_within_km_counts_only_actors_that_near(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    ids = build_region(client, engine)
    analyst = make_client(Role.analyst)

    near = _gaps(analyst, within_km=15)
    far = _gaps(analyst, within_km=30)

    # Within 15 km nobody meets Olpe Kunststoff's need for hydrogen, nor Siegen H2's for AI,
    # nor the lab's for plastics (Meschede is 40 km from Olpe); quantum computing stays unmet.
    assert _rows(near) == {
        "kuenstliche-intelligenz": (1, 1, 1),
        "kunststofftechnik": (1, 1, 1),
        "quantencomputing": (1, 0, 1),
        "wasserstoff": (1, 1, 1),
    }
    hydrogen = next(row for row in near["data"] if row["term"] == "wasserstoff")
    assert [actor["id"] for actor in hydrogen["nearest_outside"]] == [ids["h2"]]
    assert hydrogen["nearest_outside"][0]["distance_km"] == pytest.approx(
        OLPE_TO_SIEGEN_KM, abs=0.5
    )
    assert near["within_km"] == 15
    assert _rows(far)["wasserstoff"] == (1, 1, 0)
    assert _rows(far)["kuenstliche-intelligenz"] == (1, 1, 0)


def test_per_district_rows_count_seekers_and_offerers_where_they_are(
    client: TestClient, engine: Engine
) -> None:
    build_region(client, engine)

    gaps = _gaps(client, per_district=True)

    assert _rows(gaps) == {
        ("Olpe", "wasserstoff"): (1, 0, 0),
        ("Olpe", "kunststofftechnik"): (0, 1, 0),
        ("Olpe", "kuenstliche-intelligenz"): (0, 1, 0),
        ("Olpe", "quantencomputing"): (0, 1, 0),
        ("Siegen-Wittgenstein", "kuenstliche-intelligenz"): (1, 0, 0),
        ("Siegen-Wittgenstein", "quantencomputing"): (1, 0, 0),
        ("Siegen-Wittgenstein", "wasserstoff"): (0, 1, 0),
        ("Hochsauerlandkreis", "kunststofftechnik"): (1, 0, 0),
    }


def test_free_terms_count_as_written_and_limit_keeps_the_first_rows(
    client: TestClient, engine: Engine
) -> None:
    create_actor(client, tags=[], offers=[], seeks=["Drohnenpiloten"], topics=[])
    create_actor(client, tags=[], offers=[], seeks=["Drohnenpiloten"], topics=[])

    gaps = _gaps(client, limit=1)

    assert gaps["terms"] == 1
    [row] = gaps["data"]
    assert (row["term"], row["topic"], row["seekers"], row["unmet"]) == (
        "Drohnenpiloten",
        False,
        2,
        2,
    )


def test_an_actor_added_after_the_index_was_built_counts(
    client: TestClient, engine: Engine
) -> None:
    build_region(client, engine)
    before = _rows(_gaps(client))  # builds the match index; later writes go to its overlay

    create_actor(client, seeks=["Wasserstoff"], offers=[])
    after = _rows(_gaps(client))

    assert before["wasserstoff"] == (1, 1, 0)
    assert after["wasserstoff"] == (2, 1, 0)

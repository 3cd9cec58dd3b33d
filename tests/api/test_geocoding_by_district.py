"""An actor written with a city and its district is located in that district."""

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from radar.settings import Settings
from tests.factories import create_actor


def test_an_actor_with_city_and_district_is_stored_in_that_district(client: TestClient) -> None:
    actor = create_actor(
        client,
        street=None,
        postcode=None,
        city="Neunkirchen",
        district="Siegen-Wittgenstein",
        lat=None,
        lon=None,
    )

    assert (actor["geocode_status"], actor["geocode_precision"]) == ("ok", "city")
    assert actor["district"] == "Siegen-Wittgenstein"
    assert actor["lat"] == pytest.approx(50.80, abs=0.05)
    assert actor["lon"] == pytest.approx(8.00, abs=0.05)


def test_an_actor_with_a_city_alone_is_stored_at_the_clusters_home(client: TestClient) -> None:
    actor = create_actor(
        client, street=None, postcode=None, city="Neunkirchen", district=None, lat=None, lon=None
    )

    assert actor["district"] == "Siegen-Wittgenstein"
    assert actor["lat"] == pytest.approx(50.80, abs=0.05)


def test_address_completion_offers_the_place_at_home_first(client: TestClient) -> None:
    response = client.get("/v1/geocode", params={"q": "Neunkirchen"})

    assert response.status_code == 200
    assert response.json()["data"][0]["district"] == "Siegen-Wittgenstein"


def test_home_districts_are_read_from_the_environment_and_checked() -> None:
    assert Settings(home_districts="Olpe, Kreis Soest").home_districts == ["Olpe", "Kreis Soest"]
    assert Settings(home_districts="").home_districts == []
    with pytest.raises(ValidationError, match="Atlantis"):
        Settings(home_districts="Olpe, Atlantis")

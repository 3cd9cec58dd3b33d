"""An actor written with a city and its district is located in that district."""

import pytest
from fastapi.testclient import TestClient

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

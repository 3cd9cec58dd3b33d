"""Online geocoders through geopy, against a local server speaking Nominatim's API: results with
precision and source, the persistent cache (no address looked up twice), the chain's fallback
to the gazetteer, and failures that keep the write."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from radar.api.app import create_app
from radar.geo.base import Address, GeocodePrecision, GeocodingUnavailable
from radar.geo.online import ChainGeocoder, GeopyGeocoder
from radar.models.geocode import GeocodeCacheEntry
from radar.services.geocoding import configured_geocoder
from radar.settings import Settings
from tests.conftest import issue_token

LUEDENSCHEID = {
    "lat": "51.2196",
    "lon": "7.6273",
    "display_name": "Hauptstraße 1, 58507 Lüdenscheid, Märkischer Kreis, NRW, Deutschland",
    "addresstype": "building",
    "address": {"house_number": "1", "road": "Hauptstraße", "postcode": "58507",
                "town": "Lüdenscheid"},
}  # fmt: skip


@dataclass
class FakeNominatim:
    """A local Nominatim: answers /search from `answers` (by the `q` parameter)."""

    port: int = 0
    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    status: int = 200

    @property
    def options(self) -> dict[str, Any]:
        return {"domain": f"127.0.0.1:{self.port}", "scheme": "http"}


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    fake = FakeNominatim()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            fake.queries.append(query.get("q", [""])[0])
            fake.user_agents.append(self.headers.get("User-Agent", ""))
            body = json.dumps(fake.answers.get(fake.queries[-1], [])).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


ADDRESS = Address(street="Hauptstraße 1", postcode="58507", city="Lüdenscheid")


def _geopy(fake: FakeNominatim) -> GeopyGeocoder:
    return GeopyGeocoder(
        "nominatim",
        user_agent="radar-test/1 (ops@radar.example)",
        timeout=5,
        min_delay_seconds=0,
        options=fake.options,
    )


def _settings(fake: FakeNominatim, base: Settings, *names: str) -> Settings:
    return base.model_copy(
        update={
            "geocoders": list(names),
            "geocoder_options": {"nominatim": fake.options},
            "geocoder_min_delay_seconds": 0.0,
            "geocoder_user_agent": "radar-test/1 (ops@radar.example)",
        }
    )


def test_nominatim_through_geopy_locates_a_street_with_its_district(
    nominatim: FakeNominatim,
) -> None:
    nominatim.answers[ADDRESS.query()] = [LUEDENSCHEID]

    found = _geopy(nominatim).geocode(ADDRESS)

    assert found is not None
    assert (found.lat, found.lon) == (51.2196, 7.6273)
    assert (found.precision, found.source) == (GeocodePrecision.street, "nominatim")
    assert (found.postcode, found.city, found.district) == (
        "58507",
        "Lüdenscheid",
        "Märkischer Kreis",
    )
    assert nominatim.user_agents == ["radar-test/1 (ops@radar.example)"]
    assert nominatim.queries == ["Hauptstraße 1, 58507 Lüdenscheid, DE"]


def test_a_place_result_has_city_precision_and_nothing_found_is_none(
    nominatim: FakeNominatim,
) -> None:
    town = {**LUEDENSCHEID, "addresstype": "town", "address": {"town": "Lüdenscheid"}}
    nominatim.answers["Lüdenscheid, DE"] = [town]
    geocoder = _geopy(nominatim)

    found = geocoder.geocode(Address(city="Lüdenscheid"))

    assert found is not None
    assert found.precision is GeocodePrecision.city
    assert geocoder.geocode(Address(city="Atlantis")) is None


def test_a_failing_service_is_unavailable_not_not_found(nominatim: FakeNominatim) -> None:
    nominatim.status = 503

    with pytest.raises(GeocodingUnavailable, match="503"):
        _geopy(nominatim).geocode(ADDRESS)


def test_the_chain_falls_back_to_the_gazetteer_when_the_online_one_fails(
    nominatim: FakeNominatim,
) -> None:
    from radar.geo.gazetteer import get_gazetteer

    nominatim.status = 503
    chain = ChainGeocoder([_geopy(nominatim), get_gazetteer()])

    found = chain.geocode(ADDRESS)

    assert found is not None
    assert (found.source, found.precision) == ("gazetteer", GeocodePrecision.postcode)


def test_an_address_is_never_looked_up_twice(
    nominatim: FakeNominatim, engine: Engine, settings: Settings
) -> None:
    nominatim.answers[ADDRESS.query()] = [LUEDENSCHEID]
    configured = _settings(nominatim, settings, "nominatim")
    nowhere = Address(city="Atlantis an der Lenne")

    with Session(engine) as session:
        first = configured_geocoder(session, configured).geocode(ADDRESS)
        assert configured_geocoder(session, configured).geocode(nowhere) is None
        session.commit()
    with Session(engine) as session:  # another session, as another process would
        again = configured_geocoder(session, configured).geocode(ADDRESS)
        assert configured_geocoder(session, configured).geocode(nowhere) is None
        entries = session.execute(select(func.count()).select_from(GeocodeCacheEntry))

        assert entries.scalar_one() == 2
    assert first == again
    assert nominatim.queries == [ADDRESS.query(), nowhere.query()]


def test_an_unavailable_answer_is_not_cached(
    nominatim: FakeNominatim, engine: Engine, settings: Settings
) -> None:
    configured = _settings(nominatim, settings, "nominatim")
    nominatim.status = 503
    with Session(engine) as session:
        with pytest.raises(GeocodingUnavailable):
            configured_geocoder(session, configured).geocode(ADDRESS)
        session.commit()
        count = session.execute(select(func.count()).select_from(GeocodeCacheEntry))
        assert count.scalar_one() == 0


def _client(settings: Settings, engine: Engine) -> TestClient:
    from radar.models.account import Role

    token = issue_token(engine, Role.admin, [])
    return TestClient(
        create_app(settings, engine=engine), headers={"Authorization": f"Bearer {token}"}
    )


def test_writes_through_the_api_use_the_configured_chain(
    nominatim: FakeNominatim, engine: Engine, settings: Settings
) -> None:
    nominatim.answers[ADDRESS.query()] = [LUEDENSCHEID]
    body = {"name": "Online GmbH", "kind": "company", "street": "Hauptstraße 1",
            "postcode": "58507", "city": "Lüdenscheid"}  # fmt: skip
    with _client(_settings(nominatim, settings, "nominatim", "gazetteer"), engine) as client:
        created = client.post("/v1/actors", json=body)

        assert created.status_code == 201, created.text
        actor = created.json()
        assert (actor["lat"], actor["lon"]) == (51.2196, 7.6273)
        assert (actor["geocode_source"], actor["geocode_precision"]) == ("nominatim", "street")
        assert actor["district"] == "Märkischer Kreis"


def test_an_unavailable_online_geocoder_keeps_the_write_for_a_retry(
    nominatim: FakeNominatim, engine: Engine, settings: Settings
) -> None:
    nominatim.status = 503
    body = {"name": "Später GmbH", "kind": "company", "street": "Hauptstraße 1",
            "postcode": "58507", "city": "Lüdenscheid"}  # fmt: skip
    with _client(_settings(nominatim, settings, "nominatim"), engine) as client:
        created = client.post("/v1/actors", json=body)
        assert created.status_code == 201, created.text
        assert created.json()["geocode_status"] == "failed"
        assert "nominatim unavailable" in created.json()["geocode_error"]

        nominatim.status = 200
        nominatim.answers[ADDRESS.query()] = [LUEDENSCHEID]
        retried = client.post("/v1/admin/geocode/retry")

        assert retried.json()["data"][0] == {"entity_type": "actor", "located": 1, "failed": 0}
        shown = client.get(f"/v1/actors/{created.json()['id']}").json()
        assert (shown["geocode_status"], shown["geocode_source"]) == ("ok", "nominatim")


def test_geocoders_are_configured_by_name_comma_separated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RADAR_GEOCODERS", "Nominatim, gazetteer")
    monkeypatch.setenv("RADAR_GEOCODER_OPTIONS", '{"nominatim": {"domain": "geo.example"}}')

    settings = Settings()

    assert settings.geocoders == ["nominatim", "gazetteer"]
    assert settings.geocoder_options == {"nominatim": {"domain": "geo.example"}}
    with pytest.raises(ValidationError, match="unknown geocoder 'nowhere'"):
        Settings(geocoders="nowhere")  # type: ignore[arg-type]
    assert Settings().geocoders == ["nominatim", "gazetteer"]

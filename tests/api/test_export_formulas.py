"""CSV exports neutralise spreadsheet formulas (OWASP's CSV-injection rule), keep numbers
numeric, and still re-import losslessly."""

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.services.importer import read_records, run_import
from tests.factories import create_actor
from tests.group_factories import create_group
from tests.idea_factories import create_idea

FORMULA_NAME = '=HYPERLINK("https://evil.example","Klick")'


def _csv(client: TestClient, entity: str) -> list[dict[str, str]]:
    response = client.get(f"/v1/export/{entity}", params={"format": "csv"})
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def _lisbon_actor(client: TestClient) -> None:
    create_actor(
        client,
        external_id="@lisboa",
        name=FORMULA_NAME,
        description="+351 21 000 0000",
        tags=["-Minus", "@home"],
        offers=["=SUMME(A1:A9)"],
        street="Rua Augusta 1",
        postcode=None,
        city="Lisboa",
        district=None,
        country="PT",
        lat=38.7101,
        lon=-9.1366,
    )


def test_formula_cells_get_a_leading_quote_and_coordinates_stay_numbers(
    client: TestClient,
) -> None:
    _lisbon_actor(client)
    create_idea(client, external_id="idee-1", title="-1+1 Idee", summary="@alle")
    create_group(client, name="=Gruppe", description="\tTabulator")

    [actor] = _csv(client, "actors")
    [idea] = _csv(client, "ideas")
    [group] = _csv(client, "groups")

    assert actor["name"] == "'" + FORMULA_NAME
    assert actor["external_id"] == "'@lisboa"
    assert actor["description"] == "'+351 21 000 0000"
    assert actor["tags"] == "'-Minus;@home"
    assert actor["offers"] == "'=SUMME(A1:A9)"
    assert (actor["lat"], actor["lon"]) == ("38.7101", "-9.1366")
    assert (idea["title"], idea["summary"]) == ("'-1+1 Idee", "'@alle")
    assert (group["name"], group["description"]) == ("'=Gruppe", "'\tTabulator")


def test_a_neutralised_export_re_imports_unchanged(client: TestClient, engine: Engine) -> None:
    _lisbon_actor(client)
    text = client.get("/v1/export/actors", params={"format": "csv"}).text

    report = run_import(engine, kind="actors", records=read_records(text, "csv", "actors"))

    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, 1, [])
    [stored] = client.get("/v1/actors").json()["data"]
    assert (stored["name"], stored["tags"]) == (FORMULA_NAME, ["-Minus", "@home"])

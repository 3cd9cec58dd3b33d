"""The explorer's routes without a browser: the page and its policy, its configuration, its
assets and Leaflet served by the app, none of them in the OpenAPI document, and its size."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from radar.api.app import create_app
from radar.settings import Settings
from radar.web import ASSETS, CONFIG_URL, PAGE, tile_sources
from tests.browser_site import with_explorer

IMPORT = re.compile(r"""^import .* from "\./([\w-]+\.js)";$""", re.MULTILINE)
OWN_CODE_LIMIT = 200 * 1024


def _client(**settings: object) -> Iterator[TestClient]:
    engine = create_engine("sqlite://")
    app = with_explorer(create_app(Settings(database_url="sqlite://", **settings), engine=engine))
    yield TestClient(app)
    engine.dispose()


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app on an in-memory database: the explorer's routes touch no table."""
    yield from _client()


def test_the_page_is_served_at_the_root_under_a_strict_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="explorer/main.js">' in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self';" in policy
    assert "script-src 'self';" in policy
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert client.head("/").status_code == 200


def test_the_configuration_tells_the_page_the_base_map_and_public_read() -> None:
    for client in _client(
        public_read=True,
        map_tile_url="https://{s}.tiles.example/{z}/{x}/{y}.png",
        map_tile_attribution="© Example",
    ):
        config = client.get(CONFIG_URL).json()
        assert config["tile_url"] == "https://{s}.tiles.example/{z}/{x}/{y}.png"
        assert config["tile_attribution"] == "© Example"
        assert config["public_read"] is True
        policy = client.get("/").headers["content-security-policy"]
        assert "img-src 'self' data: https://*.tiles.example;" in policy


def test_the_default_base_map_is_openstreetmap_with_its_attribution(client: TestClient) -> None:
    config = client.get(CONFIG_URL).json()
    assert config["tile_url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in config["tile_attribution"]
    assert config["public_read"] is False


@pytest.mark.parametrize(
    ("template", "sources"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", ["https://*.tile.example.org"]),
        ("http://tiles.local:8080/{z}/{x}/{y}.png", ["http://tiles.local:8080"]),
        ("https://tiles-{s}.example/{z}/{x}/{y}.png", ["https://*.example"]),
        ("https://a.{s}.example/{z}/{x}/{y}.png", ["https:"]),
        ("/tiles/{z}/{x}/{y}.png", []),
        ("", []),
    ],
)
def test_images_may_come_from_the_tile_server_only(template: str, sources: list[str]) -> None:
    assert tile_sources(template) == sources


def test_every_module_and_style_the_page_loads_is_served(client: TestClient) -> None:
    page = client.get("/").text
    wanted = re.findall(r"""(?:src|href)="([^"#]+)\"""", page)
    modules = ["main.js"]
    while modules:
        name = modules.pop()
        wanted.append(f"explorer/{name}")
        modules += [found for found in IMPORT.findall((ASSETS / name).read_text()) if found]
    for path in set(wanted):
        response = client.get(f"/{path}")
        assert response.status_code == 200, path
    leaflet = client.get("/static/leaflet/leaflet.js")
    assert "javascript" in leaflet.headers["content-type"]
    assert "Leaflet" in leaflet.text[:500]


def test_the_explorer_is_no_part_of_the_api_document(client: TestClient) -> None:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert "/v1/map" in paths
    assert not [path for path in paths if path in ("/", CONFIG_URL) or "explorer" in path]


def test_our_own_code_is_light() -> None:
    files = [PAGE, *(path for path in ASSETS.rglob("*") if path.is_file())]
    assert sum(path.stat().st_size for path in files) < OWN_CODE_LIMIT
    # Leaflet comes from its Python package, never from a copy in the repository.
    assert not [path for path in files if "leaflet" in path.name.lower()]

"""`/docs` and `/redoc` work offline: every asset they load is served by the app itself."""

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from radar.api.app import create_app
from radar.settings import Settings

# src/href in HTML attributes, and URLs handed to the page's script (e.g. `url: '/openapi.json'`).
ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""", re.IGNORECASE)
EXPECTED_TYPES = {
    ".js": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The app on an in-memory database: the docs pages touch no table."""
    engine = create_engine("sqlite://")
    with TestClient(create_app(Settings(database_url="sqlite://"), engine=engine)) as client:
        yield client
    engine.dispose()


def _assets(html: str) -> list[str]:
    return ATTRIBUTE.findall(html)


@pytest.mark.parametrize(("page", "min_assets"), [("/docs", 3), ("/redoc", 2)])
def test_page_loads_nothing_from_another_host(
    client: TestClient, page: str, min_assets: int
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert ABSOLUTE.findall(html) == [], "the page names another host"
    assets = _assets(html)
    assert len(assets) >= min_assets, assets
    for url in assets:
        parts = urlsplit(url)
        assert not parts.scheme, url
        assert not parts.netloc, url


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_every_asset_is_served_with_its_type(client: TestClient, page: str) -> None:
    for url in _assets(client.get(page).text):
        path = urlsplit(urljoin(f"http://testserver{page}", url)).path
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.content, path
        suffix = path[path.rfind(".") :]
        content_type = response.headers["content-type"].split(";")[0].strip()
        assert content_type in EXPECTED_TYPES[suffix], (path, content_type)


def test_swagger_ui_reads_the_local_openapi_and_keeps_authorize(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "'/openapi.json'" in html or '"/openapi.json"' in html
    assert "oauth2RedirectUrl" in html
    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert "oauth2" in redirect.text.lower()
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes, "Swagger UI offers Authorize only for declared security schemes"


def test_docs_stay_out_of_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc"))]


def test_swagger_ui_bundle_renders_openapi_3_1(client: TestClient) -> None:
    """Swagger UI 4 cannot show an OpenAPI 3.1 document, which FastAPI writes."""
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    bundle = client.get("/docs/static/swagger-ui-bundle.js").text
    version = re.search(r"""PACKAGE_VERSION:"(\d+)\.\d+\.\d+""", bundle)
    assert version, "no PACKAGE_VERSION in the Swagger UI bundle"
    assert int(version.group(1)) >= 5, version.group(0)

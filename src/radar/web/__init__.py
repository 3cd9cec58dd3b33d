"""The map explorer: a small page over the API at `/`, Leaflet served from its Python package.

Plain HTML, CSS and ES modules from `static/`, no build step. Leaflet comes from the
`XStatic-Leaflet` package (no third-party JavaScript in this repository). The page reads
`/explorer-config.json` for its base map and whether anonymous reads are allowed. None of these
routes is part of the API: they stay out of the OpenAPI document.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import xstatic.pkg.leaflet as leaflet  # type: ignore[import-untyped]  # no type hints shipped
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from radar.settings import Settings

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "static"
PAGE = HERE / "index.html"
PAGE_URL = "/"
ASSETS_URL = "/explorer"
LEAFLET_URL = "/static/leaflet"
CONFIG_URL = "/explorer-config.json"
LEAFLET_DIR: str = leaflet.BASE_DIR
LEAFLET_VERSION: str = leaflet.VERSION


def install_explorer(app: FastAPI) -> None:
    """Serve the explorer page at `/`, its assets, Leaflet and its configuration."""
    page = PAGE.read_text(encoding="utf-8")
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="explorer-assets")
    app.mount(LEAFLET_URL, StaticFiles(directory=LEAFLET_DIR), name="leaflet")

    async def explorer_page(request: Request) -> HTMLResponse:
        settings: Settings = request.app.state.settings
        return HTMLResponse(page, headers=page_headers(settings.map_tile_url))

    async def explorer_config(request: Request) -> JSONResponse:
        settings: Settings = request.app.state.settings
        return JSONResponse(explorer_settings(settings), headers={"Cache-Control": "no-cache"})

    app.add_route(PAGE_URL, explorer_page, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_route(CONFIG_URL, explorer_config, methods=["GET", "HEAD"], include_in_schema=False)


def explorer_settings(settings: Settings) -> dict[str, Any]:
    """What the page needs to know before it calls the API."""
    return {
        "tile_url": settings.map_tile_url,
        "tile_attribution": settings.map_tile_attribution,
        "public_read": settings.public_read,
        "leaflet_version": LEAFLET_VERSION,
    }


def page_headers(tile_url: str) -> dict[str, str]:
    """Headers of the page: its scripts, styles and requests may only go to this server, and
    images to the tile server too; nothing else leaves the browser."""
    images = " ".join(["'self'", "data:", *tile_sources(tile_url)])
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        # Tile servers such as OpenStreetMap's want to know which site asks (their usage policy).
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


def tile_sources(tile_url: str) -> list[str]:
    """The CSP source of a tile URL template's server: `{s}` subdomains become a wildcard;
    none for a template on this server or an empty one."""
    parts = urlsplit(tile_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    host = parts.netloc.rsplit("@", 1)[-1]
    if "{" in host:
        labels = host.split(".")
        if "{" in labels[0] and not any("{" in label for label in labels[1:]):
            host = ".".join(["*", *labels[1:]])
        else:
            return [f"{parts.scheme}:"]  # a placeholder elsewhere: the scheme is all we can name
    return [f"{parts.scheme}://{host}"]

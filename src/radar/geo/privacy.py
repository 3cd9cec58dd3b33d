"""Location privacy: the point shown for a location at a given precision."""

import math

from radar.geo.gazetteer import PLACE_AREA_KM, POSTCODE_AREA_KM, get_gazetteer

POSTCODE_GRID_KM = 2.0
"""Outside the gazetteer's postcode areas, a `postcode`-precision location is shown at the
centre of its cell on a grid of cells this many kilometres high and (at least) wide."""
CITY_GRID_KM = 10.0
"""Outside the gazetteer's places, a `city`-precision location is shown at the centre of its
cell on a grid of cells this many kilometres high and (at least) wide."""
SHOWN_WITHIN_KM = max(POSTCODE_AREA_KM, PLACE_AREA_KM)
"""A shown point lies at most this far from the location it stands for (a centroid is used only
within its area's reach; grid cells are far smaller)."""

# Kilometres per degree of latitude on the sphere of `distance_km`.
_KM_PER_DEGREE = 12742.0 * math.pi / 360.0


def shown_point(
    precision: str, lat: float | None, lon: float | None, postcode: str | None, city: str | None
) -> tuple[float, float] | None:
    """Where a location at `precision` (exact, postcode, city, hidden) appears to those who do
    not manage it: itself, its postcode area's centroid, its place's centre, or nowhere; where
    the gazetteer knows no area or place near it, the centre of its cell on the grid of the
    precision — never the location itself (unless it is that centroid or centre)."""
    if lat is None or lon is None or precision == "hidden":
        return None
    if precision == "postcode":
        centroid = get_gazetteer().postcode_centroid(postcode, lat, lon)
        return centroid or grid_cell_centre(lat, lon, POSTCODE_GRID_KM)
    if precision == "city":
        centre = get_gazetteer().city_centroid(city, lat, lon)
        return centre or grid_cell_centre(lat, lon, CITY_GRID_KM)
    return lat, lon


def grid_cell_centre(lat: float, lon: float, size_km: float) -> tuple[float, float]:
    """The centre of the cell holding a point on a grid of rows `size_km` high, each cut into
    as many equal columns as fit `size_km` wide at the row's middle (a single one at a pole):
    cells of about `size_km` square at any latitude, the same for every caller."""
    height = size_km / _KM_PER_DEGREE
    row = math.floor(lat / height)
    centre_lat = min(90.0, max(-90.0, (row + 0.5) * height))
    circumference = 360.0 * _KM_PER_DEGREE * math.cos(math.radians(centre_lat))
    columns = max(1, math.floor(circumference / size_km))
    width = 360.0 / columns
    column = math.floor((lon + 180.0) / width) % columns
    return round(centre_lat, 6), round(-180.0 + (column + 0.5) * width, 6)


def kept_or_shown_point(
    kept: tuple[float | None, float | None],
    precision: str,
    lat: float | None,
    lon: float | None,
    postcode: str | None,
    city: str | None,
) -> tuple[float, float] | None:
    """The shown point as kept on the row (`shown_lat`, `shown_lon`), or computed when the row
    has none kept (written before it was kept)."""
    if lat is None or lon is None or precision == "hidden":
        return None
    if kept[0] is not None and kept[1] is not None:
        return kept[0], kept[1]
    return shown_point(precision, lat, lon, postcode, city)

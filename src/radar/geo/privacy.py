"""Location privacy: the point shown for a location at a given precision."""

from radar.geo.gazetteer import get_gazetteer


def shown_point(
    precision: str, lat: float | None, lon: float | None, postcode: str | None, city: str | None
) -> tuple[float, float] | None:
    """Where a location at `precision` (exact, postcode, city, hidden) appears to those who do
    not manage it: itself, its postcode area's centroid, its place's centre, or nowhere."""
    if lat is None or lon is None or precision == "hidden":
        return None
    if precision == "postcode":
        return get_gazetteer().postcode_centroid(postcode, lat, lon)
    if precision == "city":
        return get_gazetteer().city_centroid(city, lat, lon)
    return lat, lon


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

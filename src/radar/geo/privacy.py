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

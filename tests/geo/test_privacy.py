"""The point shown at a coarse precision: the gazetteer's centroids in Germany, a grid elsewhere."""

import itertools

import pytest

from radar.geo.gazetteer import distance_km, get_gazetteer
from radar.geo.privacy import CITY_GRID_KM, POSTCODE_GRID_KM, SHOWN_WITHIN_KM, shown_point

GRIDS = {"postcode": POSTCODE_GRID_KM, "city": CITY_GRID_KM}
ABROAD = {
    "Paris": (48.8867, 2.3431),
    "Wien": (48.2085, 16.3731),
    "New York": (40.7580, -73.9855),
    "Sydney": (-33.8688, 151.2093),
    "Quito": (-0.1807, -78.4678),
    "Longyearbyen": (78.2232, 15.6267),
    "Taveuni": (-16.85, 179.99),  # beside the antimeridian
    "near the North Pole": (89.98, 45.0),
}


@pytest.mark.parametrize("precision", GRIDS)
@pytest.mark.parametrize("point", ABROAD.values(), ids=list(ABROAD))
def test_outside_germany_a_coarse_point_is_the_centre_of_its_grid_cell(
    precision: str, point: tuple[float, float]
) -> None:
    shown = shown_point(precision, *point, None, None)

    assert shown is not None
    # Within the cell (half its diagonal, with room for narrower columns near a pole) ...
    assert distance_km(*shown, *point) <= GRIDS[precision] * 1.2
    # ... and the same for every point of that cell: it tells nothing more than the cell.
    for dlat, dlon in ((0.0001, 0.0), (0.0, 0.0001), (-0.0001, -0.0001)):
        neighbour = shown_point(precision, point[0] + dlat, point[1] + dlon, None, None)
        assert neighbour == shown or distance_km(*neighbour, *shown) >= GRIDS[precision] * 0.9


@pytest.mark.parametrize("precision", GRIDS)
@pytest.mark.parametrize("lat", [0.3, -33.3, 48.3, 60.3, 75.3])
def test_grid_cells_are_as_wide_as_high_at_any_latitude(precision: str, lat: float) -> None:
    size = GRIDS[precision]
    # Walk east in steps of a tenth of a cell: the centres passed lie one cell width apart.
    step = size / 10 / distance_km(lat, 0.0, lat, 1.0)
    centres = list(
        dict.fromkeys(shown_point(precision, lat, i * step, None, None) for i in range(60))
    )

    widths = [distance_km(*a, *b) for a, b in itertools.pairwise(centres) if a and b]
    assert len(widths) >= 4
    assert all(size * 0.999 <= width <= size * 1.01 for width in widths)


@pytest.mark.parametrize("precision", GRIDS)
def test_a_german_postcode_or_place_far_from_the_point_does_not_reveal_it(
    precision: str,
) -> None:
    paris = ABROAD["Paris"]

    shown = shown_point(precision, *paris, "57072", "Siegen")

    assert shown == shown_point(precision, *paris, None, None)
    assert shown is not None
    assert shown != paris


def test_in_germany_coarse_points_are_the_gazetteer_s_centroids() -> None:
    gazetteer = get_gazetteer()
    street_in_luedenscheid = (51.2251, 7.6412)

    assert shown_point("postcode", *street_in_luedenscheid, "58507", "Lüdenscheid") == (
        gazetteer.postcodes["58507"].lat,
        gazetteer.postcodes["58507"].lon,
    )
    assert shown_point("city", *street_in_luedenscheid, None, "Lüdenscheid") == (51.21977, 7.6273)
    # A postcode of the other end of Germany: the nearest postcode area instead.
    nearest = shown_point("postcode", *street_in_luedenscheid, "80331", None)
    assert nearest is not None
    assert distance_km(*nearest, *street_in_luedenscheid) < 5


@pytest.mark.parametrize("precision", GRIDS)
@pytest.mark.parametrize("point", [*ABROAD.values(), (51.2251, 7.6412), (47.6, 7.59)])
def test_a_shown_point_lies_within_the_stated_reach(
    precision: str, point: tuple[float, float]
) -> None:
    shown = shown_point(precision, *point, "57072", "Siegen")

    assert shown is not None
    assert distance_km(*shown, *point) <= SHOWN_WITHIN_KM

import math

from hypothesis import given
from hypothesis import strategies as st

from storage.geo import EARTH_RADIUS_M, bounding_box, distance_m

GANGNAM_STATION = (37.4979, 127.0276)
YEOKSAM_STATION = (37.5006, 127.0364)


def destination(lat: float, lon: float, bearing_deg: float, distance: float) -> tuple[float, float]:
    """The point ``distance`` metres from (lat, lon) along ``bearing_deg`` (great-circle)."""
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    delta = distance / EARTH_RADIUS_M
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi), math.cos(delta) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lam2)


def test_distance_between_neighbouring_stations() -> None:
    # Gangnam to Yeoksam station is about 830 m as the crow flies.
    assert 750 < distance_m(*GANGNAM_STATION, *YEOKSAM_STATION) < 900
    assert distance_m(*GANGNAM_STATION, *GANGNAM_STATION) == 0


@given(
    lat=st.floats(33.0, 38.5),
    lon=st.floats(124.5, 131.0),
    radius=st.floats(10, 5000),
    bearing=st.floats(0, 360),
    fraction=st.floats(0, 1),
)
def test_every_point_within_the_radius_is_inside_the_box(
    lat: float, lon: float, radius: float, bearing: float, fraction: float
) -> None:
    point = destination(lat, lon, bearing, radius * fraction)
    assert math.isclose(distance_m(lat, lon, *point), radius * fraction, rel_tol=1e-6, abs_tol=1e-3)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    assert min_lat <= point[0] <= max_lat
    assert min_lon <= point[1] <= max_lon

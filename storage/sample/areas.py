"""The three sample areas: their real streets (as rough polylines), landmarks and local naming.

Coordinates are approximate (within a few hundred metres of the real places) and every generated point is kept
inside the district's bounding box, so distance searches behave as they would on real data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

LatLon = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Street:
    """A named road drawn as a polyline from its low house numbers to its high ones."""

    name: str
    points: tuple[LatLon, ...]
    numbers: tuple[int, int]
    weight: int = 1
    """How many shops this street gets relative to the others of its area."""


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str
    region: str
    """The address prefix: "서울특별시 강남구"."""
    bounds: tuple[float, float, float, float]
    """(min_lat, max_lat, min_lon, max_lon) of the district."""
    streets: tuple[Street, ...]
    branches: tuple[str, ...]
    """Neighbourhood words used for branch names ("역삼점")."""
    phone_prefixes: tuple[str, ...]
    shop_count: int
    price_level: float
    """Multiplier on the national price ranges: central Seoul is dearer than Chuncheon."""

    def street_address(self, street: Street, number: int) -> str:
        return f"{self.region} {street.name} {number}"


@dataclass(frozen=True, slots=True)
class PlaceSpec:
    name: str
    area: str
    kind: str
    """station, school, university, park, landmark, neighbourhood."""
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()


GANGNAM = Area(
    code="seoul-gangnam",
    name="강남구",
    region="서울특별시 강남구",
    bounds=(37.456, 37.535, 127.013, 127.125),
    streets=(
        Street("테헤란로", ((37.4980, 127.0276), (37.5089, 127.0630)), (100, 530), weight=5),
        Street("강남대로", ((37.4880, 127.0322), (37.4979, 127.0282), (37.5165, 127.0203)), (262, 660), weight=4),
        Street("역삼로", ((37.4936, 127.0305), (37.5000, 127.0450), (37.5050, 127.0600)), (100, 540), weight=3),
        Street("논현로", ((37.4780, 127.0470), (37.5000, 127.0370), (37.5230, 127.0280)), (60, 860), weight=3),
        Street("봉은사로", ((37.5045, 127.0250), (37.5145, 127.0580)), (100, 640), weight=2),
        Street("선릉로", ((37.4885, 127.0580), (37.5045, 127.0490), (37.5260, 127.0390)), (300, 870), weight=3),
        Street("도곡로", ((37.4857, 127.0340), (37.4920, 127.0470), (37.4990, 127.0630)), (100, 460), weight=2),
        Street("언주로", ((37.4840, 127.0500), (37.5040, 127.0420), (37.5240, 127.0350)), (300, 870), weight=1),
    ),
    branches=("강남역", "역삼", "선릉", "삼성", "논현", "신사", "대치", "도곡", "개포", "청담", "신논현", "한티"),
    phone_prefixes=("02-55", "02-56", "02-34", "02-50"),
    shop_count=165,
    price_level=1.05,
)

MAPO = Area(
    code="seoul-mapo",
    name="마포구",
    region="서울특별시 마포구",
    bounds=(37.534, 37.590, 126.860, 126.965),
    streets=(
        Street("양화로", ((37.5495, 126.9140), (37.5572, 126.9245), (37.5560, 126.9370)), (45, 190), weight=4),
        Street(
            "월드컵로",
            ((37.5497, 126.9127), (37.5560, 126.9060), (37.5633, 126.9028), (37.5686, 126.8974)),
            (1, 260),
            weight=3,
        ),
        Street(
            "독막로",
            ((37.5490, 126.9150), (37.5478, 126.9228), (37.5477, 126.9320), (37.5478, 126.9424), (37.5440, 126.9510)),
            (1, 330),
            weight=3,
        ),
        Street("와우산로", ((37.5475, 126.9245), (37.5520, 126.9250), (37.5600, 126.9380)), (1, 200), weight=3),
        Street("동교로", ((37.5497, 126.9150), (37.5570, 126.9205), (37.5640, 126.9250)), (100, 290), weight=2),
        Street("망원로", ((37.5555, 126.9010), (37.5580, 126.9080), (37.5570, 126.9140)), (1, 110), weight=2),
        Street("마포대로", ((37.5395, 126.9460), (37.5443, 126.9516), (37.5540, 126.9560)), (1, 200), weight=2),
    ),
    branches=("홍대", "합정", "망원", "상수", "공덕", "연남", "서교", "상암", "성산", "마포역", "대흥", "도화"),
    phone_prefixes=("02-32", "02-33", "02-71", "02-70"),
    shop_count=160,
    price_level=1.0,
)

CHUNCHEON = Area(
    code="chuncheon",
    name="춘천시",
    region="강원특별자치도 춘천시",
    bounds=(37.840, 37.910, 127.690, 127.780),
    streets=(
        Street("중앙로", ((37.8860, 127.7270), (37.8810, 127.7280), (37.8745, 127.7275)), (1, 160), weight=3),
        Street("금강로", ((37.8805, 127.7200), (37.8790, 127.7310), (37.8780, 127.7380)), (1, 110), weight=3),
        Street("퇴계로", ((37.8650, 127.7200), (37.8560, 127.7330), (37.8500, 127.7430)), (1, 230), weight=2),
        Street("후석로", ((37.8610, 127.7420), (37.8720, 127.7440), (37.8860, 127.7480)), (1, 460), weight=3),
        Street("공지로", ((37.8730, 127.7130), (37.8720, 127.7280), (37.8700, 127.7420)), (1, 320), weight=2),
        Street("스포츠타운길", ((37.8730, 127.6990), (37.8800, 127.7040), (37.8850, 127.7110)), (1, 400), weight=1),
        Street("효자로", ((37.8740, 127.7320), (37.8690, 127.7370), (37.8640, 127.7400)), (1, 200), weight=2),
        Street("한림대학길", ((37.8850, 127.7340), (37.8868, 127.7385)), (1, 60), weight=1),
        Street("명동길", ((37.8803, 127.7270), (37.8812, 127.7305)), (1, 70), weight=2),
    ),
    branches=("춘천역", "명동", "남춘천", "석사", "후평", "퇴계", "효자", "온의", "강원대", "한림대", "소양", "근화"),
    phone_prefixes=("033-24", "033-25", "033-26"),
    shop_count=125,
    price_level=0.92,
)

AREAS: tuple[Area, ...] = (GANGNAM, MAPO, CHUNCHEON)

PLACES: tuple[PlaceSpec, ...] = (
    # 강남구
    PlaceSpec("강남역", GANGNAM.code, "station", 37.4979, 127.0276, ("강남", "강남역 사거리")),
    PlaceSpec("역삼역", GANGNAM.code, "station", 37.5006, 127.0364, ("역삼",)),
    PlaceSpec("선릉역", GANGNAM.code, "station", 37.5045, 127.0490, ("선릉",)),
    PlaceSpec("삼성역", GANGNAM.code, "station", 37.5088, 127.0631, ("삼성",)),
    PlaceSpec("신논현역", GANGNAM.code, "station", 37.5045, 127.0250, ("신논현",)),
    PlaceSpec("논현역", GANGNAM.code, "station", 37.5110, 127.0215, ("논현",)),
    PlaceSpec("신사역", GANGNAM.code, "station", 37.5163, 127.0203, ("신사", "가로수길")),
    PlaceSpec("한티역", GANGNAM.code, "station", 37.4962, 127.0529, ("한티",)),
    PlaceSpec("도곡역", GANGNAM.code, "station", 37.4909, 127.0554, ("도곡",)),
    PlaceSpec("대치역", GANGNAM.code, "station", 37.4945, 127.0635, ("대치", "대치동 학원가")),
    PlaceSpec("코엑스", GANGNAM.code, "landmark", 37.5116, 127.0595, ("코엑스몰", "삼성동 코엑스")),
    PlaceSpec("도산공원", GANGNAM.code, "park", 37.5245, 127.0354, ("도산",)),
    PlaceSpec("선정릉", GANGNAM.code, "park", 37.5087, 127.0488, ("선릉공원", "선정릉공원")),
    PlaceSpec("역삼초등학교", GANGNAM.code, "school", 37.4972, 127.0410, ("역삼초",)),
    PlaceSpec("역삼중학교", GANGNAM.code, "school", 37.4995, 127.0445, ("역삼중",)),
    PlaceSpec("대치초등학교", GANGNAM.code, "school", 37.4990, 127.0610, ("대치초",)),
    PlaceSpec("휘문고등학교", GANGNAM.code, "school", 37.5005, 127.0625, ("휘문고",)),
    # 마포구
    PlaceSpec("홍대입구역", MAPO.code, "station", 37.5572, 126.9245, ("홍대", "홍대입구", "홍입")),
    PlaceSpec("합정역", MAPO.code, "station", 37.5495, 126.9139, ("합정",)),
    PlaceSpec("망원역", MAPO.code, "station", 37.5561, 126.9101, ("망원",)),
    PlaceSpec("상수역", MAPO.code, "station", 37.5478, 126.9229, ("상수",)),
    PlaceSpec("공덕역", MAPO.code, "station", 37.5443, 126.9516, ("공덕",)),
    PlaceSpec("마포역", MAPO.code, "station", 37.5395, 126.9460, ()),
    PlaceSpec("마포구청역", MAPO.code, "station", 37.5636, 126.9034, ("마포구청",)),
    PlaceSpec("월드컵경기장역", MAPO.code, "station", 37.5697, 126.8990, ("월드컵경기장", "상암 월드컵경기장")),
    PlaceSpec("디지털미디어시티역", MAPO.code, "station", 37.5770, 126.9000, ("DMC", "디엠씨", "상암")),
    PlaceSpec("대흥역", MAPO.code, "station", 37.5478, 126.9424, ("대흥",)),
    PlaceSpec("광흥창역", MAPO.code, "station", 37.5475, 126.9318, ("광흥창",)),
    PlaceSpec("망원한강공원", MAPO.code, "park", 37.5546, 126.8990, ("망원한강", "망원 한강공원")),
    PlaceSpec("경의선숲길", MAPO.code, "park", 37.5605, 126.9235, ("연트럴파크", "경의선 숲길")),
    PlaceSpec("하늘공원", MAPO.code, "park", 37.5683, 126.8858, ()),
    PlaceSpec("연남동", MAPO.code, "neighbourhood", 37.5620, 126.9230, ("연남",)),
    PlaceSpec("홍익대학교", MAPO.code, "university", 37.5511, 126.9250, ("홍익대", "홍대 정문")),
    PlaceSpec("서강대학교", MAPO.code, "university", 37.5509, 126.9410, ("서강대",)),
    PlaceSpec("서교초등학교", MAPO.code, "school", 37.5535, 126.9185, ("서교초",)),
    PlaceSpec("망원초등학교", MAPO.code, "school", 37.5570, 126.9050, ("망원초",)),
    PlaceSpec("성산중학교", MAPO.code, "school", 37.5655, 126.9085, ("성산중",)),
    # 춘천시
    PlaceSpec("춘천역", CHUNCHEON.code, "station", 37.8849, 127.7168, ("춘천역 앞",)),
    PlaceSpec("남춘천역", CHUNCHEON.code, "station", 37.8640, 127.7238, ("남춘천",)),
    PlaceSpec(
        "명동(춘천)", CHUNCHEON.code, "neighbourhood", 37.8807, 127.7286, ("명동", "춘천 명동", "명동 닭갈비골목")
    ),
    PlaceSpec("춘천시청", CHUNCHEON.code, "landmark", 37.8813, 127.7298, ("시청",)),
    PlaceSpec("춘천중앙시장", CHUNCHEON.code, "landmark", 37.8815, 127.7260, ("중앙시장", "낭만시장")),
    PlaceSpec("춘천시외버스터미널", CHUNCHEON.code, "landmark", 37.8630, 127.7210, ("시외버스터미널", "터미널")),
    PlaceSpec("강원대학교", CHUNCHEON.code, "university", 37.8693, 127.7443, ("강원대", "강대")),
    PlaceSpec("한림대학교", CHUNCHEON.code, "university", 37.8864, 127.7378, ("한림대",)),
    PlaceSpec("공지천유원지", CHUNCHEON.code, "park", 37.8700, 127.7130, ("공지천", "공지천 공원")),
    PlaceSpec("송암스포츠타운", CHUNCHEON.code, "park", 37.8770, 127.6990, ("스포츠타운", "송암")),
    PlaceSpec("후평동", CHUNCHEON.code, "neighbourhood", 37.8800, 127.7480, ("후평",)),
    PlaceSpec("석사동", CHUNCHEON.code, "neighbourhood", 37.8600, 127.7450, ("석사",)),
    PlaceSpec("퇴계동", CHUNCHEON.code, "neighbourhood", 37.8560, 127.7300, ("퇴계",)),
    PlaceSpec("춘천중학교", CHUNCHEON.code, "school", 37.8835, 127.7320, ("춘천중",)),
    PlaceSpec("춘천고등학교", CHUNCHEON.code, "school", 37.8870, 127.7310, ("춘천고",)),
    PlaceSpec("후평초등학교", CHUNCHEON.code, "school", 37.8790, 127.7470, ("후평초",)),
    PlaceSpec("석사초등학교", CHUNCHEON.code, "school", 37.8610, 127.7440, ("석사초",)),
)


def area_by_code(code: str) -> Area:
    for area in AREAS:
        if area.code == code:
            return area
    raise KeyError(code)


_BRANCH_KINDS = ("station", "university", "neighbourhood")


def nearest_branch(area: Area, lat: float, lon: float) -> str:
    """The word a chain would name its branch here after: the nearest station or neighbourhood ("역삼", "홍대")."""
    candidates = [place for place in PLACES if place.area == area.code and place.kind in _BRANCH_KINDS]
    place = min(candidates, key=lambda p: math.dist((p.lat, p.lon), (lat, lon)))
    return place.aliases[0] if place.aliases else place.name


def place_rows() -> list[dict[str, Any]]:
    """Place rows, ready for ``insert(Place)``."""
    return [
        {
            "name": place.name,
            "aliases": list(place.aliases),
            "area": place.area,
            "kind": place.kind,
            "latitude": place.lat,
            "longitude": place.lon,
        }
        for place in PLACES
    ]


def point_on_street(street: Street, t: float) -> LatLon:
    """The point a fraction ``t`` (0..1) of the way along the street's polyline, by length."""
    legs = list(zip(street.points, street.points[1:], strict=False))
    lengths = [math.dist(a, b) for a, b in legs]
    remaining = max(0.0, min(1.0, t)) * sum(lengths)
    for (a, b), length in zip(legs, lengths, strict=True):
        if remaining <= length or length == 0:
            f = remaining / length if length else 0.0
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        remaining -= length
    return street.points[-1]


def shop_location(area: Area, street: Street, rng: random.Random) -> tuple[int, float, float]:
    """A house number on ``street`` and the coordinates of a building there, inside the district."""
    t = rng.random()
    low, high = street.numbers
    number = low + round(t * (high - low))
    lat, lon = point_on_street(street, t)
    # Buildings stand up to ~60 m off the centre line.
    lat += rng.uniform(-0.0005, 0.0005)
    lon += rng.uniform(-0.0006, 0.0006)
    min_lat, max_lat, min_lon, max_lon = area.bounds
    return number, round(min(max(lat, min_lat), max_lat), 6), round(min(max(lon, min_lon), max_lon), 6)

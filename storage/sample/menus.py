"""Menu templates per catalogue category, with price ranges in won at 2025 Korean street level.

Ranges are national levels; an area's ``price_level`` and a shop's own spread are applied on top. Tags say what is
true of a dish: spicy, pork, beef, chicken, seafood, vegetarian (no meat or fish; egg and dairy allowed).
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import MenuKind


@dataclass(frozen=True, slots=True)
class Dish:
    name: str
    low: int
    high: int
    kind: str = MenuKind.MAIN.value
    tags: tuple[str, ...] = ()
    description: str | None = None


def _main(name: str, low: int, high: int, *tags: str, description: str | None = None) -> Dish:
    return Dish(name, low, high, MenuKind.MAIN.value, tags, description)


def _side(name: str, low: int, high: int, *tags: str) -> Dish:
    return Dish(name, low, high, MenuKind.SIDE.value, tags)


def _drink(name: str, low: int, high: int) -> Dish:
    return Dish(name, low, high, MenuKind.DRINK.value)


def _dessert(name: str, low: int, high: int, *tags: str) -> Dish:
    return Dish(name, low, high, MenuKind.DESSERT.value, tags)


def _set(name: str, low: int, high: int, description: str, *tags: str) -> Dish:
    return Dish(name, low, high, MenuKind.SET.value, tags, description)


@dataclass(frozen=True, slots=True)
class CategoryMenu:
    """What shops of one category sell, and how many of each part a shop's menu takes."""

    mains: tuple[Dish, ...]
    sides: tuple[Dish, ...]
    drinks: tuple[Dish, ...]
    extras: tuple[Dish, ...] = ()
    """Sets and desserts."""
    counts: tuple[tuple[int, int], ...] = ((5, 7), (1, 2), (1, 2), (0, 1))
    """(min, max) picked from mains, sides, drinks, extras."""
    step: int = 500
    """Prices are rounded to this many won."""


_SODAS = (_drink("콜라", 1500, 2000), _drink("사이다", 1500, 2000), _drink("제로콜라", 1500, 2000))

MENUS: dict[str, CategoryMenu] = {
    "한식": CategoryMenu(
        mains=(
            _main("김치찌개", 8000, 9500, "spicy", "pork"),
            _main("된장찌개", 8000, 9500, "seafood"),
            _main("순두부찌개", 8000, 9500, "spicy", "seafood"),
            _main("제육볶음 정식", 9000, 11000, "spicy", "pork"),
            _main("소불고기 백반", 9500, 12000, "beef"),
            _main("비빔밥", 8000, 9500, "vegetarian"),
            _main("돌솥비빔밥", 9000, 11000, "beef"),
            _main("육개장", 9000, 11000, "spicy", "beef"),
            _main("갈비탕", 12000, 15000, "beef"),
            _main("고등어구이 정식", 9000, 11000, "seafood"),
            _main("오징어볶음", 9000, 11000, "spicy", "seafood"),
            _main("잔치국수", 6000, 7500, "seafood"),
            _main("비빔국수", 7000, 8500, "spicy", "vegetarian"),
            _main("바지락칼국수", 8000, 9500, "seafood"),
            _main("물냉면", 9000, 12000, "beef"),
            _main("비빔냉면", 9000, 12000, "spicy", "beef"),
            _main("보리밥 정식", 8000, 9500, "vegetarian"),
            _main("청국장", 8000, 9500),
            _main("가정식 백반", 8000, 9500, description="오늘의 국과 반찬 다섯 가지"),
        ),
        sides=(
            _side("계란말이", 6000, 9000, "vegetarian"),
            _side("김치전", 8000, 12000, "spicy", "vegetarian"),
            _side("공기밥", 1000, 1500, "vegetarian"),
            _side("고기만두", 5000, 6500, "pork"),
        ),
        drinks=(*_SODAS, _drink("식혜", 2000, 3000)),
    ),
    "분식": CategoryMenu(
        mains=(
            _main("김밥", 2500, 4000),
            _main("참치김밥", 3500, 5000, "seafood"),
            _main("치즈김밥", 3500, 4500),
            _main("소고기김밥", 4000, 5500, "beef"),
            _main("돈까스김밥", 4000, 5500, "pork"),
            _main("야채김밥", 3000, 4000, "vegetarian"),
            _main("떡볶이", 3500, 5000, "spicy"),
            _main("치즈떡볶이", 4500, 6000, "spicy"),
            _main("라볶이", 5000, 6500, "spicy"),
            _main("라면", 3500, 4500, "spicy"),
            _main("치즈라면", 4000, 5000, "spicy"),
            _main("쫄면", 5500, 7000, "spicy", "vegetarian"),
            _main("어묵우동", 4500, 6000, "seafood"),
            _main("돈까스", 7000, 9000, "pork"),
            _main("제육덮밥", 7000, 8500, "spicy", "pork"),
            _main("오므라이스", 6500, 8000),
            _main("김치볶음밥", 6000, 7500, "spicy"),
            _main("참치마요덮밥", 6000, 7500, "seafood"),
        ),
        sides=(
            _side("순대", 4000, 5500, "pork"),
            _side("모둠튀김", 3500, 5000),
            _side("어묵", 1000, 3000, "seafood"),
            _side("군만두", 3500, 5000, "pork"),
            _side("김말이", 2500, 3500, "vegetarian"),
        ),
        drinks=(_drink("쿨피스", 1000, 1500), *_SODAS),
        extras=(
            _set("떡튀순 세트", 9000, 12000, "떡볶이, 모둠튀김, 순대", "spicy", "pork"),
            _set("김밥 라면 세트", 6500, 8000, "김밥 한 줄과 라면", "spicy"),
        ),
        counts=((6, 8), (2, 3), (1, 2), (0, 1)),
    ),
    "중식": CategoryMenu(
        mains=(
            _main("짜장면", 6000, 8000, "pork"),
            _main("간짜장", 7000, 9000, "pork"),
            _main("짬뽕", 7500, 10000, "spicy", "seafood"),
            _main("짬뽕밥", 8500, 10000, "spicy", "seafood"),
            _main("볶음밥", 7500, 9000, "pork"),
            _main("잡채밥", 8500, 10000, "pork"),
            _main("마파두부밥", 8500, 10000, "spicy", "pork"),
            _main("울면", 8000, 9500, "seafood"),
            _main("탕수육 (소)", 15000, 20000, "pork"),
            _main("깐풍기", 18000, 25000, "spicy", "chicken"),
            _main("유린기", 18000, 24000, "chicken"),
            _main("쟁반짜장 (2인)", 16000, 20000, "pork"),
        ),
        sides=(_side("군만두", 5000, 7000, "pork"), _side("물만두", 5000, 7000, "pork")),
        drinks=_SODAS,
        extras=(_set("짜장면 탕수육 세트", 15000, 19000, "짜장면 한 그릇과 탕수육 (소)", "pork"),),
    ),
    "일식": CategoryMenu(
        mains=(
            _main("등심돈까스", 9000, 12000, "pork"),
            _main("치즈돈까스", 10000, 13000, "pork"),
            _main("안심돈까스", 10000, 13000, "pork"),
            _main("생선까스", 9000, 11000, "seafood"),
            _main("카레돈까스", 10000, 12000, "pork"),
            _main("모둠초밥 (10피스)", 12000, 18000, "seafood"),
            _main("연어덮밥", 11000, 15000, "seafood"),
            _main("가츠동", 8500, 10000, "pork"),
            _main("규동", 8000, 10000, "beef"),
            _main("냉모밀", 8000, 9500, "seafood"),
            _main("돈코츠라멘", 9000, 11000, "pork"),
            _main("매운 돈코츠라멘", 9500, 11500, "spicy", "pork"),
            _main("튀김우동", 7000, 9000, "seafood"),
        ),
        sides=(
            _side("유부초밥 (4피스)", 4000, 6000, "vegetarian"),
            _side("미니우동", 3000, 4000, "seafood"),
            _side("새우튀김 (2개)", 3000, 4500, "seafood"),
        ),
        drinks=(_drink("라무네", 2500, 3000), *_SODAS),
    ),
    "양식": CategoryMenu(
        mains=(
            _main("토마토 파스타", 11000, 14000, "vegetarian"),
            _main("베이컨 크림 파스타", 12000, 15000, "pork"),
            _main("알리오올리오", 11000, 14000, "vegetarian"),
            _main("로제 파스타", 12000, 15000, "seafood"),
            _main("오므라이스", 9000, 11000),
            _main("함박스테이크", 11000, 14000, "beef", "pork"),
            _main("버섯 크림 리조또", 12000, 15000, "vegetarian"),
            _main("경양식 돈까스", 9000, 11000, "pork"),
            _main("치킨 샐러드", 9000, 12000, "chicken"),
        ),
        sides=(_side("감자튀김", 5000, 6000, "vegetarian"), _side("양송이 수프", 3000, 4000, "vegetarian")),
        drinks=(_drink("레몬에이드", 4500, 5500), _drink("자몽에이드", 4500, 5500), *_SODAS[:2]),
        counts=((4, 6), (1, 2), (1, 2), (0, 0)),
    ),
    "치킨": CategoryMenu(
        mains=(
            _main("후라이드치킨", 18000, 22000, "chicken"),
            _main("양념치킨", 19000, 23000, "chicken"),
            _main("간장치킨", 19000, 23000, "chicken"),
            _main("반반치킨", 19000, 23000, "chicken"),
            _main("순살치킨", 19000, 24000, "chicken"),
            _main("매운 양념치킨", 19000, 23000, "spicy", "chicken"),
            _main("파닭", 20000, 24000, "chicken"),
            _main("반마리 치킨", 9000, 11000, "chicken"),
            _main("치킨마요덮밥", 5500, 7000, "chicken"),
        ),
        sides=(
            _side("치킨텐더", 6000, 8000, "chicken"),
            _side("감자튀김", 3000, 4000, "vegetarian"),
            _side("치즈볼 (5개)", 4000, 5000, "vegetarian"),
            _side("치킨무", 500, 1000, "vegetarian"),
        ),
        drinks=(_drink("콜라 1.25L", 2500, 3000), _drink("콜라 (캔)", 1500, 2000), _drink("사이다 (캔)", 1500, 2000)),
        counts=((4, 6), (2, 3), (1, 2), (0, 0)),
    ),
    "피자": CategoryMenu(
        mains=(
            _main("페퍼로니 피자 (L)", 18000, 23000, "pork"),
            _main("불고기 피자 (L)", 19000, 24000, "beef"),
            _main("포테이토 피자 (L)", 20000, 23500, "pork"),
            _main("콤비네이션 피자 (L)", 19000, 24000, "pork", "beef"),
            _main("치즈 피자 (L)", 17000, 20000, "vegetarian"),
            _main("고구마 피자 (L)", 19000, 24000, "vegetarian"),
            _main("1인 페퍼로니 피자", 6000, 8500, "pork"),
            _main("1인 치즈 피자", 5500, 8000, "vegetarian"),
            _main("미트 스파게티", 7000, 9000, "beef"),
        ),
        sides=(
            _side("치킨윙 (6조각)", 5000, 7000, "chicken"),
            _side("치즈스틱 (4개)", 3500, 5000, "vegetarian"),
            _side("콘샐러드", 2000, 3000, "vegetarian"),
        ),
        drinks=(_drink("콜라 1.25L", 2500, 3000), _drink("콜라 (캔)", 1500, 2000)),
        counts=((4, 6), (1, 2), (1, 2), (0, 0)),
    ),
    "햄버거": CategoryMenu(
        mains=(
            _main("불고기버거", 4000, 5500, "beef"),
            _main("치즈버거", 4500, 6000, "beef"),
            _main("새우버거", 4500, 5500, "seafood"),
            _main("치킨버거", 4500, 6000, "chicken"),
            _main("매운 치킨버거", 5000, 6500, "spicy", "chicken"),
            _main("클래식 수제버거", 8000, 11000, "beef"),
            _main("베이컨 치즈 수제버거", 8500, 11500, "beef", "pork"),
            _main("머쉬룸 버거", 8000, 10500, "beef"),
        ),
        sides=(
            _side("감자튀김", 2000, 3000, "vegetarian"),
            _side("치즈스틱", 2000, 3000, "vegetarian"),
            _side("너겟 (5조각)", 2500, 3500, "chicken"),
        ),
        drinks=(*_SODAS, _drink("밀크쉐이크", 3000, 4000)),
        extras=(
            _set("불고기버거 세트", 6500, 8000, "불고기버거, 감자튀김, 콜라", "beef"),
            _set("치킨버거 세트", 7000, 8500, "치킨버거, 감자튀김, 콜라", "chicken"),
        ),
        counts=((4, 6), (2, 3), (2, 3), (1, 2)),
    ),
    "국밥": CategoryMenu(
        mains=(
            _main("돼지국밥", 8000, 10000, "pork"),
            _main("순대국밥", 8000, 10000, "pork"),
            _main("뼈해장국", 9000, 10500, "spicy", "pork"),
            _main("콩나물국밥", 6000, 8000, "seafood"),
            _main("소머리국밥", 9000, 11000, "beef"),
            _main("설렁탕", 9000, 12000, "beef"),
            _main("곰탕", 10000, 13000, "beef"),
            _main("선지해장국", 8000, 9500, "spicy", "beef"),
            _main("얼큰 순대국", 8500, 10500, "spicy", "pork"),
            _main("수육 (소)", 15000, 22000, "pork"),
        ),
        sides=(
            _side("공기밥", 1000, 1500, "vegetarian"),
            _side("모둠순대", 8000, 12000, "pork"),
            _side("고기만두", 5000, 6500, "pork"),
        ),
        drinks=_SODAS[:2],
        counts=((4, 6), (1, 2), (1, 1), (0, 0)),
    ),
    "도시락": CategoryMenu(
        mains=(
            _main("치킨마요 도시락", 4000, 5000, "chicken"),
            _main("참치마요 도시락", 4000, 5000, "seafood"),
            _main("제육볶음 도시락", 5500, 7000, "spicy", "pork"),
            _main("돈까스 도시락", 5500, 7000, "pork"),
            _main("소불고기 도시락", 6000, 7500, "beef"),
            _main("치킨 도시락", 5500, 7000, "chicken"),
            _main("김치볶음밥 도시락", 5000, 6000, "spicy"),
            _main("고기듬뿍 도시락", 7000, 8500, "pork"),
            _main("정식 도시락", 8500, 10000, "pork", "seafood"),
            _main("나물비빔밥 도시락", 5500, 6500, "vegetarian"),
        ),
        sides=(_side("된장국", 1000, 1500), _side("계란후라이", 800, 1000, "vegetarian"), _side("컵누들", 1500, 2000)),
        drinks=(_drink("콜라 (캔)", 1500, 2000), _drink("생수", 1000, 1000)),
        counts=((5, 7), (1, 2), (1, 2), (0, 0)),
    ),
    "카페/디저트": CategoryMenu(
        mains=(
            _main("햄치즈 샌드위치", 5000, 6500, "pork"),
            _main("에그 샌드위치", 4500, 6000, "vegetarian"),
            _main("크림치즈 베이글", 3500, 4500, "vegetarian"),
            _main("치킨 파니니", 6000, 7500, "chicken"),
        ),
        sides=(),
        drinks=(
            _drink("아메리카노", 2000, 4500),
            _drink("카페라떼", 3000, 5000),
            _drink("바닐라라떼", 3500, 5500),
            _drink("초코라떼", 3500, 5000),
            _drink("딸기라떼", 4000, 5500),
            _drink("복숭아 아이스티", 3000, 4000),
            _drink("레몬에이드", 3500, 5000),
            _drink("망고 스무디", 4500, 5500),
            _drink("우유", 2500, 3500),
        ),
        extras=(
            _dessert("크로플", 3500, 5000, "vegetarian"),
            _dessert("치즈케이크", 5000, 6500, "vegetarian"),
            _dessert("마카롱", 2000, 3000, "vegetarian"),
            _dessert("허니브레드", 5500, 7000, "vegetarian"),
            _dessert("팥빙수 (1인)", 7000, 9500, "vegetarian"),
            _dessert("초코 쿠키", 2000, 3000, "vegetarian"),
        ),
        counts=((1, 2), (0, 0), (5, 7), (2, 3)),
    ),
    "제과점": CategoryMenu(
        mains=(
            _main("단팥빵", 1500, 2500, "vegetarian"),
            _main("소보로빵", 1500, 2500, "vegetarian"),
            _main("크림빵", 1800, 2800, "vegetarian"),
            _main("소시지빵", 2500, 3500, "pork"),
            _main("피자빵", 3000, 3800, "pork"),
            _main("고로케", 2000, 3000, "beef"),
            _main("햄에그 샌드위치", 4500, 6000, "pork"),
            _main("우유식빵", 3500, 5000, "vegetarian"),
            _main("크루아상", 3000, 4000, "vegetarian"),
            _main("참치 샌드위치", 4500, 6000, "seafood"),
        ),
        sides=(),
        drinks=(_drink("흰우유", 1500, 2000), _drink("아메리카노", 2500, 3500), _drink("오렌지주스", 2500, 3500)),
        extras=(
            _dessert("조각 생크림케이크", 4500, 6000, "vegetarian"),
            _dessert("에그타르트", 2000, 2800, "vegetarian"),
            _dessert("초코 머핀", 2500, 3500, "vegetarian"),
        ),
        counts=((6, 8), (0, 0), (1, 2), (1, 2)),
        step=100,
    ),
    "편의점": CategoryMenu(
        mains=(
            _main("참치마요 삼각김밥", 1200, 1600, "seafood"),
            _main("전주비빔 삼각김밥", 1200, 1500),
            _main("불고기 김밥", 2500, 3300, "beef"),
            _main("제육볶음 도시락", 4500, 5500, "spicy", "pork"),
            _main("불고기 도시락", 4900, 5900, "beef"),
            _main("치킨 도시락", 4500, 5500, "chicken"),
            _main("매운 컵라면", 1200, 1800, "spicy"),
            _main("햄에그 샌드위치", 2500, 3500, "pork"),
            _main("불고기 버거", 2500, 3500, "beef"),
            _main("소시지 핫바", 2000, 2800, "pork"),
        ),
        sides=(_side("구운 계란 (2개)", 1800, 2400, "vegetarian"), _side("어묵바", 1800, 2500, "seafood")),
        drinks=(
            _drink("바나나우유", 1500, 1900),
            _drink("흰우유", 1200, 1600),
            _drink("생수 500ml", 1000, 1200),
            _drink("이온음료", 1500, 2200),
        ),
        extras=(
            _dessert("컵과일", 2500, 3500, "vegetarian"),
            _dessert("요거트", 1500, 2500, "vegetarian"),
            _dessert("감자칩", 1500, 2500, "vegetarian"),
        ),
        counts=((6, 8), (1, 2), (2, 3), (1, 2)),
        step=100,
    ),
}

"""kkini's own burger shop: the sample shop that takes orders through kkini, written here.

든든버거 강남역점 sells burgers, sets, sides, drinks, desserts and toppings at the price levels of a Korean burger
chain in 2025 (a burger 3,800-8,900 won, a set 5,900-10,500, medium fries and cola 2,000 each). A set is its burger
with 감자튀김 (M) and 콜라 (M); its side or drink changes within the group at the price difference (감자튀김 (M) ->
양념감자 +600, 콜라 (M) -> 사이다 (M) +0), and the shop's own rule makes water instead of cola 500 won cheaper.
A few items are sold out; the breakfast muffins are sold only until 10:30 and soft-serve from 11:00 to 22:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.models import CardAcceptance, MenuKind
from storage.sample.rows import SAMPLE_SOURCE, Row, ShopSeed
from storage.set_menus import ChangeRuleSeed, ComponentSeed, change_rules

BURGER_SHOP_KEY = "dundeun-burger-gangnam"
BURGER_SHOP_NAME = "든든버거 강남역점"
OPENS_AT, CLOSES_AT = 7 * 60, 25 * 60
"""07:00 to 01:00 the next morning, every day."""
BREAKFAST = (7 * 60, 10 * 60 + 30)
SOFT_SERVE = (11 * 60, 22 * 60)

SECTIONS = ("세트", "버거", "사이드", "음료", "디저트", "토핑")
"""The menu's sections in the order the shop lists them."""


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    price: int
    tags: tuple[str, ...] = ()
    description: str | None = None
    sold_out: bool = False
    hours: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class SetMenu:
    name: str
    price: int
    burger: str
    side: str = "감자튀김 (M)"
    drink: str = "콜라 (M)"


BURGERS = (
    Product("불고기버거", 5_000, ("beef",), "달콤짭짤한 불고기 소스에 쇠고기 패티와 양상추를 넣은 대표 버거"),
    Product("더블 불고기버거", 7_000, ("beef",), "불고기 패티를 두 장 넣어 든든한 버거"),
    Product("치즈버거", 5_300, ("beef",), "쇠고기 패티에 체다 치즈 한 장"),
    Product("더블 치즈버거", 7_100, ("beef",), "패티 두 장과 치즈 두 장"),
    Product("새우버거", 5_000, ("seafood",), "통새우살 패티와 타르타르 소스"),
    Product("치킨버거", 4_500, ("chicken",), "바삭한 닭가슴살 패티와 마요 소스"),
    Product("매운 치킨버거", 5_900, ("chicken", "spicy"), "매콤한 양념 닭다리살 패티"),
    Product("데리야끼버거", 3_800, ("beef",), "데리야끼 소스를 바른 쇠고기 패티, 가장 가벼운 버거"),
    Product("한우 불고기버거", 8_900, ("beef",), "국내산 한우 패티를 쓴 불고기버거"),
    Product("베이컨 토마토버거", 6_400, ("beef", "pork"), "베이컨과 토마토를 더한 쇠고기 버거"),
    Product("김치 라이스버거", 6_800, ("pork", "spicy"), "볶음김치와 돼지고기를 밥 번에 넣은 버거", sold_out=True),
    Product("베지 버거", 5_400, ("vegetarian",), "콩과 채소로 만든 패티, 고기와 해산물 없이"),
    Product("에그 불고기 머핀", 3_500, ("beef",), "잉글리시 머핀에 불고기 패티와 달걀, 아침 메뉴", hours=BREAKFAST),
    Product("에그 치즈 머핀", 3_000, ("vegetarian",), "잉글리시 머핀에 달걀과 치즈, 아침 메뉴", hours=BREAKFAST),
)

SIDES = (
    Product("감자튀김 (M)", 2_000, ("vegetarian",), "바로 튀긴 감자튀김 보통 크기"),
    Product("감자튀김 (L)", 2_500, ("vegetarian",), "바로 튀긴 감자튀김 큰 크기"),
    Product("양념감자 (칠리)", 2_600, ("vegetarian", "spicy"), "칠리 가루를 뿌려 흔들어 먹는 감자튀김"),
    Product("양념감자 (치즈)", 2_600, ("vegetarian",), "치즈 가루를 뿌려 흔들어 먹는 감자튀김"),
    Product("양념감자 (어니언)", 2_600, ("vegetarian",), "어니언 가루를 뿌려 흔들어 먹는 감자튀김"),
    Product("치즈스틱", 2_600, ("vegetarian",), "모차렐라 치즈를 튀긴 스틱 2개"),
    Product("치킨너겟 (4조각)", 2_200, ("chicken",), "닭가슴살 너겟 4조각"),
    Product("치킨너겟 (8조각)", 3_900, ("chicken",), "닭가슴살 너겟 8조각"),
    Product("코울슬로", 1_800, ("vegetarian",), "양배추 샐러드"),
    Product("해시브라운", 1_500, ("vegetarian",), "감자를 납작하게 튀긴 해시브라운"),
    Product("오징어링", 3_000, ("seafood",), "오징어 링 튀김 5개", sold_out=True),
)

DRINKS = (
    Product("콜라 (M)", 2_000),
    Product("콜라 (L)", 2_300),
    Product("사이다 (M)", 2_000),
    Product("사이다 (L)", 2_300),
    Product("제로콜라 (M)", 2_000),
    Product("제로콜라 (L)", 2_300),
    Product("아이스티 (M)", 2_300),
    Product("오렌지주스", 2_500),
    Product("우유", 1_500),
    Product("핫초코", 2_500),
    Product("생수", 1_000),
)

DESSERTS = (
    Product("소프트콘", 800, ("vegetarian",), "바닐라 소프트아이스크림 콘", hours=SOFT_SERVE),
    Product("초코 선데", 2_300, ("vegetarian",), "초코 시럽을 올린 소프트아이스크림", hours=SOFT_SERVE),
    Product("딸기 선데", 2_300, ("vegetarian",), "딸기 시럽을 올린 소프트아이스크림", sold_out=True),
    Product("애플파이", 1_800, ("vegetarian",), "따뜻한 사과 파이"),
    Product("츄러스", 1_900, ("vegetarian",), "설탕과 시나몬을 뿌린 츄러스"),
    Product("초코칩 쿠키", 1_300, ("vegetarian",), "초코칩이 박힌 쿠키 한 개"),
    Product("고구마 파이", 1_800, ("vegetarian",), "달콤한 고구마 필링 파이"),
)

TOPPINGS = (
    Product("치즈토핑", 700),
    Product("베이컨토핑", 1_000, ("pork",)),
    Product("계란토핑", 800),
    Product("토마토토핑", 500),
    Product("불고기패티토핑", 1_500, ("beef",)),
)

SETS = (
    SetMenu("불고기버거 세트", 6_900, "불고기버거"),
    SetMenu("더블 불고기버거 세트", 8_900, "더블 불고기버거"),
    SetMenu("치즈버거 세트", 7_200, "치즈버거"),
    SetMenu("더블 치즈버거 세트", 9_000, "더블 치즈버거"),
    SetMenu("새우버거 세트", 6_900, "새우버거"),
    SetMenu("치킨버거 세트", 6_500, "치킨버거"),
    SetMenu("매운 치킨버거 세트", 7_800, "매운 치킨버거"),
    SetMenu("데리야끼버거 세트", 5_900, "데리야끼버거"),
    SetMenu("한우 불고기버거 세트", 10_500, "한우 불고기버거"),
    SetMenu("베이컨 토마토버거 세트", 8_300, "베이컨 토마토버거"),
    SetMenu("김치 라이스버거 세트", 8_700, "김치 라이스버거"),
    SetMenu("베지 버거 세트", 7_300, "베지 버거"),
    SetMenu("에그 불고기 머핀 세트", 4_900, "에그 불고기 머핀", side="해시브라운", drink="우유"),
)

WRITTEN_RULES = (("콜라 (M)", "생수", -500),)
"""Changes the shop prices itself, discounts allowed: water instead of the set's cola is 500 won less."""

SECTION_ITEMS: tuple[tuple[str, MenuKind, str | None, tuple[Product, ...]], ...] = (
    ("버거", MenuKind.MAIN, "burger", BURGERS),
    ("사이드", MenuKind.SIDE, "side", SIDES),
    ("음료", MenuKind.DRINK, "drink", DRINKS),
    ("디저트", MenuKind.DESSERT, None, DESSERTS),
    ("토핑", MenuKind.TOPPING, "topping", TOPPINGS),
)


def burger_shop(now: datetime) -> ShopSeed:
    """The shop with its whole menu: sets first, as the shop lists them, then each section."""
    seed = ShopSeed(shop=_shop_row(now), hours=_daily(OPENS_AT, CLOSES_AT))
    for set_menu in SETS:
        burger = _product(set_menu.burger)
        seed.menu.append(
            _row(
                Product(
                    set_menu.name,
                    set_menu.price,
                    _set_tags(set_menu),
                    f"{set_menu.burger}, {set_menu.side}, {set_menu.drink}",
                    sold_out=burger.sold_out,
                    hours=burger.hours,
                ),
                "세트",
                MenuKind.SET,
                None,
            )
        )
    for section, kind, group, products in SECTION_ITEMS:
        seed.menu.extend(_row(product, section, kind, group) for product in products)
    index = {str(row["name"]): position for position, row in enumerate(seed.menu)}
    for set_menu in SETS:
        for part in (set_menu.burger, set_menu.side, set_menu.drink):
            seed.components.append(ComponentSeed(index[set_menu.name], index[part]))
    written = [ChangeRuleSeed(index[source], index[target], delta, True) for source, target, delta in WRITTEN_RULES]
    seed.change_rules = change_rules(seed.menu, seed.components, written)
    return seed


def _set_tags(set_menu: SetMenu) -> tuple[str, ...]:
    """What the set's burger and side are tagged with; vegetarian only when both are (drinks carry no tags)."""
    parts = [_product(set_menu.burger), _product(set_menu.side)]
    tags = {tag for part in parts for tag in part.tags} - {"vegetarian"}
    if all("vegetarian" in part.tags for part in parts):
        tags.add("vegetarian")
    return tuple(sorted(tags))


def _product(name: str) -> Product:
    return next(product for _, _, _, products in SECTION_ITEMS for product in products if product.name == name)


def _row(product: Product, section: str, kind: MenuKind, group: str | None) -> Row:
    start, end = product.hours or (None, None)
    return {
        "name": product.name,
        "price": product.price,
        "kind": kind.value,
        "group": group,
        "category": section,
        "description": product.description,
        "tags": list(product.tags),
        "sold_out": product.sold_out,
        "external_code": None,
        "available_from": start,
        "available_until": end,
    }


def _shop_row(now: datetime) -> Row:
    return {
        "name": BURGER_SHOP_NAME,
        "category": "햄버거",
        "business_type": "패스트푸드",
        "area": "seoul-gangnam",
        "address": "서울특별시 강남구 테헤란로 107",
        "latitude": 37.49885,
        "longitude": 127.02905,
        "phone": "02-555-0410",
        "card_acceptance": CardAcceptance.YES.value,
        "good_influence": True,
        "hours_known": True,
        "status_override": None,
        "override_until": None,
        "accepts_orders": True,
        "slack_channel": "#kkini-dundeun-burger",
        "popularity": 92.0,
        "source": SAMPLE_SOURCE,
        "source_key": BURGER_SHOP_KEY,
        "created_at": now,
        "updated_at": now,
    }


def _daily(opens: int, closes: int) -> list[Row]:
    return [
        {"weekday": day, "opens_at": opens, "closes_at": closes, "break_start": None, "break_end": None}
        for day in range(7)
    ]

"""The burger shop's catalogue: finding products by what people call them, option changes priced by the rules
(the price difference, never negative, unless the shop wrote a discount), and (hypothesis) cart totals that always
equal the sum of their lines and option differences."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogue.ordering.cart import Cart, CartLine, Extra
from dialogue.ordering.cart_rules import ChangeRequest
from dialogue.ordering.catalogue import Component, MenuEntry, Rule, ShopMenu
from dialogue.ordering.changes import OtherGroup, Plan, Refusal, apply_plan, plan_change
from dialogue.ordering.matching import edit_distance, jamo
from dialogue.ordering.replies import change_done


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("불고기버거 세트", "불고기버거 세트"),
        ("불고기 세트", "불고기버거 세트"),
        ("불고기벼거 세트", "불고기버거 세트"),
        ("불고기버거세트", "불고기버거 세트"),
        ("감튀", "감자튀김 (M)"),
        ("감자튀김 라지", "감자튀김 (L)"),
        ("감튀 큰거", "감자튀김 (L)"),
        ("양념감자", "양념감자 (칠리)"),
        ("양념 감자 어니언", "양념감자 (어니언)"),
        ("양념감지", "양념감자 (칠리)"),
        ("콜라", "콜라 (M)"),
        ("제로콜라", "제로콜라 (M)"),
        ("콜라 제로", "제로콜라 (M)"),
        ("사이다 L", "사이다 (L)"),
        ("사이다 (L)", "사이다 (L)"),  # the whole name, as buttons and models write it
        ("감자튀김(L)", "감자튀김 (L)"),
        ("콜라 (M)", "콜라 (M)"),
        ("새우버거", "새우버거"),
        ("데리버거", "데리야끼버거"),
        ("데리야키버거", "데리야끼버거"),
        ("한우불고기버거", "한우 불고기버거"),
        ("치즈 스틱", "치즈스틱"),
        ("너겟", "치킨너겟 (4조각)"),
        ("너겟 8조각", "치킨너겟 (8조각)"),
        ("오쥬", "오렌지주스"),
        ("콜슬로", "코울슬로"),
        ("베이컨", "베이컨토핑"),
        ("계란", "계란토핑"),
        ("매운치킨버거", "매운 치킨버거"),
    ],
)
def test_products_are_found_by_what_people_call_them(burger_menu: ShopMenu, said: str, found: str) -> None:
    result = burger_menu.find(said)
    assert result.item is not None and result.item.name == found, result


def test_several_different_products_are_choices(burger_menu: ShopMenu) -> None:
    result = burger_menu.find("버거")
    assert result.item is None and len(result.choices) >= 3
    assert all(choice.kind == "main" for choice in result.choices)
    cheese = burger_menu.find("치즈")  # 치즈버거 and 치즈토핑 alike, until a topping is asked for
    assert {choice.name for choice in cheese.choices} == {"치즈버거", "치즈토핑"}
    topping = burger_menu.find("치즈", kinds=("topping",)).item
    assert topping is not None and topping.name == "치즈토핑"


def test_something_not_on_the_menu_is_not_found(burger_menu: ShopMenu) -> None:
    assert burger_menu.find("떡볶이").item is None
    assert burger_menu.find("떡볶이").choices == ()


def test_jamo_edit_distance_counts_letters_inside_syllables() -> None:
    assert jamo("감") == "ㄱㅏㅁ"
    assert edit_distance(jamo("버거"), jamo("벼거")) == 1
    assert edit_distance("", "abc") == 3


def apply_change(menu: ShopMenu, line: CartLine, request: ChangeRequest) -> Plan | Refusal | None:
    """Plan the change and make it when it can be made, as the service does."""
    plan = plan_change(menu, line, request)
    if isinstance(plan, Plan):
        apply_plan(line, plan)
    return plan


def done(outcome: Plan | Refusal | None) -> bool:
    return isinstance(outcome, Plan)


def _names(menu: ShopMenu) -> dict[str, int]:
    return {item.name: item.id for item in menu.items.values()}


def test_option_changes_cost_the_price_difference_within_a_group(burger_menu: ShopMenu) -> None:
    ids = _names(burger_menu)
    combo = burger_menu.items[ids["불고기버거 세트"]]
    line = CartLine(1, combo.id, combo.name, combo.kind, combo.price)
    assert done(apply_change(burger_menu, line, ChangeRequest("감자튀김", "양념감자")))
    assert done(apply_change(burger_menu, line, ChangeRequest("콜라", "사이다")))
    assert [(c.to_name, c.delta) for c in line.changes] == [("양념감자 (칠리)", 600), ("사이다 (M)", 0)]
    refused = apply_change(burger_menu, line, ChangeRequest("감자튀김", "콜라"))
    assert isinstance(refused, OtherGroup)  # told, not done
    cheaper = apply_change(burger_menu, line, ChangeRequest("감자", "코울슬로"))  # 1,800 < 2,000: never negative
    assert done(cheaper) and line.changes[-1].delta == 0
    burger = apply_change(burger_menu, line, ChangeRequest("버거", "새우버거"))  # the shop wrote no burger rules
    assert not done(burger)
    assert line.unit_price == combo.price  # the side is now 코울슬로 (+0), the drink 사이다 (+0)


def test_the_shops_own_rule_makes_water_instead_of_the_cola_cheaper(burger_menu: ShopMenu) -> None:
    ids = _names(burger_menu)
    combo = burger_menu.items[ids["불고기버거 세트"]]
    line = CartLine(1, combo.id, combo.name, combo.kind, combo.price)
    water = apply_change(burger_menu, line, ChangeRequest("콜라", "생수"))
    assert isinstance(water, Plan) and "-500원" in change_done(line, water)[0]
    assert [(c.to_name, c.delta) for c in line.changes] == [("생수", -500)] and line.unit_price == 6400
    assert done(apply_change(burger_menu, line, ChangeRequest("음료", "사이다")))  # the rule is for water only
    assert [(c.to_name, c.delta) for c in line.changes] == [("사이다 (M)", 0)] and line.unit_price == 6900
    breakfast = burger_menu.items[ids["에그 불고기 머핀 세트"]]  # its drink is 우유 (1,500), no rule of the shop's
    milk = CartLine(2, breakfast.id, breakfast.name, breakfast.kind, breakfast.price)
    assert done(apply_change(burger_menu, milk, ChangeRequest("우유", "생수")))
    assert [(c.to_name, c.delta) for c in milk.changes] == [("생수", 0)] and milk.unit_price == 4900


def test_a_discount_never_takes_a_line_below_nothing() -> None:
    """A shop may write a discount larger than a cheap set costs; the customer is never paid for ordering."""

    def entry(item_id: int, name: str, price: int, kind: str, group: str | None) -> MenuEntry:
        return MenuEntry(item_id, name, price, kind, group, False, name, None)

    items = {
        1: entry(1, "미니 세트", 400, "set", None),
        2: entry(2, "미니버거", 300, "main", "burger"),
        3: entry(3, "콜라", 1000, "drink", "drink"),
        4: entry(4, "생수", 500, "drink", "drink"),
    }
    menu = ShopMenu(
        1, "작은 가게", None, items, {1: (Component(items[2]), Component(items[3]))}, {(3, 4): Rule(-900, True)}
    )
    cart = Cart(shop_id=1, shop_name="작은 가게")
    line = cart.add(CartLine(0, 1, "미니 세트", "set", 400, 3))
    assert done(apply_change(menu, line, ChangeRequest("콜라", "생수"))) and line.changes[0].delta == -900
    assert (line.unit_price, line.total, cart.total) == (0, 0, 0)


@st.composite
def carts(draw: st.DrawFn, menu: ShopMenu) -> Cart:
    orderable = sorted((item for item in menu.items.values() if not item.is_topping), key=lambda item: item.id)
    toppings = sorted((item for item in menu.items.values() if item.is_topping), key=lambda item: item.id)
    sides_and_drinks = sorted(
        (item for item in menu.items.values() if item.group in ("side", "drink")), key=lambda item: item.id
    )
    cart = Cart(shop_id=menu.shop_id, shop_name=menu.shop_name)
    for _ in range(draw(st.integers(0, 6))):
        item = draw(st.sampled_from(orderable))
        line = cart.add(CartLine(0, item.id, item.name, item.kind, item.price, draw(st.integers(1, 20))))
        for _ in range(draw(st.integers(0, 3))):
            target = draw(st.sampled_from(sides_and_drinks))
            apply_change(menu, line, ChangeRequest(None, target.name))
        if item.kind in ("main", "set"):
            for topping in draw(st.lists(st.sampled_from(toppings), max_size=3)):
                line.extras.append(Extra(topping.id, topping.name, topping.price))
    return cart


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_totals_are_the_sum_of_lines_and_option_differences(burger_menu: ShopMenu, data: st.DataObject) -> None:
    cart = data.draw(carts(burger_menu))
    expected = 0
    for line in cart.lines:
        for change in line.changes:
            default, target = burger_menu.items[change.from_id], burger_menu.items[change.to_id]
            assert change.delta == burger_menu.change_delta(default, target)
            assert default.group == target.group
            rule = burger_menu.rules.get((default.id, target.id))
            assert change.delta >= 0 or (rule is not None and rule.allow_discount)  # only 콜라 (M) -> 생수
        unit = line.base_price + sum(c.delta for c in line.changes) + sum(x.price for x in line.extras)
        assert line.unit_price == unit >= 0 and line.total == unit * line.quantity
        expected += unit * line.quantity
    assert cart.total == expected == sum(line.total for line in cart.lines)
    again = Cart.from_slot(cart.to_slot())
    assert again.total == cart.total and again.to_slot() == cart.to_slot()

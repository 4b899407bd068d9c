"""The cart's rules on a small menu built here, without a database or the engine: which line or component a change
names, what it becomes and costs, set and single switches, and (hypothesis) that planning never changes the cart
and that what a plan says it costs is what the cart then shows; what is offered instead of a sold-out item.

The menu: 불고기버거 세트 (6,900) of 불고기버거, 감자튀김 (M) and 콜라 (M); sides 감자튀김 (M/L), 양념감자 (칠리/치즈)
and 코울슬로, drinks 콜라 and 사이다 (M/L) and 생수 (500 won less than the cola in the set, the shop's rule);
새우버거 has no set. The shop allows changing the set's side and drink, not its burger.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogue.ordering import answer_replies, changes, offers
from dialogue.ordering import cart_rules as rules
from dialogue.ordering.budget import swaps
from dialogue.ordering.cart import MAX_QUANTITY, Cart, CartLine, Extra
from dialogue.ordering.cart_rules import ChangeRequest
from dialogue.ordering.catalogue import Component, MenuEntry, Rule, ShopMenu
from dialogue.ordering.matching import size_of, split_variant

SET, BURGER, FRIES, FRIES_L, CHILI, CHEESE, COLA, COLA_L, CIDER, CIDER_L, WATER, TOPPING, SLAW, SHRIMP = range(1, 15)
_ITEMS = (
    (SET, "불고기버거 세트", 6900, "set", None),
    (BURGER, "불고기버거", 5000, "main", "burger"),
    (FRIES, "감자튀김 (M)", 2000, "side", "side"),
    (FRIES_L, "감자튀김 (L)", 2500, "side", "side"),
    (CHILI, "양념감자 (칠리)", 2600, "side", "side"),
    (CHEESE, "양념감자 (치즈)", 2600, "side", "side"),
    (COLA, "콜라 (M)", 2000, "drink", "drink"),
    (COLA_L, "콜라 (L)", 2300, "drink", "drink"),
    (CIDER, "사이다 (M)", 2000, "drink", "drink"),
    (CIDER_L, "사이다 (L)", 2300, "drink", "drink"),
    (WATER, "생수", 1500, "drink", "drink"),
    (TOPPING, "치즈토핑", 700, "topping", "topping"),
    (SLAW, "코울슬로", 1800, "side", "side"),
    (SHRIMP, "새우버거", 5200, "main", "burger"),
)


def shop_menu(sold_out: frozenset[int] = frozenset()) -> ShopMenu:
    items = {}
    for item_id, name, price, kind, group in _ITEMS:
        family, variant = split_variant(name)
        size = size_of(variant) if variant else None
        items[item_id] = MenuEntry(item_id, name, price, kind, group, item_id in sold_out, family, variant, size)
    components: dict[int, tuple[Component, ...]] = {
        SET: (Component(items[BURGER]), Component(items[FRIES]), Component(items[COLA]))
    }
    prices = {(FRIES, CHILI): Rule(600), (COLA, WATER): Rule(-500, allow_discount=True)}
    return ShopMenu(1, "든든버거 강남역점", None, items, components, prices)


MENU = shop_menu()


def cart_with(*item_ids: int) -> Cart:
    cart = Cart(shop_id=1, shop_name=MENU.shop_name)
    for item_id in item_ids:
        item = MENU.items[item_id]
        cart.add(CartLine(0, item.id, item.name, item.kind, item.price))
    return cart


def change(line: CartLine, source: str | None, target: str, menu: ShopMenu = MENU) -> changes.Plan:
    plan = changes.plan_change(menu, line, ChangeRequest(source, target))
    assert isinstance(plan, changes.Plan), plan
    changes.apply_plan(line, plan)
    return plan


# ---- a change that names a set's component changes that component ------------------------------------------------


@pytest.mark.parametrize("source", ["감자튀김", "감자튀김 (M)", "감자튀김 M", "감튀", "포테이토", "사이드"])
def test_a_change_naming_the_sets_side_changes_the_side_and_adds_nothing(source: str) -> None:
    cart = cart_with(SET)
    [line] = cart.lines
    splits = ((f"{source} 양념감자", "칠리"), (source, "양념감자 칠리"), (None, f"{source} 양념감자 칠리"))
    assert rules.is_change_source(MENU, cart, source, splits)  # not a 감자튀김 to add
    plan = changes.plan_change(MENU, line, ChangeRequest(source, "양념감자 칠리"))
    assert isinstance(plan, changes.ComponentSwap)
    assert (plan.default.id, plan.current.id, plan.target.id, plan.delta) == (FRIES, FRIES, CHILI, 600)
    assert [item.id for item in plan.flavours] == [CHEESE]
    changes.apply_plan(line, plan)
    assert len(cart.lines) == 1 and [(c.to_name, c.delta) for c in line.changes] == [("양념감자 (칠리)", 600)]
    assert (line.unit_price, cart.total) == (7500, 7500)


def test_a_product_that_is_no_source_of_the_change_is_still_one_to_add() -> None:
    cart = cart_with(SET)
    drink = (("콜라", "사이다"),)
    assert not rules.is_change_source(MENU, cart, "새우버거 세트", drink)
    assert not rules.is_change_source(MENU, cart, "불고기버거", drink)  # the set's burger, but not what changes
    assert not rules.is_change_source(MENU, cart_with(SHRIMP), "감자튀김", (("감자튀김", "양념감자"),))  # no set
    assert rules.is_change_source(MENU, cart, "콜라", (("콜라", "사이다 라지"),))


def test_a_component_changed_before_is_named_by_what_it_is_now() -> None:
    cart = cart_with(SET)
    [line] = cart.lines
    change(line, "감자튀김", "양념감자")
    assert rules.component_named(MENU, cart, "양념감자 칠리") == "양념감자 (칠리)"
    plan = change(line, "양념감자", "치즈")
    assert isinstance(plan, changes.ComponentSwap) and plan.current.id == CHILI and plan.target.id == CHEESE
    assert plan.delta == 600 and [c.to_id for c in line.changes] == [CHEESE] and line.unit_price == 7500


def test_the_shops_rule_prices_water_below_the_cola() -> None:
    [line] = cart_with(SET).lines
    plan = change(line, "음료", "생수")
    assert isinstance(plan, changes.ComponentSwap) and plan.delta == -500 and line.unit_price == 6400
    cider = change(line, "생수", "사이다")
    assert isinstance(cider, changes.ComponentSwap) and cider.delta == 0 and line.unit_price == 6900


def test_changes_that_cannot_be_made_are_refusals_and_leave_the_line() -> None:
    [line] = cart_with(SET).lines
    before = deepcopy(line)
    other = changes.plan_change(MENU, line, ChangeRequest("감자튀김", "사이다"))
    assert isinstance(other, changes.OtherGroup) and other.other.id == CIDER
    assert changes.plan_change(MENU, line, ChangeRequest("버거", "새우버거")) == changes.Fixed(MENU.items[BURGER])
    assert changes.plan_change(MENU, line, ChangeRequest("콜라", "콜라")) == changes.AlreadyThere(MENU.items[COLA])
    sold = shop_menu(frozenset({CHILI, CHEESE}))
    assert changes.plan_change(sold, line, ChangeRequest("감자튀김", "양념감자 칠리")) == changes.SoldOut(
        sold.items[CHILI]
    )
    assert changes.plan_change(MENU, line, ChangeRequest("음료", "떡볶이")) is None  # fits nothing: try another reading
    assert changes.plan_change(MENU, line, ChangeRequest("피클", "양념감자")) is None  # no such component
    assert line == before


def test_a_size_alone_resizes_every_component_that_comes_in_it() -> None:
    [line] = cart_with(SET).lines
    plan = change(line, None, "라지")
    assert isinstance(plan, changes.Resize) and plan.difference == 800
    assert [c.to_name for c in line.changes] == ["감자튀김 (L)", "콜라 (L)"] and line.unit_price == 7700
    again = changes.plan_change(MENU, line, ChangeRequest(None, "라지"))
    assert isinstance(again, changes.Resize) and again.difference == 0  # already large: nothing more to pay
    small = changes.plan_change(MENU, line, ChangeRequest(None, "스몰"))
    assert small == changes.NoSize("S")


def test_a_single_drink_becomes_another_at_its_own_price() -> None:
    cart = cart_with(COLA)
    [line] = cart.lines
    plan = change(line, None, "사이다 라지")
    assert isinstance(plan, changes.SingleSwap) and plan.difference == 300
    assert (line.item_id, line.name, line.unit_price, len(cart.lines)) == (CIDER_L, "사이다 (L)", 2300, 1)
    assert changes.plan_change(MENU, line, ChangeRequest("감자튀김", "코울슬로")) is None  # names another line


def test_a_set_becomes_its_burger_and_back() -> None:
    [line] = cart_with(SET).lines
    change(line, "감자튀김", "양념감자")
    single = changes.switch_target(MENU, line, single=True)
    assert single is not None and single.id == BURGER
    assert changes.apply_switch(line, single, single=True) == -2500 and not line.changes and line.unit_price == 5000
    again = changes.switch_target(MENU, line, single=False)
    assert again is not None and changes.apply_switch(line, again, single=False) == 1900
    [shrimp] = cart_with(SHRIMP).lines
    assert changes.switch_target(MENU, shrimp, single=False) is None  # 새우버거 has no set
    assert changes.switch_target(shop_menu(frozenset({SET})), cart_with(BURGER).lines[0], single=False) is None


def test_which_line_a_request_means() -> None:
    cart = cart_with(SET, COLA, SHRIMP)
    assert rules.find_line(cart, None) is cart.lines[-1]
    found = rules.find_line(cart, "불고기 세트")
    assert found is not None and found.item_id == SET
    assert rules.find_line(cart, "떡볶이") is None
    cart.touch(cart.lines[0])
    assert [line.item_id for line in rules.lines_for(cart, None)] == [SET, SHRIMP, COLA]
    assert rules.find_line(cart, 2, kinds=rules.TOPPED_KINDS) is cart.lines[1]  # a number names any line
    assert rules.find_line(cart, None, kinds=rules.TOPPED_KINDS) is cart.lines[0]


def test_toppings_extras_and_reverts_are_found_by_name() -> None:
    cart = cart_with(SET, SHRIMP)
    burger = cart.lines[1]
    burger.quantity = 2
    cheese = rules.orderable_toppings(MENU, ["치즈", "떡"])
    assert [item.id for item in cheese] == [TOPPING]
    assert rules.add_extras(burger, cheese) == 1400 and burger.extras == [Extra(TOPPING, "치즈토핑", 700)]
    assert rules.extra_named(cart, "치즈토핑") == (burger, burger.extras[0])
    assert rules.in_cart(cart, "치즈토핑") and not rules.in_cart(cart, "떡볶이")
    change(cart.lines[0], "콜라", "사이다")
    named = rules.change_named(rules.lines_for(cart, None), "음료")
    assert named is not None and named[0] is cart.lines[0] and named[1].to_id == CIDER
    assert rules.change_named(rules.lines_for(cart, None), "감자튀김") is None


def test_quantities_merge_and_stay_within_the_limit() -> None:
    cart = cart_with()
    first = rules.add_or_merge(cart, MENU.items[COLA], 15, bare=True)
    assert rules.add_or_merge(cart, MENU.items[COLA], 15, bare=True) is first and first.quantity == MAX_QUANTITY
    assert rules.add_or_merge(cart, MENU.items[COLA], 1, bare=False) is not first and len(cart.lines) == 2
    assert [rules.clamp_quantity(n) for n in (-3, 0, 1, 7, 99)] == [1, 1, 1, 7, MAX_QUANTITY]
    assert changes.partial_removal(first, 3) and not changes.partial_removal(first, 20)
    assert not changes.partial_removal(first, None)


def test_a_sold_out_item_is_offered_its_other_flavours_first() -> None:
    menu = shop_menu(frozenset({CHILI}))
    offered = offers.alternatives(menu, menu.items[CHILI])
    assert offered[0].id == CHEESE and len(offered) == offers.SHOWN
    assert all(not item.sold_out and item.kind == "side" for item in offered)
    assert offers.shown_suggestions([menu.items[CHILI], menu.items[CHEESE]]) == [menu.items[CHEESE]]
    fries = menu.items[FRIES]
    assert offers.other_variants([menu.items[FRIES_L]], fries) == [menu.items[FRIES_L]]
    assert offers.other_variants([menu.items[FRIES_L]], menu.items[SET]) == []  # a set shows its contents instead


# ---- properties -------------------------------------------------------------------------------------------------

SOURCES = st.sampled_from([None, "감자튀김", "감튀", "음료", "콜라", "사이다", "양념감자", "버거", "생수", "피클"])
TARGETS = st.sampled_from(
    [
        "양념감자",
        "양념감자 치즈",
        "코울슬로",
        "사이다",
        "사이다 라지",
        "콜라",
        "생수",
        "라지",
        "미디움",
        "새우버거",
        "떡볶이",
    ]
)
REQUESTS = st.lists(st.builds(ChangeRequest, SOURCES, TARGETS), max_size=6)


@given(start=st.sampled_from([SET, COLA, FRIES, SHRIMP]), requests=REQUESTS, quantity=st.integers(1, MAX_QUANTITY))
def test_plans_cost_what_the_cart_then_shows(start: int, requests: list[ChangeRequest], quantity: int) -> None:
    cart = cart_with(start)
    [line] = cart.lines
    line.quantity = quantity
    for request in requests:
        before = deepcopy(line)
        plan = changes.plan_change(MENU, line, request)
        assert line == before  # deciding changes nothing
        if not isinstance(plan, changes.Plan):
            continue
        changes.apply_plan(line, plan)
        difference = line.unit_price - before.unit_price
        match plan:
            case changes.ComponentSwap(default=default, delta=delta):
                previous = before.change_for(default.id)
                assert difference == delta - (previous.delta if previous else 0)
            case changes.Resize():
                assert difference == plan.difference
            case changes.SingleSwap():
                assert difference == plan.difference and line.base_price == MENU.items[line.item_id].price
        assert len(cart.lines) == 1 and line.quantity == quantity  # a change never adds or drops an item
    for option in line.changes:
        default, target = MENU.items[option.from_id], MENU.items[option.to_id]
        assert default.group == target.group and option.delta == MENU.change_delta(default, target)
    assert line.unit_price == max(0, line.base_price + sum(c.delta for c in line.changes))
    assert cart.total == line.unit_price * quantity


@given(requests=REQUESTS)
def test_a_set_as_a_single_and_back_costs_the_set_again(requests: list[ChangeRequest]) -> None:
    [line] = cart_with(SET).lines
    for request in requests:
        plan = changes.plan_change(MENU, line, request)
        if isinstance(plan, changes.Plan):
            changes.apply_plan(line, plan)
    changed = line.unit_price
    single = changes.switch_target(MENU, line, single=True)
    assert single is not None
    assert changes.apply_switch(line, single, single=True) == single.price - changed
    combo = changes.switch_target(MENU, line, single=False)
    assert combo is not None and changes.apply_switch(line, combo, single=False) == combo.price - single.price
    assert line == replace(cart_with(SET).lines[0], line_id=line.line_id)


def test_the_single_a_too_dear_cart_is_offered_saves_what_the_switch_then_saves() -> None:
    cart = cart_with(SET)
    [line] = cart.lines
    line.quantity = 2
    change(line, "감자튀김", "양념감자")
    [single] = [swap for swap in swaps(cart, MENU, over=5000) if "단품" in swap.text]
    target = changes.switch_target(MENU, line, single=True)
    assert target is not None
    before = cart.total
    changes.apply_switch(line, target, single=True)
    assert single.saving == before - cart.total == 2 * 2500


def test_a_kind_said_offers_a_few_of_it_cheapest_first_and_none_sold_out() -> None:
    assert [item.name for item in rules.kind_choices(MENU, "main")] == ["불고기버거", "새우버거"]
    assert [item.name for item in rules.kind_choices(shop_menu(frozenset({BURGER})), "main")] == ["새우버거"]
    drinks = rules.kind_choices(MENU, "drink")
    assert [item.name for item in drinks] == ["생수", "콜라 (M)", "사이다 (M)"]  # one size of each drink


def test_the_cheapest_product_is_one_that_is_ordered_by_itself() -> None:
    cheapest = rules.cheapest(MENU)
    assert cheapest is not None and cheapest.name == "생수"  # 치즈토핑 (700) only goes on a burger
    burger = rules.cheapest(MENU, "main")
    assert burger is not None and burger.name == "불고기버거"


@pytest.mark.parametrize(
    ("said", "split"),
    [
        ("불고기버거 세트 사이다", ("불고기버거 세트", "사이다")),
        ("불고기 세트 양념감자", ("불고기 세트", "양념감자")),
        ("불고기버거 세트 라지", ("불고기버거 세트", "라지")),
        ("불고기버거 세트", None),
        ("불고기버거 세트 새우버거", None),  # the shop allows no other burger in the set
        ("새우버거 사이다", None),
    ],
)
def test_a_set_said_with_what_its_component_is_to_be(said: str, split: tuple[str, str] | None) -> None:
    assert rules.set_and_part(MENU, said) == split


def test_a_set_is_hot_by_its_components_as_the_line_has_them() -> None:
    menu = shop_menu()
    cart = cart_with(SET)
    [line] = cart.lines
    assert rules.spicy_parts(menu, menu.items[SET], line) == []
    changes.apply_plan(line, change(line, "감자튀김", "양념감자 칠리"))
    assert [item.name for item in rules.spicy_parts(menu, menu.items[SET], line)] == ["양념감자 (칠리)"]
    assert rules.spicy_parts(menu, menu.items[SET]) == []  # the set as the menu sells it
    assert answer_replies.spicy_text(line.name, rules.spicy_parts(menu, menu.items[SET], line)) == (
        "네, 불고기버거 세트에서 양념감자 (칠리)가 매워요."
    )


def test_a_tag_says_spicy_where_the_name_does_not() -> None:
    item = replace(MENU.items[SHRIMP], tags=("spicy",))
    assert rules.is_spicy(item) and not rules.is_spicy(MENU.items[SHRIMP])


def test_the_menu_in_a_few_lines_without_what_cannot_be_ordered() -> None:
    text = answer_replies.menu_text(shop_menu(frozenset({SHRIMP})))
    assert text.splitlines()[0] == "든든버거 강남역점 메뉴예요."
    assert "감자튀김 2,000원~" in text and "양념감자 2,600원," in text  # one line per family, from its price
    assert "새우버거" not in text and "치즈토핑" not in text

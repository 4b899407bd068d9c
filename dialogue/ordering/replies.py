"""How the cart and ordering answers read, and the data the language model gets for the same facts.

The rules (`cart_rules`) decide what happened; the words for it are all here, so the service says nothing itself.
Buttons carry whole sentences as payloads ("리아 불고기버거 세트 1개 담아줘"), so a press reads like a typed message
on every channel and goes through the same understanding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from dialogue.korean import hhmm, particle, ro, won
from dialogue.messages import Button
from dialogue.ordering import changes
from dialogue.ordering.cart import MAX_LINES, Cart, CartLine, Extra, OptionChange
from dialogue.ordering.catalogue import MenuEntry, ShopMenu

CHECKOUT_BUTTON = Button("주문하기", "이대로 주문할게")
VIEW_BUTTON = Button("장바구니 보기", "장바구니 보여줘")
CLEAR_BUTTON = Button("장바구니 비우기", "장바구니 비워줘")
CART_BUTTONS = (CHECKOUT_BUTTON, VIEW_BUTTON)
SINGLE_BUTTON = Button("단품으로 바꾸기", "단품으로 바꿔줘")
GROUP_NAMES = {"side": "사이드", "drink": "음료", "burger": "버거", "topping": "토핑"}

_PAYLOAD_INTENTS = (
    (re.compile(r"(?:주문할게|주문할래)$"), "checkout"),
    (re.compile(r"장바구니 보여줘$"), "cart_view"),
    (re.compile(r"(?:장바구니 비워줘|주문 취소할래|빼줘)$"), "cart_clear"),
    (re.compile(r"(?:담아줘|바꿔줘|원래대로 해줘)$"), "order_add"),
)


def payload_intent(payload: str | None) -> str | None:
    """The ordering intent of a pressed ordering button's payload (the sentences above and in the service), or None
    for any other payload. On the console a press arrives with its label as the text; the payload decides."""
    if not payload:
        return None
    for pattern, intent in _PAYLOAD_INTENTS:
        if pattern.search(payload):
            return intent
    return None


def line_text(line: CartLine) -> str:
    head = f"• {line.name} x{line.quantity}  {won(line.total)}"
    details = [f"   - {label}" for label in line.option_labels()]
    return "\n".join([head, *details])


def cart_text(cart: Cart) -> str:
    if cart.empty:
        return "장바구니가 비어 있어요."
    lines = [f"[{cart.shop_name}] 장바구니"] if cart.shop_name else ["장바구니"]
    lines.extend(line_text(line) for line in cart.lines)
    lines.append(f"합계 {won(cart.total)}")
    return "\n".join(lines)


def total_text(cart: Cart) -> str:
    return f"장바구니 합계는 {won(cart.total)}이에요." if not cart.empty else "장바구니가 비었어요."


def cart_data(cart: Cart) -> dict[str, Any]:
    """The cart as the model reads it: line ids to refer to, names, quantities and prices in won."""
    return {
        "shop": cart.shop_name or None,
        "lines": [
            {
                "line": line.line_id,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.total,
                "options": line.option_labels(),
            }
            for line in cart.lines
        ],
        "total": cart.total,
    }


def product_data(menu: ShopMenu, item: MenuEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"name": item.name, "price": item.price, "kind": item.kind, "sold_out": item.sold_out}
    if item.is_set:
        data["components"] = [component.item.name for component in menu.set_components(item.id)]
    return data


def set_contents(menu: ShopMenu, item: MenuEntry) -> str:
    names = [component.item.name for component in menu.set_components(item.id)]
    return f" 구성: {', '.join(names)}." if names else ""


def add_button(item: MenuEntry, quantity: int = 1) -> Button:
    return Button(f"{item.name} 담기", f"{item.name} {quantity}개 담아줘")


def choose_buttons(items: tuple[MenuEntry, ...] | list[MenuEntry], quantity: int = 1) -> tuple[Button, ...]:
    return tuple(add_button(item, quantity) for item in items)


def sold_out_text(item: MenuEntry) -> str:
    if item.off_hours and item.hours is not None:
        return f"{particle(item.name, '은', '는')} {selling_hours(item.hours)}에만 팔아서 지금은 주문할 수 없어요."
    return f"{particle(item.name, '은', '는')} 지금 품절이에요."


def availability(item: MenuEntry) -> str:
    """What a product line adds after the price: " (품절)", " (07:00~10:30에만 팔아요)" or nothing."""
    if item.off_hours and item.hours is not None:
        return f" ({selling_hours(item.hours)}에만 팔아요)"
    return " (품절)" if item.sold_out else ""


def selling_hours(hours: tuple[int, int]) -> str:
    return f"{hhmm(hours[0])}~{hhmm(hours[1])}"


def signed(amount: int) -> str:
    return f"+{won(amount)}" if amount >= 0 else f"-{won(-amount)}"


# ---- which shop ---------------------------------------------------------------------------------------------------

NO_ORDERING_SHOP = "지금은 끼니로 주문을 받는 가게가 없어요."


def shop_buttons(menus: Iterable[ShopMenu]) -> tuple[Button, ...]:
    return tuple(Button(menu.shop_name, f"{menu.shop_name}에서 주문할래") for menu in menus)


def _shop_names(menus: Iterable[ShopMenu]) -> str:
    return ", ".join(menu.shop_name for menu in menus)


def unknown_shop(said: str, menus: Iterable[ShopMenu]) -> str:
    return f"{particle(said, '은', '는')} 끼니로 주문을 받지 않아요. 주문할 수 있는 곳: {_shop_names(menus)}"


def several_shops(product: str) -> str:
    return f"{particle(product, '은', '는')} 여러 가게에 있어요. 어느 가게에서 주문할까요?"


def which_shop(menus: Iterable[ShopMenu]) -> str:
    return f"어느 가게에서 주문할까요? 끼니로 주문할 수 있는 곳: {_shop_names(menus)}"


def other_shop_in_cart(shop_name: str) -> str:
    return (
        f"장바구니에 {shop_name} 메뉴가 있어요. 한 번에 한 가게에서만 주문할 수 있어요. "
        "먼저 주문하거나 장바구니를 비워 주세요."
    )


# ---- finding and adding -------------------------------------------------------------------------------------------

NOTHING_NAMED = "무엇을 담을까요? 메뉴 이름을 말해 주세요."
NO_BURGER_TO_TOP = "토핑은 버거에 추가할 수 있어요. 먼저 버거를 담아 주세요."
CART_FULL = f"장바구니에는 {MAX_LINES}가지까지 담을 수 있어요."
EMPTY_CART = "장바구니가 비어 있어요. 먹고 싶은 메뉴를 말해 주세요."


def product_text(menu: ShopMenu, item: MenuEntry, variants: Iterable[MenuEntry]) -> str:
    """A product found: its price, availability, a set's contents and the other variants with theirs."""
    text = f"{item.name}{availability(item)}: {won(item.price)}.{set_contents(menu, item)}"
    others = [f"{v.name}{availability(v)} {won(v.price)}" for v in variants]
    return text + (f" 다른 선택: {', '.join(others)}." if others else "")


def which_product(said: str, *, adding: bool) -> str:
    ask = "어떤 걸로 담을까요?" if adding else "어떤 걸 찾으세요?"
    return f"{particle(said, '은', '는')} 여러 메뉴가 있어요. {ask}"


def added_text(menu: ShopMenu, item: MenuEntry, line: CartLine, quantity: int, *, changed: bool) -> str:
    """ "불고기버거 세트 1개를 담았어요 (6,900원). 구성: ...": a set's contents unless it was changed at once."""
    text = f"{particle(f'{item.name} {quantity}개', '을', '를')} 담았어요 ({won(line.unit_price * quantity)})."
    return text + (set_contents(menu, item) if item.is_set and not changed else "")


def variant_choices(chosen: MenuEntry, others: Iterable[MenuEntry]) -> str:
    shown = [variant_choice(chosen, other) for other in others]
    return f" 다른 선택: {', '.join(shown)}." if shown else ""


def variant_choice(chosen: MenuEntry, other: MenuEntry) -> str:
    """Another size by its name and price difference ("사이다 (L) +300원"), another flavour by its label ("치즈"),
    with the difference when it costs another price ("8조각 +1,700원")."""
    if other.size is not None or not other.variant:
        return f"{other.name} {signed(other.price - chosen.price)}"
    if other.price != chosen.price:
        return f"{other.variant} {signed(other.price - chosen.price)}"
    return other.variant


def topping_added(line: CartLine, toppings: Iterable[MenuEntry], cost: int) -> str:
    names = ", ".join(item.name for item in toppings)
    return f"{line.name}에 {particle(names, '을', '를')} 추가했어요 (+{won(cost)})."


def topping_note(topping: MenuEntry | None, said: str) -> str:
    """A topping asked for with a new line: its price, or that it cannot be added."""
    if topping is None:
        return f"{particle(said, '은', '는')} 추가할 수 없는 토핑이에요."
    return f"{topping.name} +{won(topping.price)}."


def no_such_topping(menu: ShopMenu) -> str:
    names = ", ".join(item.name for item in menu.items.values() if item.is_topping and not item.sold_out)
    return f"그 토핑은 없어요. 추가할 수 있는 토핑: {names}"


def not_on_menu(menu: ShopMenu, said: str, shown: Sequence[MenuEntry]) -> str:
    text = f"{menu.shop_name} 메뉴에서 {particle(said, '을', '를')} 찾지 못했어요."
    return text + (" 혹시 이 메뉴인가요?" if shown else "")


def sold_out_instead(item: MenuEntry, alternatives: Sequence[MenuEntry]) -> str:
    text = sold_out_text(item)
    if alternatives:
        text += " 대신 이건 어때요? " + ", ".join(f"{other.name} {won(other.price)}" for other in alternatives)
    return text


# ---- changing lines -------------------------------------------------------------------------------------------------


def _change_button(item: MenuEntry, label: str | None = None) -> Button:
    return Button(label or item.name, f"{ro(item.name)} 바꿔줘")


def change_done(line: CartLine, plan: changes.Plan) -> tuple[str, tuple[Button, ...]]:
    """What was changed, at what price difference; for a flavour picked by its family name, the other flavours."""
    match plan:
        case changes.ComponentSwap(current=current, target=target, delta=delta, flavours=flavours):
            text = f"{line.name}의 {particle(current.name, '을', '를')} {ro(target.name)} 바꿨어요 ({signed(delta)})."
            if not flavours:
                return text, ()
            text += " 다른 맛: " + ", ".join(item.variant or item.name for item in flavours) + "."
            return text, tuple(_change_button(item, item.variant) for item in flavours)
        case changes.Resize(parts=parts):
            done = [part.target.name for part in parts]
            names = ", ".join(done) + ro(done[-1])[len(done[-1]) :]
            return f"{line.name}: {names} 바꿨어요 ({signed(plan.difference)}).", ()
        case changes.SingleSwap(before=before, target=target, difference=difference):
            return f"{particle(before.name, '을', '를')} {ro(target.name)} 바꿨어요 ({signed(difference)}).", ()
    raise AssertionError(f"unworded change {plan!r}")


def change_refused(line: CartLine, refusal: changes.Refusal) -> tuple[str, tuple[Button, ...]]:
    """Why a change that fits the line cannot be done as asked, with what can be done instead."""
    match refusal:
        case changes.Ambiguous(choices=choices):
            names = ", ".join(item.name for item in choices)
            return f"어떤 걸로 바꿀까요? {names}", tuple(_change_button(item) for item in choices)
        case changes.OtherGroup(current=current, default=default, other=other):
            group = GROUP_NAMES.get(default.group or "", "같은 종류")
            text = (
                f"{particle(current.name, '은', '는')} {group}끼리만 바꿀 수 있어요. "
                f"{particle(other.name, '은', '는')} 따로 담을 수 있어요."
            )
            return text, (add_button(other),)
        case changes.Fixed(default=default):
            return f"세트의 {particle(default.name, '은', '는')} 바꿀 수 없어요. 다른 세트를 담아 주세요.", ()
        case changes.AlreadyThere(target=target):
            return f"{line.name}에는 이미 {particle(target.name, '이', '가')} 들어 있어요.", ()
        case changes.SoldOut(item=item):
            return sold_out_text(item), ()
        case changes.NoSize(size=size):
            return f"{size} 사이즈로 바꿀 수 있는 게 없어요.", ()
    raise AssertionError(f"unworded refusal {refusal!r}")


def nothing_to_change(target: str) -> str:
    return f"장바구니에서 {ro(target)} 바꿀 수 있는 메뉴를 못 찾았어요. 세트의 감자튀김이나 음료를 바꿀 수 있어요."


NO_CHANGE_TO_REVERT = "되돌릴 변경이 없어요."


def reverted(line: CartLine, change: OptionChange) -> str:
    return f"{line.name}의 {particle(change.from_name, '을', '를')} 원래대로 돌렸어요 ({signed(-change.delta)})."


def quantity_set(line: CartLine) -> str:
    return f"{particle(line.name, '을', '를')} {line.quantity}개로 바꿨어요 ({won(line.total)})."


def more_added(line: CartLine, quantity: int) -> str:
    return f"{particle(line.name, '을', '를')} {quantity}개 더 담았어요. 지금 {line.quantity}개 ({won(line.total)})."


def cannot_switch(line: CartLine, *, single: bool) -> str:
    return f"{particle(line.name, '은', '는')} {'단품으로' if single else '세트로'} 바꿀 수 없어요."


def switched(menu: ShopMenu, line: CartLine, target: MenuEntry, difference: int, *, single: bool) -> str:
    if single:
        return f"{line.name} 단품으로 바꿨어요 (-{won(-difference)})."
    return f"{ro(target.name)} 바꿨어요 (+{won(difference)}).{set_contents(menu, target)}"


# ---- removing -------------------------------------------------------------------------------------------------------

CLEARED = "장바구니를 비웠어요."
ALREADY_EMPTY = "장바구니가 이미 비어 있어요."


def extra_removed(line: CartLine, extra: Extra) -> str:
    return f"{line.name}에서 {particle(extra.name, '을', '를')} 뺐어요 (-{won(extra.price * line.quantity)})."


def component_kept(name: str) -> tuple[str, tuple[Button, ...]]:
    text = (
        f"{particle(name, '은', '는')} 세트 구성이라 뺄 수 없어요. 다른 메뉴로 바꾸거나 세트를 단품으로 바꿀 수 있어요."
    )
    return text, (SINGLE_BUTTON, VIEW_BUTTON)


def removed(line: CartLine, quantity: int | None) -> str:
    """After taking ``quantity`` of the line out (None: the whole line)."""
    if quantity is not None:
        return f"{particle(line.name, '을', '를')} {quantity}개 뺐어요. 남은 수량 {line.quantity}개."
    return f"{particle(line.name, '을', '를')} 장바구니에서 뺐어요."


def no_line(cart: Cart, said: int | str | None) -> str:
    named = f"{particle(said, '은', '는')} " if isinstance(said, str) else "그 메뉴는 "
    return f"{named}장바구니에 없어요.\n{cart_text(cart)}"

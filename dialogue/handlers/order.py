"""Ordering on the offline path: the message is read into a cart operation and the same ordering tools a language
model calls do the work.

The intent says roughly what the user wants (order_add, cart_view, cart_clear, checkout); the words decide the
operation: "감자튀김 양념감자로 바꿔줘" changes a set's side, "아까 그거 빼줘" takes out the line added last, "하나 더"
adds one more of it, "주문 취소할래" cancels the order the shop has not accepted yet (or empties the cart). A pressed
button's payload is a whole sentence and is read instead of its label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from dialogue.nlu.menu import menu_pieces
from dialogue.ordering import cart_rules, phrases, replies
from dialogue.ordering.answers import OrderAnswers
from dialogue.ordering.cart import Cart, load_cart, order_in_progress
from dialogue.ordering.cart_rules import ChangeRequest
from dialogue.ordering.catalogue import ShopMenu
from dialogue.ordering.matching import compact, kind_of_word, variant_of
from dialogue.ordering.orders import OrderDesk
from dialogue.ordering.service import AddRequest, CartService
from dialogue.tools.base import ToolResult
from dialogue.turn import Reply, TurnContext
from storage.models import MenuKind

ORDER_INTENTS = ("order_add", "cart_view", "cart_clear", "checkout")
CART_COMMAND_INTENTS = ("cart_view", "cart_clear", "checkout")
"""Intents answered from the stored cart on every path: the model path too has nothing to add to them."""
CART_EDIT_INTENTS = ("menu_option", "food_request", "out_of_scope", "general_chat")
"""Intents read where a plain cart edit may hide while the cart is open (`CartFirst`)."""
_CASH = re.compile(r"현금|현장\s*결제|가게에서\s*결제|카드\s*말고")
_CARD = re.compile(r"급식\s*카드|꿈나무|카드로|카드\s*결제|G\s*드림", re.IGNORECASE)
_ORDER_WORDS = re.compile(r"(?:에서|에)?\s*(?:주문|시킬|시켜|먹을)[가-힣]*")
_ORDERS = re.compile(r"주문|시킬|시켜|시키고|담아")
"""Words that say the message orders ("햄버거 시킬래"), whatever intent it was read as."""
_COUNTED = re.compile(r"(?P<number>\d{1,3})\s*(?P<counter>[가-힣]{1,3})")
"""A variant that reads like a count: "4조각", "10피스"."""
_TOKEN_ENDS = "가나다라마바사아자차카타파하"
CONFIDENT = cart_rules.SURE
"""A product name fits this well when a bare "X Y로" is read as products, not a change ("코울슬로 하나")."""
POPULAR = 3
"""How many sets a "what shall I order" answer offers as buttons."""


def payment_of(text: str) -> str | None:
    if _CASH.search(text):
        return "cash"
    if _CARD.search(text):
        return "card"
    return None


class OrderHandler:
    """Answers order_add, cart_view, cart_clear and checkout through the ordering tools' operations."""

    def __init__(self, carts: CartService, desk: OrderDesk) -> None:
        self.carts = carts
        self.desk = desk
        self.answers = OrderAnswers(carts, desk)

    async def handle(self, ctx: TurnContext) -> Reply:
        intent = replies.payload_intent(ctx.message.payload) or ctx.understanding.intent
        result = await self.answer(ctx, ctx.message.payload or ctx.text, intent)
        return result.reply or Reply("주문을 처리하지 못했어요. 다시 말해 주세요.")

    async def answer(self, ctx: TurnContext, text: str, intent: str) -> ToolResult:
        named = await self.carts.shops.named(text, ctx.now)
        if named is not None and load_cart(ctx.session.order).empty:
            ctx.session.order.shop_id = named.shop_id
            text = _without_shop(text, named)
        if intent == "checkout":
            if named is not None and load_cart(ctx.session.order).empty:
                return await self._what_to_order(ctx, named)  # "든든버거에서 주문할래"
            return await self.desk.checkout(ctx, payment_of(text))
        command = phrases.command(text)
        if isinstance(command, phrases.Change) and await self._orders_products(ctx, text, command):
            command = None
        if isinstance(command, phrases.Extra) and not await tops_a_burger(self.carts, ctx, command.target):
            command = None  # "감튀 하나 추가" adds a product
        if command is None:
            if intent == "cart_view":
                return await self.carts.view_cart(ctx)
            if intent == "cart_clear":
                return await self.desk.cancel(ctx)
            return await self._add(ctx, text, named)
        if intent == "cart_view" and not isinstance(command, phrases.Remove | phrases.ClearCart):
            return await self.carts.view_cart(ctx)
        return await self.run(ctx, command, intent)

    async def run(self, ctx: TurnContext, command: phrases.Command, intent: str = "order_add") -> ToolResult:
        """Do one cart command (see `dialogue.ordering.phrases`)."""
        carts = self.carts
        match command:
            case phrases.CancelOrder():
                return await self.desk.cancel(ctx)
            case phrases.ClearCart():
                return await carts.clear_cart(ctx)
            case phrases.Remove(target=target, quantity=quantity):
                cart = load_cart(ctx.session.order)
                if intent == "cart_clear" and target is not None and not in_cart(ctx, target):
                    return await self.desk.cancel(ctx)  # "다 필요 없어 취소해"
                if target is None and quantity is None and cart.empty:
                    return await self.desk.cancel(ctx)
                return await carts.remove_item(ctx, target, quantity)
            case phrases.More(target=target, quantity=quantity):
                return await carts.more(ctx, quantity, target)
            case phrases.SetQuantity(target=target, quantity=quantity):
                return await carts.set_quantity(ctx, quantity, target)
            case phrases.Revert(target=target):
                return await carts.revert_option(ctx, target)
            case phrases.ToSet(target=target):
                cart = load_cart(ctx.session.order)
                if target is not None and cart_rules.find_line(cart, target) is None:
                    return await carts.add_to_cart(ctx, f"{target} 세트")
                return await carts.to_set(ctx, target)
            case phrases.ToSingle(target=target):
                return await carts.to_single(ctx, target)
            case phrases.Extra(target=target):
                return await carts.add_toppings(ctx, [target])
            case phrases.Change(splits=splits):
                requests = [ChangeRequest(source, target) for source, target in splits]
                return await carts.change_option(ctx, requests)
        raise AssertionError(f"unhandled command {command!r}")

    async def _orders_products(self, ctx: TurnContext, text: str, change: phrases.Change) -> bool:
        """Whether a message that reads as an option change rather names products to add: "새우버거 세트 하나,
        음료는 사이다로" (a set and its change), "불고기버거 세트 사이다로" (a set with its drink), "코울슬로 하나" (a
        name that ends in 로)."""
        named = _items(phrases.without_changes(text), await self._counted_variants())
        cart = load_cart(ctx.session.order)
        if named and cart.shop_id is not None:
            # "감자튀김 (M) 양념감자 칠리로 바꿔줘" after a set: the set's side is what changes, not a side to add;
            # "(불고기버거) 세트 음료 사이다로" names the set of the cart whose drink changes, not a set to add.
            current = await self.carts.catalogue.menu(cart.shop_id, ctx.now)
            if current is not None:
                named = [
                    n
                    for n in named
                    if not cart_rules.is_change_source(current, cart, n.request.product, change.splits)
                    and not _names_line(current, cart, n)
                ]
        if not named:
            return False
        if change.explicit:
            return True
        menu = await self.carts.shops.menu_for(ctx, product=named[0].request.product)
        if isinstance(menu, ToolResult):
            return False
        return all(_names_product(menu, n.request.product) for n in named)

    async def orders_from_menu(self, ctx: TurnContext, text: str) -> bool:
        """Whether a message read as another intent orders from the shop: while an order is under way, it names
        products of its shop ("음 치즈버거 먹고 싶어"); else it says to order and names a product by its whole name
        or a kind the shop sells ("햄버거 시킬래"). "치킨 먹고 싶어" with no order open is a recommendation's."""
        ordering = order_in_progress(ctx.session.order)
        if not ordering and not _ORDERS.search(text):
            return False
        named = _items(phrases.without_changes(text), await self._counted_variants())
        if not named:
            return False
        menu = await self.carts.shops.menu_for(ctx, product=named[0].request.product)
        if isinstance(menu, ToolResult):
            return False
        return all(_names_product(menu, n.request.product, whole=not ordering) for n in named)

    async def _add(self, ctx: TurnContext, text: str, named: ShopMenu | None) -> ToolResult:
        changes = tuple(
            ChangeRequest(*change.splits[0])
            for change in phrases.changes_in(text)
            if change.explicit and len(change.splits) == 1
        )
        said = _items(phrases.without_changes(text), await self._counted_variants())
        requests = [n.request for n in said]
        if said:
            menu = named or await self.carts.shops.menu_for(ctx, product=requests[0].product)
            if not isinstance(menu, ToolResult):
                requests = with_components(menu, said)
        if requests and changes:
            # Option changes belong to the set they follow ("불고기버거 세트 하나, 콜라는 사이다로").
            last = requests[-1]
            requests[-1] = replace(last, changes=last.changes + changes)
        elif changes and not load_cart(ctx.session.order).empty:
            return await self.carts.change_option(ctx, list(changes))
        if requests:
            return await self.carts.add_items(ctx, requests)
        return await self._what_to_order(ctx, named)

    async def _counted_variants(self) -> set[str]:
        """The ordering menus' variants that read like a count ("8조각" of 치킨너겟 (8조각))."""
        menus = await self.carts.catalogue.menus()
        return {
            item.variant
            for menu in menus.values()
            for item in menu.items.values()
            if item.variant and _COUNTED.fullmatch(item.variant)
        }

    async def _what_to_order(self, ctx: TurnContext, named: ShopMenu | None) -> ToolResult:
        menu = named or await self.carts.shops.menu_for(ctx)
        if isinstance(menu, ToolResult):
            return menu
        ctx.session.order.shop_id = menu.shop_id
        sets = [item for item in menu.items.values() if item.is_set and not item.sold_out]
        sets.sort(key=lambda item: (item.price, item.id))
        picks = sets[:POPULAR]
        buttons = replies.choose_buttons(picks)
        names = ", ".join(f"{item.name} {item.price:,}원" for item in picks)
        text = f"{menu.shop_name}에서 주문할게요. 무엇을 담을까요?"
        if names:
            text += f" 예: {names}"
        return ToolResult(data={"ok": True, "shop": menu.shop_name}, reply=Reply(text, quick_replies=buttons))


@dataclass(frozen=True, slots=True)
class Named:
    """A product a message names, and how it was said (see `dialogue.nlu.menu.MenuPiece`)."""

    request: AddRequest
    counted: bool = False
    joined: bool = False


def _items(text: str, counted: Iterable[str] = ()) -> list[Named]:
    """The products a message names with their quantities ("새우버거 세트 두 개랑 콜라 라지 하나").

    A variant in ``counted`` is part of the name, not a quantity: "치킨너겟 (8조각) 1개" is one box of eight pieces,
    "치킨너겟 8조각 두 개" two of them.
    """
    text, labels = _shielded(text, counted)
    named = []
    for piece in menu_pieces(text):
        name = piece.name.strip()
        for token, label in labels.items():
            name = name.replace(token, label)
        name = " ".join(name.split())
        if not name:
            continue
        sizes = [option for option in piece.options if variant_of(str(option))]
        request = AddRequest(" ".join([name, *sizes]), piece.quantity)
        named.append(Named(request, piece.counted, piece.joined))
    return named


def with_components(menu: ShopMenu, said: list[Named]) -> list[AddRequest]:
    """The requests, with what a set's component is to be folded into the set: "불고기버거 세트 사이다" and
    "불고기버거 세트 하나 사이다로" order one set with 사이다 as its drink, never a second drink. A product said
    with a quantity of its own or after a joiner ("세트 하나랑 사이다 하나") stays a product to add."""
    requests: list[AddRequest] = []
    for named in said:
        request = named.request
        split = cart_rules.set_and_part(menu, request.product)
        if split is not None:
            request = AddRequest(split[0], request.quantity, (ChangeRequest(None, split[1]),))
        elif requests and not named.counted and not named.joined:
            owner = menu.find(requests[-1].product).item
            if owner is not None and owner.is_set and cart_rules.names_component(menu, owner, request.product):
                last = requests[-1]
                requests[-1] = replace(last, changes=(*last.changes, ChangeRequest(None, request.product)))
                continue
        requests.append(request)
    return requests


def _names_product(menu: ShopMenu, said: str, *, whole: bool = False) -> bool:
    """Whether ``said`` names what this shop sells, sure enough to order it: a product, a set with its component, or
    a kind the shop sells ("햄버거"). ``whole``: by its whole name, so that "치킨" is no 치킨버거."""
    kind = kind_of_word(said)
    if kind is not None:
        return bool(cart_rules.kind_choices(menu, kind))
    if cart_rules.set_and_part(menu, said) is not None:
        return True
    found = menu.find(said)
    if found.score < CONFIDENT:
        return False
    if whole:
        return found.item is not None and compact(found.item.family) in compact(said)
    return found.item is not None or bool(found.choices)


def _names_line(menu: ShopMenu, cart: Cart, named: Named) -> bool:
    """Whether a product said without a quantity names a set line of the cart ("세트", "불고기버거 세트 사이다"):
    the line a change is for, not one more to add."""
    if named.counted:
        return False
    split = cart_rules.set_and_part(menu, named.request.product)
    said = split[0] if split is not None else named.request.product
    return cart_rules.find_line(cart, said, kinds=(MenuKind.SET,)) is not None


def _shielded(text: str, counted: Iterable[str]) -> tuple[str, dict[str, str]]:
    """``text`` with each of the ``counted`` variants it says ("8조각", "(8 조각)") replaced by a word without
    digits, which the quantity reader leaves in the name; and those words with the bracketed variant they stand
    for."""
    labels: dict[str, str] = {}
    for index, variant in enumerate(sorted(counted, key=len, reverse=True)):
        found = _COUNTED.fullmatch(variant)
        if found is None:
            continue
        number, counter = found.group("number"), found.group("counter")
        said = re.compile(rf"(?:\(\s*)?(?<!\d){number}\s*{re.escape(counter)}(?:\s*\))?")
        token = f"변형값{_TOKEN_ENDS[index % len(_TOKEN_ENDS)]}"  # Hangul, so "8조각이랑" still joins two items
        if said.search(text):
            text = said.sub(f" {token}", text)
            labels[token] = f"({variant})"
    return text, labels


async def tops_a_burger(carts: CartService, ctx: TurnContext, said: str) -> bool:
    """Whether "``said`` 추가" puts a topping on a burger of the cart: ``said`` names a topping at least as well as
    any product ("치즈" is 치즈토핑 as much as 치즈버거; "치즈스틱" is the side)."""
    cart = load_cart(ctx.session.order)
    if cart.shop_id is None or not any(line.kind in cart_rules.TOPPED_KINDS for line in cart.lines):
        return False
    menu = await carts.catalogue.menu(cart.shop_id, ctx.now)
    if menu is None:
        return False
    topping = menu.find(said, kinds=(MenuKind.TOPPING,))
    return topping.item is not None and topping.score >= menu.find(said).score


def in_cart(ctx: TurnContext, said: str) -> bool:
    return cart_rules.in_cart(load_cart(ctx.session.order), said)


def _without_shop(text: str, menu: ShopMenu) -> str:
    """The message without the shop's name and "에서 주문할래" ("든든버거에서 불고기버거 세트" -> "불고기버거 세트")."""
    for name in (menu.shop_name, re.sub(r"\s*\S+점$", "", menu.shop_name)):
        if name and name in text:
            rest = text.replace(name, " ", 1)
            return " ".join(_ORDER_WORDS.sub(" ", rest, count=1).split()) if rest.strip() else ""
    return text

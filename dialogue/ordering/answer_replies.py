"""How the answers to questions asked during an order read: the shop's menu, the cheapest product, whether something
is hot, what the cart or a line costs, and what became of the order placed (`answers` decides which).
"""

from __future__ import annotations

from collections.abc import Sequence

from dialogue.korean import particle, won
from dialogue.ordering.cart import Cart, CartLine
from dialogue.ordering.catalogue import MenuEntry, ShopMenu
from dialogue.ordering.replies import EMPTY_CART, line_text, total_text

KIND_NAMES = {"main": "버거", "set": "세트", "side": "사이드", "drink": "음료", "dessert": "디저트"}
MENU_SHOWN = 4
"""Products shown per section of a shop's menu; the rest are counted."""
ASK_WHICH = "어떤 메뉴가 궁금해요? 메뉴 이름을 말해 주세요."
NOT_ORDERED_YET = "아직 주문하지 않았어요. 장바구니에 담은 메뉴를 주문할까요?"


def menu_text(menu: ShopMenu) -> str:
    """A shop's menu in a few lines: each section's first products that can be ordered now, one per family, with
    its price ("콜라 2,000원~" when its sizes cost more); toppings are offered on a burger instead."""
    sections: dict[str, dict[str, list[MenuEntry]]] = {}
    for item in sorted(menu.items.values(), key=lambda entry: entry.id):
        if item.sold_out or item.is_topping:
            continue
        section = item.category or KIND_NAMES.get(item.kind, "기타")
        sections.setdefault(section, {}).setdefault(item.family, []).append(item)
    lines = [f"{menu.shop_name} 메뉴예요."]
    for section, families in sections.items():
        shown = [_family_price(family, items) for family, items in list(families.items())[:MENU_SHOWN]]
        rest = len(families) - len(shown)
        lines.append(f"• {section}: {', '.join(shown)}" + (f" 외 {rest}가지" if rest > 0 else ""))
    lines.append("먹고 싶은 메뉴를 말해 주세요.")
    return "\n".join(lines)


def _family_price(family: str, items: Sequence[MenuEntry]) -> str:
    low = min(item.price for item in items)
    return f"{family} {won(low)}" + ("~" if any(item.price != low for item in items) else "")


def cheapest_text(kind: str | None, cheapest: MenuEntry, meals: Sequence[MenuEntry] = ()) -> str:
    """The cheapest product (of ``kind``), and for a question about anything the cheapest burger and set too: a
    drink is cheapest, but a child asking wants to know what a meal costs."""
    what = f"제일 싼 {particle(KIND_NAMES[kind], '은', '는')}" if kind is not None else "제일 싼 건"
    text = f"{what} {cheapest.name} {won(cheapest.price)}이에요."
    if meals:
        shown = ", ".join(
            f"{particle(KIND_NAMES.get(item.kind, '메뉴'), '은', '는')} {item.name} {won(item.price)}" for item in meals
        )
        text += f" {shown}이 제일 싸요."
    return text


def spicy_text(name: str, parts: Sequence[MenuEntry]) -> str:
    """Whether ``name`` is hot: not at all, itself, or because of a part of the set ("양념감자 (칠리)")."""
    if not parts:
        return f"아니요, {particle(name, '은', '는')} 안 매워요."
    if [part.name for part in parts] == [name]:
        return f"네, {particle(name, '은', '는')} 매워요."
    names = ", ".join(part.name for part in parts)
    return f"네, {name}에서 {particle(names, '이', '가')} 매워요."


def total_answer(cart: Cart) -> str:
    """ "얼마야?": the cart's total, then its lines."""
    if cart.empty:
        return EMPTY_CART
    return "\n".join([total_text(cart), *(line_text(line) for line in cart.lines)])


def line_price(cart: Cart, line: CartLine) -> str:
    """ "이거 얼마야?": the line's price, then the cart's total."""
    text = f"{line.name} {line.quantity}개는 {won(line.total)}이에요."
    return text if len(cart.lines) == 1 else f"{text} {total_text(cart)}"


def order_status(order_id: int, status: str, shop_name: str, reason: str | None = None) -> str:
    """What became of an order placed: sent and waiting for the shop, accepted, ready, picked up, refused, cancelled."""
    number = f"주문 #{order_id}"
    match status:
        case "placed":
            return (
                f"네, {particle(number, '은', '는')} {shop_name}에 잘 들어갔어요. 지금 가게에서 확인하고 있어요. "
                "접수되면 알려드릴게요."
            )
        case "accepted":
            return f"{shop_name}에서 {particle(number, '을', '를')} 접수했어요. 준비되면 알려드릴게요."
        case "ready":
            return f"{number} 메뉴가 준비됐어요! {shop_name}에서 받아 가세요."
        case "picked_up":
            return f"{particle(number, '은', '는')} 이미 받아 갔어요. 맛있게 드세요!"
        case "rejected":
            why = f" (사유: {reason})" if reason else ""
            return f"죄송해요, {shop_name}에서 {particle(number, '을', '를')} 받지 못했어요{why}. 다른 메뉴로 다시 주문해 보세요."
        case "cancelled":
            return f"{particle(number, '은', '는')} 취소됐어요."
    return f"{number}의 상태는 {status}이에요."

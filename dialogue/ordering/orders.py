"""Orders: checkout (availability, opening hours, what the card can pay), placing an order once, handing it to the
shop's staff, and cancelling. The staff's moves on an order live in `dialogue.ordering.admin.ShopAdmin`.

Placing is idempotent: the order's key is made of the cart's id and revision and the payment method, so a repeated
"주문할게" (a retried delivery, a double tap) finds the order already stored instead of writing a second one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dialogue.korean import hhmm, particle, won
from dialogue.messages import Button
from dialogue.ordering import answer_replies, replies
from dialogue.ordering.admin import ShopAdmin, staff_order, staff_view
from dialogue.ordering.budget import swap_lines, swaps
from dialogue.ordering.cart import Cart, CartLine, load_cart, save_cart
from dialogue.ordering.catalogue import OrderCatalogue, ShopMenu
from dialogue.ordering.results import failure
from dialogue.ordering.staff import StaffBoard, StaffOrder
from dialogue.tools.base import ToolResult
from dialogue.turn import Reply, TurnContext
from storage.database import Database
from storage.hours import OpenState, local_time, open_state, sold_at
from storage.models import MenuItem, Order, OrderLine, OrderStatus, Shop, User, utcnow
from storage.repositories import ShopRepository
from storage.repositories.ordering import OrderingRepository

logger = logging.getLogger(__name__)

CANCEL_WINDOW = timedelta(hours=12)
"""How far back "주문 취소할래" looks for the user's order."""

PAYMENT_NAMES = {"card": "급식카드", "cash": "현장 결제"}


def order_key(user_id: int, cart: Cart, payment: str) -> str:
    return hashlib.sha256(f"{user_id}:{cart.cart_id}:{cart.revision}:{payment}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Checked:
    """The cart compared with the menu as it is now."""

    shop: Shop
    state: OpenState
    sold_out: list[CartLine]
    """Lines that cannot be ordered now: an item gone from the menu, sold out, or outside its selling hours."""
    repriced: bool
    off_hours: list[MenuItem] = field(default_factory=list)
    """The items of those lines that are in stock but not sold at this hour (the breakfast muffin at 11:00)."""


class OrderDesk:
    """Checkout and cancelling; the staff's actions on orders (``StaffActions``) are its `ShopAdmin`'s."""

    def __init__(
        self,
        db: Database,
        catalogue: OrderCatalogue,
        *,
        board: StaffBoard | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.board = board
        self.clock = clock
        self.admin = ShopAdmin(db, board=board, clock=clock)

    # ---- checkout ------------------------------------------------------------------------------------------------

    async def checkout(self, ctx: TurnContext, payment: str | None = None) -> ToolResult:
        cart = load_cart(ctx.session.order)
        if cart.empty or cart.shop_id is None:
            return await self._nothing_to_order(ctx)
        menu = await self.catalogue.menu(cart.shop_id, ctx.now)
        checked = await self._check(cart, ctx.now)
        if checked is None or not checked.shop.accepts_orders:
            return failure(f"{cart.shop_name}은 지금 끼니로 주문을 받지 않아요.", "shop takes no orders")
        if not checked.state.is_open:
            return failure(closed_text(cart.shop_name, checked.state, ctx.now), "shop closed", (replies.VIEW_BUTTON,))
        if checked.sold_out:
            buttons = tuple(Button(f"{line.name} 빼기", f"{line.name} 빼줘") for line in checked.sold_out)
            error = "sold out" if len(checked.off_hours) < len(checked.sold_out) else "not sold at this hour"
            return failure(unavailable_text(checked.sold_out, checked.off_hours), error, buttons)
        if checked.repriced:
            save_cart(ctx.session.order, cart)
            return failure(
                f"그 사이 가격이 바뀌었어요. 바뀐 가격을 확인하고 다시 주문해 주세요.\n{replies.cart_text(cart)}",
                "prices changed",
                replies.CART_BUTTONS,
                cart=replies.cart_data(cart),
            )
        method = payment or "card"  # a missing or unusable card is asked about, never silently swapped for cash
        if method == "card":
            refusal = self._card_refusal(ctx, cart, menu)
            if refusal is not None:
                return refusal
        return await self._place(ctx, cart, method, checked.shop)

    def _card_refusal(self, ctx: TurnContext, cart: Cart, menu: ShopMenu | None) -> ToolResult | None:
        card = ctx.card
        cash = Button("현장 결제로 주문", "현금으로 주문할게")
        if card is None:
            return failure("연결된 급식카드가 없어요. 가게에서 직접 결제하는 걸로 주문할까요?", "no card", (cash,))
        if not card.active:
            return failure(
                f"{card.program} 카드를 지금 쓸 수 없어요. 가게에서 직접 결제하는 걸로 주문할까요?",
                "card inactive",
                (cash,),
            )
        spendable = card.spendable_today
        if cart.total <= spendable:
            return None
        over = cart.total - spendable
        limit = "오늘 한도" if card.daily_remaining < card.balance else "카드 잔액"
        options = swaps(cart, menu, over)
        text = (
            f"합계 {won(cart.total)}인데 급식카드로 오늘 쓸 수 있는 금액은 {won(spendable)}이에요({limit} 기준). "
            f"{won(over)}이 넘어요."
        )
        if options:
            text += " 이렇게 바꾸면 어때요?\n" + swap_lines(options)
        return failure(
            text,
            "over the card's limit",
            (*tuple(swap.button for swap in options), replies.VIEW_BUTTON),
            total=cart.total,
            spendable=spendable,
            over=over,
            swaps=[{"change": swap.text, "saving": swap.saving} for swap in options],
        )

    async def _check(self, cart: Cart, now: datetime) -> Checked | None:
        """Compare the cart with the shop's menu and hours as stored now; reprices the cart where prices moved."""
        ids = set().union(*(line.item_ids() for line in cart.lines)) if cart.lines else set()
        async with self.db.session() as session:
            shop = await session.get(Shop, cart.shop_id)
            if shop is None or shop.id is None:
                return None
            hours, closures = await ShopRepository(session).hours_for([shop.id], now)
            items = await OrderingRepository(session).items(ids)
        state = open_state(
            hours.get(shop.id, ()),
            now,
            closures=closures.get(shop.id, ()),
            status_override=shop.status_override,
            override_until=shop.override_until,
            hours_known=shop.hours_known,
        )
        menu = await self.catalogue.menu(shop.id)
        sold_out = [line for line in cart.lines if any(_gone(items.get(i), now) for i in line.item_ids())]
        off_hours = [
            item
            for line in sold_out
            for i in sorted(line.item_ids())
            if (item := items.get(i)) is not None and not item.sold_out and _gone(item, now)
        ]
        repriced = False
        for line in cart.lines:
            current = items.get(line.item_id)
            if current is not None and current.price != line.base_price:
                line.base_price, repriced = current.price, True
            for extra in line.extras:
                topping = items.get(extra.item_id)
                if topping is not None and topping.price != extra.price:
                    extra.price, repriced = topping.price, True
            for change in line.changes:
                default, target = (
                    (menu.items.get(change.from_id), menu.items.get(change.to_id)) if menu else (None, None)
                )
                delta = menu.change_delta(default, target) if menu and default and target else None
                if delta is not None and delta != change.delta:
                    change.delta, repriced = delta, True
        if repriced:
            cart.revision += 1
        return Checked(shop, state, sold_out, repriced, list({item.id: item for item in off_hours}.values()))

    async def _place(self, ctx: TurnContext, cart: Cart, method: str, shop: Shop) -> ToolResult:
        assert cart.shop_id is not None
        now = ctx.now
        order = Order(
            user_id=ctx.user_id,
            shop_id=cart.shop_id,
            card_id=ctx.card.card_id if method == "card" and ctx.card is not None else None,
            channel=ctx.message.channel[:16],
            status=OrderStatus.PLACED,
            payment_method=method,
            subtotal=cart.total,
            total=cart.total,
            idempotency_key=order_key(ctx.user_id, cart, method),
            created_at=now,
            updated_at=now,
        )
        lines = [
            OrderLine(
                order_id=0,
                menu_item_id=line.item_id,
                name=line.name[:120],
                quantity=line.quantity,
                unit_price=line.unit_price,
                options=_options(line),
                line_total=line.total,
            )
            for line in cart.lines
        ]
        async with self.db.session() as session:
            placed = await OrderingRepository(session).place(order, lines)
            customer = await session.get(User, ctx.user_id)
        stored = placed.order
        assert stored.id is not None
        if self.board is not None and stored.staff_message_ref is None:
            await self._post(staff_order(stored, placed.lines, shop, customer))
        cart.clear()
        save_cart(ctx.session.order, cart)
        ctx.session.order.last_order_id = stored.id
        ctx.session.order.shop_id = None  # the order is done: the next may be for another shop
        paid = PAYMENT_NAMES.get(stored.payment_method, stored.payment_method)
        text = (
            f"{shop.name}에 주문을 보냈어요! 주문번호 #{stored.id}, 합계 {won(stored.total)} "
            f"(가게에서 {paid}로 결제). 가게에서 주문을 확인하면 알려드릴게요."
        )
        return ToolResult(
            data={
                "ok": True,
                "order_id": stored.id,
                "status": stored.status,
                "total": stored.total,
                "payment": stored.payment_method,
                "shop": shop.name,
                "repeated": not placed.created,
            },
            reply=Reply(text, quick_replies=(Button("주문 취소", "주문 취소할래"),)),
        )

    async def _post(self, shown: StaffOrder) -> None:
        assert self.board is not None
        try:
            ref = await self.board.post(shown)
        except Exception:
            # The order is stored; staff see it when the board is reachable again (a repeated checkout re-posts).
            logger.exception("posting order %s to the staff board failed", shown.order_id)
            return
        if ref:
            async with self.db.session() as session:
                await OrderingRepository(session).set_staff_ref(shown.order_id, ref[:64])

    async def _nothing_to_order(self, ctx: TurnContext) -> ToolResult:
        last = ctx.session.order.last_order_id
        if isinstance(last, int):
            async with self.db.session() as session:
                order = await OrderingRepository(session).get(last)
            if order is not None and order.status == OrderStatus.PLACED:
                return ToolResult(
                    data={"ok": True, "order_id": order.id, "status": order.status, "repeated": True},
                    reply=Reply(f"주문 #{order.id}은 이미 가게에 보냈어요. 가게에서 확인하면 알려드릴게요."),
                )
        return failure("장바구니가 비어 있어요. 먹고 싶은 메뉴를 먼저 담아 주세요.", "cart empty")

    # ---- the order placed ----------------------------------------------------------------------------------------

    async def status(self, ctx: TurnContext) -> ToolResult | None:
        """What became of the user's order: the one placed last in this conversation, else their newest within
        `CANCEL_WINDOW`; None when there is none. "주문 들어갔어?" right after checkout is answered here."""
        async with self.db.session() as session:
            repository = OrderingRepository(session)
            last = ctx.session.order.last_order_id
            order = await repository.get(last) if isinstance(last, int) else None
            if order is None or order.user_id != ctx.user_id:
                order = await repository.latest(ctx.user_id, tuple(OrderStatus), ctx.now - CANCEL_WINDOW)
            shop = await session.get(Shop, order.shop_id) if order is not None else None
        if order is None or order.id is None:
            return None
        shop_name = shop.name if shop is not None else "가게"
        text = answer_replies.order_status(order.id, order.status, shop_name, order.reject_reason)
        buttons = (Button("주문 취소", "주문 취소할래"),) if order.status == OrderStatus.PLACED else ()
        return ToolResult(
            data={"ok": True, "order_id": order.id, "status": order.status, "total": order.total, "shop": shop_name},
            reply=Reply(text, quick_replies=buttons),
        )

    # ---- cancelling ----------------------------------------------------------------------------------------------

    async def cancel(self, ctx: TurnContext) -> ToolResult:
        """Cancel the user's order that the shop has not accepted yet; else empty the cart."""
        since = ctx.now - CANCEL_WINDOW
        cancelled: StaffOrder | None = None
        async with self.db.session() as session:
            repository = OrderingRepository(session)
            order = await repository.latest(
                ctx.user_id, (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY), since
            )
            if order is not None and order.id is not None and order.status == OrderStatus.PLACED:
                moved = await repository.move(
                    order.id, from_status=OrderStatus.PLACED, to_status=OrderStatus.CANCELLED, at=self.clock()
                )
                await session.refresh(order)
                if moved:
                    cancelled = await staff_view(session, order)
            shop = await session.get(Shop, order.shop_id) if order is not None else None
        if cancelled is not None:
            if cancelled.staff_message_ref:
                await self.admin.update_board(cancelled)
            ctx.session.order.last_order_id = None
            return ToolResult(
                data={"ok": True, "order_id": cancelled.order_id, "status": cancelled.status},
                reply=Reply(f"주문 #{cancelled.order_id}을 취소했어요. 가게에도 알렸어요."),
            )
        cart = load_cart(ctx.session.order)
        if order is not None and order.status in (OrderStatus.ACCEPTED, OrderStatus.READY) and cart.empty:
            phone = f" ({shop.phone})" if shop is not None and shop.phone else ""
            return failure(
                f"가게에서 이미 주문 #{order.id}을 접수해서 끼니에서는 취소할 수 없어요. 가게에 전화해 주세요{phone}.",
                "already accepted",
                order_id=order.id,
            )
        if not cart.empty:
            cart.clear()
            save_cart(ctx.session.order, cart)
            ctx.session.order.shop_id = None
            return ToolResult(
                data={"ok": True, "cart": replies.cart_data(cart)}, reply=Reply("주문을 취소하고 장바구니를 비웠어요.")
            )
        return failure("취소할 주문이 없어요.", "nothing to cancel")

    # ---- staff actions (``StaffActions``, for callers that hold the desk) ----------------------------------------

    async def check_move(self, order_id: int, status: str, *, channel: str | None = None) -> None:
        await self.admin.check_move(order_id, status, channel=channel)

    async def set_status(
        self, order_id: int, status: str, *, actor: str, reason: str | None = None, channel: str | None = None
    ) -> StaffOrder:
        return await self.admin.set_status(order_id, status, actor=actor, reason=reason, channel=channel)


def _gone(item: MenuItem | None, now: datetime) -> bool:
    """Not orderable at ``now``: no longer on the menu, sold out, or outside the hours it is sold."""
    return item is None or item.sold_out or not sold_at(item.available_from, item.available_until, now)


def unavailable_text(lines: Sequence[CartLine], off_hours: Sequence[MenuItem]) -> str:
    """Why checkout stopped: the items sold only at other hours with their hours, the other lines as sold out."""
    timed = {item.id for item in off_hours}
    parts = [
        f"{particle(item.name, '은', '는')} {replies.selling_hours(_hours(item))}에만 팔아서 지금은 주문할 수 없어요."
        for item in off_hours
    ]
    gone = [line.name for line in lines if not line.item_ids() & timed]
    if gone:
        parts.insert(0, f"그 사이 {particle(', '.join(gone), '이', '가')} 품절됐어요.")
    return " ".join([*parts, "빼고 다시 주문해 주세요."])


def _hours(item: MenuItem) -> tuple[int, int]:
    return (item.available_from or 0, 1440 if item.available_until is None else item.available_until)


def _options(line: CartLine) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = [
        {"type": "change", "group": c.group, "from": c.from_name, "to": c.to_name, "to_id": c.to_id, "delta": c.delta}
        for c in line.changes
    ]
    extras: list[dict[str, Any]] = [
        {"type": "extra", "name": x.name, "item_id": x.item_id, "price": x.price} for x in line.extras
    ]
    return changes + extras


def closed_text(shop_name: str, state: OpenState, now: datetime) -> str:
    text = f"{particle(shop_name, '은', '는')} 지금 영업시간이 아니라 주문을 보낼 수 없어요."
    if state.reason == "break":
        text = f"{particle(shop_name, '은', '는')} 지금 쉬는 시간이라 주문을 보낼 수 없어요."
    if state.opens_at is not None:
        opens = local_time(state.opens_at)
        day = (
            ""
            if opens.date() == local_time(now).date()
            else "내일 "
            if (opens.date() - local_time(now).date()).days == 1
            else f"{opens.month}/{opens.day} "
        )
        text += f" {day}{hhmm(opens.hour * 60 + opens.minute)}에 열어요. 장바구니는 그대로 둘게요."
    return text

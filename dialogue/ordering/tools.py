"""The ordering tools: find a product, add to the cart, look at it, change or remove a line, empty it, check out,
cancel. The offline handler and every language-model provider call these same objects; prices, totals and what
the card can pay always come from them, never from the model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dialogue.ordering.cart_rules import ChangeRequest
from dialogue.ordering.orders import OrderDesk
from dialogue.ordering.service import CartService
from dialogue.tools.arguments import NoArguments, ToolArguments
from dialogue.tools.base import Tool, ToolResult
from dialogue.turn import TurnContext


class OptionChangeArguments(ToolArguments):
    component: str | None = Field(
        default=None,
        max_length=40,
        description="바꿀 세트 구성품 (예: 감자튀김, 콜라, 음료). 없으면 새 메뉴와 같은 종류의 구성품",
    )
    to: str = Field(min_length=1, max_length=40, description="바꿔 넣을 메뉴나 사이즈 (예: 양념감자, 사이다, 라지)")

    def request(self) -> ChangeRequest:
        return ChangeRequest(self.component, self.to)


class FindProductArguments(ToolArguments):
    query: str = Field(
        min_length=1, max_length=60, description="사용자가 말한 메뉴 이름 그대로 (예: 불고기 세트, 감튀)"
    )
    shop: str | None = Field(default=None, max_length=60, description="사용자가 말한 가게 이름; 없으면 대화 중인 가게")


class AddToCartArguments(ToolArguments):
    product: str = Field(min_length=1, max_length=60, description="담을 메뉴 이름, 사용자가 말한 그대로")
    quantity: int = Field(default=1, ge=1, le=20, description="수량")
    changes: list[OptionChangeArguments] = Field(
        default_factory=list, max_length=4, description="세트 구성 변경 (예: 감자튀김 -> 양념감자)"
    )
    toppings: list[str] = Field(default_factory=list, max_length=5, description="추가할 토핑 (예: 치즈, 베이컨)")
    shop: str | None = Field(default=None, max_length=60, description="사용자가 말한 가게 이름")


class UpdateItemArguments(ToolArguments):
    line: int | None = Field(
        default=None, ge=1, description="view_cart의 line 번호; 없으면 product로, 둘 다 없으면 마지막 줄"
    )
    product: str | None = Field(default=None, max_length=60, description="바꿀 줄의 메뉴 이름")
    quantity: int | None = Field(default=None, ge=0, le=20, description="새 수량 (0이면 뺌)")
    more: int | None = Field(default=None, ge=1, le=20, description="더 담을 개수 ('하나 더'는 1)")
    change: OptionChangeArguments | None = Field(default=None, description="세트 구성품 변경")
    revert: str | None = Field(default=None, max_length=40, description="원래대로 되돌릴 변경의 메뉴 이름")
    make: Literal["set", "single"] | None = Field(default=None, description="세트로 바꾸기(set) 또는 단품으로(single)")
    toppings: list[str] = Field(default_factory=list, max_length=5, description="이 줄에 추가할 토핑")


class RemoveItemArguments(ToolArguments):
    line: int | None = Field(
        default=None, ge=1, description="view_cart의 line 번호; 없으면 product, 둘 다 없으면 마지막 줄"
    )
    product: str | None = Field(default=None, max_length=60, description="뺄 메뉴 또는 토핑 이름")
    quantity: int | None = Field(default=None, ge=1, le=20, description="뺄 개수; 없으면 그 줄 전부")


class CheckoutArguments(ToolArguments):
    payment: Literal["card", "cash"] | None = Field(
        default=None, description="결제 방법(가게에서 결제): card 급식카드, cash 현장 결제; 없으면 카드가 있으면 카드"
    )


def _line(args: UpdateItemArguments | RemoveItemArguments) -> int | str | None:
    """The cart line meant: its number, else the product named; None lets the service take the last line."""
    return args.line if args.line is not None else args.product


class _CartTool:
    """A tool that works on the cart of the turn's session."""

    def __init__(self, carts: CartService) -> None:
        self.carts = carts


class _DeskTool:
    """A tool that sends or cancels orders."""

    def __init__(self, desk: OrderDesk) -> None:
        self.desk = desk


class FindProductTool(_CartTool):
    name = "find_product"
    description = "주문 가능한 가게 메뉴에서 메뉴를 찾아 이름, 가격, 세트 구성, 품절 여부를 알려 줍니다. 여러 개가 맞으면 후보를 돌려줍니다."
    arguments = FindProductArguments

    async def run(self, ctx: TurnContext, args: FindProductArguments) -> ToolResult:
        return await self.carts.find_product(ctx, args.query, args.shop)


class AddToCartTool(_CartTool):
    name = "add_to_cart"
    description = (
        "메뉴를 장바구니에 담습니다 (단품, 세트, 수량, 세트 구성 변경, 토핑). 가격과 변경 차액은 이 도구가 계산합니다. "
        "여러 메뉴가 맞으면 ambiguous 후보를 돌려주니 사용자에게 물어보세요."
    )
    arguments = AddToCartArguments

    async def run(self, ctx: TurnContext, args: AddToCartArguments) -> ToolResult:
        return await self.carts.add_to_cart(
            ctx,
            args.product,
            quantity=args.quantity,
            changes=[change.request() for change in args.changes],
            toppings=args.toppings,
            shop=args.shop,
        )


class ViewCartTool(_CartTool):
    name = "view_cart"
    description = "장바구니의 줄(line 번호, 메뉴, 수량, 옵션, 줄 금액)과 합계를 보여 줍니다."
    arguments = NoArguments

    async def run(self, ctx: TurnContext, args: NoArguments) -> ToolResult:
        return await self.carts.view_cart(ctx)


class UpdateItemTool(_CartTool):
    name = "update_item"
    description = (
        "장바구니의 한 줄을 바꿉니다: 수량, 하나 더, 세트 구성품 변경(감자튀김 -> 양념감자), 변경 되돌리기, "
        "세트/단품 전환, 토핑 추가. 한 번에 한 가지만 지정하세요."
    )
    arguments = UpdateItemArguments

    async def run(self, ctx: TurnContext, args: UpdateItemArguments) -> ToolResult:
        line = _line(args)
        if args.change is not None:
            return await self.carts.change_option(ctx, [args.change.request()], line)
        if args.revert is not None:
            return await self.carts.revert_option(ctx, args.revert or None, line)
        if args.more is not None:
            return await self.carts.more(ctx, args.more, line)
        if args.quantity is not None:
            return await self.carts.set_quantity(ctx, args.quantity, line)
        if args.make == "set":
            return await self.carts.to_set(ctx, line)
        if args.make == "single":
            return await self.carts.to_single(ctx, line)
        if args.toppings:
            return await self.carts.add_toppings(ctx, args.toppings, line)
        return ToolResult(
            data={"ok": False}, error="nothing to update: give quantity, more, change, revert, make or toppings"
        )


class RemoveItemTool(_CartTool):
    name = "remove_item"
    description = (
        "장바구니에서 한 줄(또는 그 수량 일부, 또는 토핑)을 뺍니다. '아까 그거 빼줘'는 line과 product 없이 부르세요."
    )
    arguments = RemoveItemArguments

    async def run(self, ctx: TurnContext, args: RemoveItemArguments) -> ToolResult:
        return await self.carts.remove_item(ctx, _line(args), args.quantity)


class ClearCartTool(_CartTool):
    name = "clear_cart"
    description = "장바구니를 모두 비웁니다."
    arguments = NoArguments

    async def run(self, ctx: TurnContext, args: NoArguments) -> ToolResult:
        return await self.carts.clear_cart(ctx)


class CheckoutTool(_DeskTool):
    name = "checkout"
    description = (
        "장바구니를 가게에 주문으로 보냅니다. 품절, 영업시간, 급식카드로 오늘 쓸 수 있는 금액을 확인하고, "
        "넘으면 얼마나 넘는지와 바꿀 방법(swaps)을 돌려줍니다. 결제는 가게에서 합니다."
    )
    arguments = CheckoutArguments

    async def run(self, ctx: TurnContext, args: CheckoutArguments) -> ToolResult:
        return await self.desk.checkout(ctx, args.payment)


class CancelOrderTool(_DeskTool):
    name = "cancel_order"
    description = "가게가 아직 접수하지 않은 주문을 취소합니다. 보낸 주문이 없으면 장바구니를 비웁니다."
    arguments = NoArguments

    async def run(self, ctx: TurnContext, args: NoArguments) -> ToolResult:
        return await self.desk.cancel(ctx)


def ordering_tools(carts: CartService, desk: OrderDesk) -> list[Tool]:
    """Every ordering tool, for a model's tool registry."""
    return [
        FindProductTool(carts),
        AddToCartTool(carts),
        ViewCartTool(carts),
        UpdateItemTool(carts),
        RemoveItemTool(carts),
        ClearCartTool(carts),
        CheckoutTool(desk),
        CancelOrderTool(desk),
    ]

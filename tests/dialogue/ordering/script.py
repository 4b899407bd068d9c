"""Ordering conversations written as scripts: each step is what the user says (or which button they press) and
the cart expected after it, line by line, with the total in won.

A cart line reads ``"불고기버거 세트 x1 / 양념감자 (칠리) / 사이다 (M)"``: the product and quantity, then
each component it was changed to (``/``) and each extra (``+``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from dialogue.engine import DialogueEngine
from dialogue.messages import Button, Final, IncomingMessage, QuickReplies, ReplyEvent
from dialogue.ordering.cart import Cart, load_cart
from dialogue.session import SessionStore
from storage.database import Database
from storage.kv import KeyValueStore
from storage.models import MenuItem, Order, Shop
from storage.repositories import UserRepository


@dataclass(frozen=True, slots=True)
class Say:
    text: str
    cart: tuple[str, ...]
    total: int
    says: str | None = None
    """A phrase the reply must contain."""
    avoids: str | None = None
    """A phrase the reply must not contain ("찾지 못했어요", an onboarding question)."""


@dataclass(frozen=True, slots=True)
class Press:
    """Press the button of the last reply whose label contains ``label``."""

    label: str
    cart: tuple[str, ...]
    total: int
    says: str | None = None
    avoids: str | None = None


Step = Say | Press


def cart_lines(cart: Cart) -> tuple[str, ...]:
    rendered = []
    for line in cart.lines:
        text = f"{line.name} x{line.quantity}"
        text += "".join(f" / {change.to_name}" for change in line.changes)
        text += "".join(f" + {extra.name}" for extra in line.extras)
        rendered.append(text)
    return tuple(rendered)


async def cart_of(kv: KeyValueStore, user: str) -> Cart:
    session = await SessionStore(kv).load(SessionStore.key_for("console", user))
    return load_cart(session.order)


@dataclass(slots=True)
class Conversation:
    """One console user talking to the engine at a fixed moment; remembers the last reply's buttons."""

    engine: DialogueEngine
    kv: KeyValueStore
    user: str
    at: datetime
    buttons: tuple[Button, ...] = ()
    last: Final | None = None

    async def send(self, message: IncomingMessage) -> Final:
        events: list[ReplyEvent] = [event async for event in self.engine.handle(message)]
        self.buttons = next((event.buttons for event in events if isinstance(event, QuickReplies)), ())
        final = events[-1]
        assert isinstance(final, Final)
        self.last = final
        return final

    async def say(self, text: str) -> Final:
        return await self.send(IncomingMessage("console", self.user, text=text, received_at=self.at))

    async def press(self, label: str) -> Final:
        button = next((b for b in self.buttons if label in b.label), None)
        assert button is not None, f"no button {label!r} among {[b.label for b in self.buttons]}"
        # As the console sends a press: the label as text, the button's sentence as payload.
        return await self.send(
            IncomingMessage("console", self.user, text=button.label, payload=button.payload, received_at=self.at)
        )

    async def play(self, steps: list[Step]) -> None:
        for step in steps:
            final = await (self.say(step.text) if isinstance(step, Say) else self.press(step.label))
            said = step.text if isinstance(step, Say) else f"[{step.label}]"
            cart = await cart_of(self.kv, self.user)
            context = f"after {said!r} ({final.intent}): {final.text!r}"
            assert cart_lines(cart) == step.cart, context
            assert cart.total == step.total, context
            assert cart.total == sum(line.total for line in cart.lines)
            if step.says is not None:
                assert step.says in final.text, context
            if step.avoids is not None:
                assert step.avoids not in final.text, context


async def orders_of(db: Database, user: str) -> list[Order]:
    """The console user's orders, oldest first."""
    async with db.session() as session:
        found = await UserRepository(session).by_identity("console", user)
        assert found is not None
        statement = select(Order).where(Order.user_id == found.id).order_by(col(Order.id))
        return list((await session.exec(statement)).all())


@asynccontextmanager
async def sold_out(db: Database, name: str) -> AsyncIterator[None]:
    """The burger shop's item marked sold out (as staff would, in the database only) for the block, then available."""

    async def mark(value: bool) -> None:
        async with db.session() as session:
            burger_shop = select(Shop.id).where(col(Shop.accepts_orders).is_(True))
            statement = select(MenuItem).where(MenuItem.name == name, col(MenuItem.shop_id).in_(burger_shop))
            item = (await session.exec(statement)).one()
            item.sold_out = value
            session.add(item)

    await mark(True)
    try:
        yield
    finally:
        await mark(False)

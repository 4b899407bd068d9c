"""Ordering conversations written as scripts: each step is what the user says (or which button they press) and
the cart expected after it, line by line, with the total in won.

A cart line reads ``"리아 불고기버거 세트 x1 / 양념감자 (어니언) / 사이다 (미디움)"``: the product and quantity, then
each component it was changed to (``/``) and each extra (``+``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogue.engine import DialogueEngine
from dialogue.messages import Button, Final, IncomingMessage, QuickReplies, ReplyEvent
from dialogue.ordering.cart import Cart, load_cart
from dialogue.session import SessionStore
from storage.kv import KeyValueStore


@dataclass(frozen=True, slots=True)
class Say:
    text: str
    cart: tuple[str, ...]
    total: int
    says: str | None = None
    """A phrase the reply must contain."""


@dataclass(frozen=True, slots=True)
class Press:
    """Press the button of the last reply whose label contains ``label``."""

    label: str
    cart: tuple[str, ...]
    total: int
    says: str | None = None


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
    return load_cart(session.slots)


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

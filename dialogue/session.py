"""Session memory: the last turns and the slots a conversation has gathered, kept in the key-value store."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from storage.kv import KeyValueStore

logger = logging.getLogger(__name__)

SESSION_TTL_S = 24 * 3600
MAX_TURNS = 10


@dataclass(slots=True)
class Turn:
    role: str
    """user or bot."""
    text: str
    intent: str | None = None


@dataclass(slots=True)
class OrderState:
    """A conversation's order: the cart, the shop it orders from, the order last placed. It lasts as long as the
    session (24 h after the last message), never dropped with idle slots: a cart waits for the child."""

    cart: dict[str, Any] | None = None
    """The cart as ``dialogue.ordering.cart.Cart.to_slot`` wrote it; None when empty."""
    shop_id: int | None = None
    last_order_id: int | None = None


@dataclass(slots=True)
class Session:
    """What one conversation remembers between messages (JSON in the store, 24 h after the last message)."""

    key: str
    user_id: int | None = None
    turns: list[Turn] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    """budget, food, food_category, location, party_size, dietary, spot ... carried across turns, dropped after
    ``dialogue.slots.SLOT_IDLE_S`` without a message (a lunch budget is not a dinner budget)."""
    slots_at: float = 0.0
    """When the slots were last written (epoch seconds)."""
    order: OrderState = field(default_factory=OrderState)
    last_shops: list[int] = field(default_factory=list)
    """Shops shown in the last recommendation, best first."""
    focus_shop: int | None = None
    """The shop of the last list the child picked or asked about by name: "거기" means it. With none and several
    shown, "거기" is asked about (``dialogue.handlers.shown.which_shop``)."""
    last_items: list[int] = field(default_factory=list)
    last_prices: list[int] = field(default_factory=list)
    """The prices shown last, for "더 싼 거"."""
    faq_entry: str | None = None
    """The FAQ entry answered last: the topic a follow-up ("그건 얼마나 걸려?") continues."""
    onboarding: str | None = None
    """The onboarding question awaiting an answer (area, restrictions, likes), or None."""
    unsure: dict[str, Any] | None = None
    """A message kkini asked about ("메뉴를 추천해 드릴까요, 아니면 …?"), kept until a button says what it meant
    (``dialogue.handlers.clarify``)."""

    def expire_slots(self, now: float, idle_s: float) -> None:
        """Drop the slots, the last list's prices and the FAQ topic when the conversation was idle longer than
        ``idle_s``; the order stays."""
        if self.turns and now - self.slots_at > idle_s:
            self.slots = {}
            self.last_prices = []
            self.faq_entry = None

    def user_texts(self) -> list[str]:
        return [turn.text for turn in self.turns if turn.role == "user"]

    def add(self, role: str, text: str, intent: str | None = None) -> None:
        self.turns.append(Turn(role, text, intent))
        del self.turns[:-MAX_TURNS]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, key: str, text: str) -> Session:
        data = json.loads(text)
        slots = dict(data.get("slots", {}))
        order = data.get("order") or {}
        # Sessions written before the state was typed kept all of it in the slots.
        legacy_order = {"cart": slots.pop("cart", None), "shop_id": slots.pop("order_shop", None)}
        legacy_order["last_order_id"] = slots.pop("last_order", None)
        return cls(
            key=key,
            user_id=data.get("user_id"),
            turns=[Turn(**turn) for turn in data.get("turns", [])],
            slots=slots,
            slots_at=float(data.get("slots_at", slots.pop("_at", 0.0))),
            order=OrderState(**{name: order.get(name, value) for name, value in legacy_order.items()}),
            last_shops=list(data.get("last_shops", [])),
            focus_shop=data.get("focus_shop"),
            last_items=list(data.get("last_items", [])),
            last_prices=list(data.get("last_prices", slots.pop("last_prices", []))),
            faq_entry=data.get("faq_entry", slots.pop("faq_entry", None)),
            onboarding=data.get("onboarding"),
            unsure=data.get("unsure"),
        )


class SessionStore:
    def __init__(self, kv: KeyValueStore, ttl_s: float = SESSION_TTL_S) -> None:
        self.kv = kv
        self.ttl_s = ttl_s

    @staticmethod
    def key_for(channel: str, user: str, assistant: str = "meal") -> str:
        return f"session:{assistant}:{channel}:{user}"

    async def load(self, key: str) -> Session:
        text = await self.kv.get(key)
        if text is None:
            return Session(key=key)
        try:
            return Session.from_json(key, text)
        except (ValueError, TypeError, KeyError) as error:
            # A session written by an older version, or damaged: start afresh rather than fail the turn.
            logger.warning("session %s unreadable, starting a new one: %r", key, error)
            return Session(key=key)

    async def save(self, session: Session) -> None:
        await self.kv.set(session.key, session.to_json(), ttl=self.ttl_s)

    async def clear(self, key: str) -> None:
        await self.kv.delete(key)

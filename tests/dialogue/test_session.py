"""The session's typed state: what expires with idle slots, what lasts, and sessions written before it was typed."""

from __future__ import annotations

import json

from dialogue.session import OrderState, Session, Turn
from dialogue.slots import SLOT_IDLE_S


def test_idle_slots_expire_but_the_cart_waits() -> None:
    session = Session("s", turns=[Turn("user", "5천원으로 뭐 먹지?")], slots={"budget": 5000}, slots_at=1000.0)
    session.order = OrderState(cart={"lines": []}, shop_id=7, last_order_id=3)
    session.faq_entry, session.last_prices = "card-lost", [4500]
    session.expire_slots(1000.0 + SLOT_IDLE_S - 1, SLOT_IDLE_S)
    assert session.slots == {"budget": 5000}  # not idle long enough
    session.expire_slots(1000.0 + SLOT_IDLE_S + 1, SLOT_IDLE_S)
    assert session.slots == {} and session.last_prices == [] and session.faq_entry is None
    assert session.order == OrderState(cart={"lines": []}, shop_id=7, last_order_id=3)


def test_the_state_round_trips_through_json() -> None:
    session = Session("s", user_id=4, slots={"food": "떡볶이"}, slots_at=12.5, last_prices=[3000], faq_entry="e1")
    session.order = OrderState(cart={"lines": [], "shop_id": 2}, shop_id=2)
    assert Session.from_json("s", session.to_json()) == session


def test_a_session_written_before_the_state_was_typed_keeps_its_cart() -> None:
    legacy = {
        "user_id": 4,
        "turns": [{"role": "user", "text": "불고기버거 세트", "intent": "order_add"}],
        "slots": {"budget": 5000, "_at": 99.0, "cart": {"lines": []}, "order_shop": 2, "last_order": 8},
        "last_shops": [1],
    }
    session = Session.from_json("s", json.dumps(legacy))
    assert session.slots == {"budget": 5000} and session.slots_at == 99.0
    assert session.order == OrderState(cart={"lines": []}, shop_id=2, last_order_id=8)

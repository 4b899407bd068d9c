"""When a cart costs more than the card can pay today: what to change so that it fits.

Each swap is one change the user can make with one button (undo an option, a set as a single, one fewer, drop a
line), with what it saves. Swaps that alone make the cart fit come first, smallest saving first (they keep most
of what the user chose); when none does, the biggest savings are offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogue.korean import won
from dialogue.messages import Button
from dialogue.ordering.cart import Cart
from dialogue.ordering.catalogue import ShopMenu
from dialogue.ordering.changes import switch_difference, switch_target
from storage.models import MenuKind

MAX_SWAPS = 3


@dataclass(frozen=True, slots=True)
class Swap:
    text: str
    """What the change is, for the reply ("양념감자 (어니언) → 원래대로")."""
    saving: int
    button: Button


def swaps(cart: Cart, menu: ShopMenu | None, over: int) -> list[Swap]:
    """Changes that bring the cart's total down, best first, for a cart ``over`` won above what can be paid."""
    found: list[Swap] = []
    for line in cart.lines:
        for change in line.changes:
            if change.delta > 0:
                found.append(
                    Swap(
                        f"{change.to_name} 대신 {change.from_name}",
                        change.delta * line.quantity,
                        Button(f"{change.to_name.split(' (')[0]} 원래대로", f"{change.to_name} 원래대로 해줘"),
                    )
                )
        if menu is not None and line.kind == MenuKind.SET:
            # What "단품으로 바꿔줘" does, at the price the switch itself gives (`cart_rules`).
            main = switch_target(menu, line, single=True)
            if main is not None:
                saving = -switch_difference(line, main, single=True) * line.quantity
                if saving > 0:
                    found.append(
                        Swap(
                            f"{line.name} 대신 {main.name} 단품",
                            saving,
                            Button(f"{main.name} 단품으로", f"{line.name} 단품으로 바꿔줘"),
                        )
                    )
        if line.quantity > 1:
            found.append(
                Swap(
                    f"{line.name} 하나 빼기",
                    line.unit_price,
                    Button(f"{line.name} 하나 빼기", f"{line.name} 하나 빼줘"),
                )
            )
        if len(cart.lines) > 1:
            found.append(Swap(f"{line.name} 빼기", line.total, Button(f"{line.name} 빼기", f"{line.name} 빼줘")))
    enough = sorted((swap for swap in found if swap.saving >= over), key=lambda swap: swap.saving)
    if enough:
        return enough[:MAX_SWAPS]
    return sorted(found, key=lambda swap: -swap.saving)[:MAX_SWAPS]


def swap_lines(options: list[Swap]) -> str:
    return "\n".join(f"• {swap.text} (-{won(swap.saving)})" for swap in options)

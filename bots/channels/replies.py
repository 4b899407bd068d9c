"""What every channel does with the engine's events: gather them into one reply, split long text, and the few
sentences the channels themselves say (busy, rate limited, not ready)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from dialogue.messages import Button, Card, Cards, Final, QuickReplies, ReplyEvent, Text

RATE_LIMITED = "메시지가 너무 빨리 오고 있어요. 잠시 쉬었다가 다시 보내 주세요."
NOT_READY = "끼니가 아직 준비 중이에요. 잠시 후 다시 말씀해 주세요."
NOT_INSTALLED = {
    "seller": "스마트 스토어 판매자 FAQ가 이 끼니 서버에 아직 설치되지 않았어요. 운영자가 FAQ를 설치하면 답해 드릴게요.",
}
"""What an assistant whose data is not on this server answers, instead of answering (never "try again later")."""
ASSISTANT_BROKEN = "이 도우미를 지금 쓸 수 없어요. 끼니를 운영하는 분께 알려 주세요."
SORRY = "앗, 답을 만드는 중에 문제가 생겼어요. 잠시 후 다시 말씀해 주세요."
TOO_SLOW = "답이 늦어지고 있어요. 잠시 후 다시 말씀해 주세요."
WORKING = "답을 준비하고 있어요. 잠시만 기다려 주세요!"
EMPTY_MESSAGE = "글자로 보내 주시면 답해 드릴게요."


@dataclass(slots=True)
class Gathered:
    """A whole turn's reply: its text, the cards and quick replies it offers, and the final event."""

    text: str = ""
    cards: list[Card] = field(default_factory=list)
    quick_replies: list[Button] = field(default_factory=list)
    final: Final | None = None

    def add(self, event: ReplyEvent) -> None:
        if isinstance(event, Text):
            self.text = f"{self.text}\n\n{event.text}" if self.text else event.text
        elif isinstance(event, Cards):
            self.cards.extend(event.cards)
        elif isinstance(event, QuickReplies):
            self.quick_replies.extend(event.buttons)
        elif isinstance(event, Final):
            self.final = event
            if not self.text:
                self.text = event.text

    @property
    def buttons(self) -> list[Button]:
        """Every button offered: the cards' buttons first, then the quick replies."""
        return [button for card in self.cards for button in card.buttons] + self.quick_replies


async def gather(events: AsyncIterator[ReplyEvent]) -> Gathered:
    gathered = Gathered()
    async for event in events:
        gathered.add(event)
    return gathered


def split_text(text: str, limit: int) -> list[str]:
    """The text in pieces of at most ``limit`` characters, broken at a blank line, a line end or a space when one
    lies in the second half of a piece, so no word is cut unless a single word is longer than the limit."""
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            found = window.rfind(separator, limit // 2)
            if found > 0:
                cut = found
                break
        if cut <= 0:
            pieces.append(window)
            rest = rest[limit:]
        else:
            pieces.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def shorten(text: str, limit: int) -> str:
    """The text cut to ``limit`` characters, ending in an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

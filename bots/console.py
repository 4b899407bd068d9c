"""The console channel: ``kkini chat`` renders reply events as text and reads the user's lines.

Typing the number of a button shown in the last reply presses it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TextIO

from dialogue.messages import Button, Cards, IncomingMessage, QuickReplies, ReplyEvent, Text

CHANNEL = "console"


class Engine(Protocol):
    def handle(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]: ...


@dataclass(slots=True)
class ConsoleConversation:
    """One console user talking to the engine; remembers the buttons of the last reply."""

    engine: Engine
    user: str
    assistant: str = "meal"
    buttons: list[Button] = field(default_factory=list)

    def button_for(self, line: str) -> Button | None:
        """The button a typed number presses, if the line is one."""
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            return self.buttons[int(text) - 1]
        return None

    def incoming(self, line: str, at: datetime | None = None) -> IncomingMessage:
        button = self.button_for(line)
        if button is not None:
            return IncomingMessage(
                CHANNEL, self.user, text=button.label, payload=button.payload, received_at=at, assistant=self.assistant
            )
        return IncomingMessage(CHANNEL, self.user, text=line, received_at=at, assistant=self.assistant)

    async def reply_to(self, line: str, at: datetime | None = None) -> str:
        """The reply block to one line; ``at`` fixes the time the message arrived (demos, tests)."""
        events = [event async for event in self.engine.handle(self.incoming(line, at))]
        block, self.buttons = render(events)
        return block


def render(events: Iterable[ReplyEvent]) -> tuple[str, list[Button]]:
    """The reply as console text, and the buttons it offers, numbered in the order shown."""
    lines: list[str] = []
    buttons: list[Button] = []
    for event in events:
        if isinstance(event, Text):
            lines.append(event.text)
        elif isinstance(event, Cards):
            # The text already lists what the cards show; the console only needs their buttons.
            labels = []
            for card in event.cards:
                for button in card.buttons:
                    buttons.append(button)
                    labels.append(f"[{len(buttons)}] {card.title}: {button.label}")
            lines.append("  " + "\n  ".join(labels))
        elif isinstance(event, QuickReplies):
            labels = []
            for button in event.buttons:
                buttons.append(button)
                labels.append(f"[{len(buttons)}] {button.label}")
            lines.append("  " + "  ".join(labels))
    return "\n".join(lines), buttons


async def run(conversation: ConsoleConversation, lines: Iterable[str], out: TextIO, *, prompt: bool) -> int:
    """Answer each line; a block per line, separated by a blank line. Returns the number of turns."""
    turns = 0
    for line in lines:
        if not line.strip() and not prompt:
            continue
        block = await conversation.reply_to(line)
        turns += 1
        out.write(block + "\n\n")
        out.flush()
    return turns


def prompt_lines(stream: TextIO, prompt: str, out: TextIO) -> Iterable[str]:
    """Lines typed at a terminal, with a prompt; ends at EOF or when the user types /quit."""
    while True:
        out.write(prompt)
        out.flush()
        line = stream.readline()
        if not line or line.strip() in {"/quit", "/exit"}:
            return
        yield line.rstrip("\n")

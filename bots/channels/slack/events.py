"""Events API listeners: a mention in a channel, or a direct message, is answered by the ``seller`` assistant in a
thread (`bots.channels.slack.stream.ThreadStream`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bots.channels.middleware import Turns
from bots.channels.replies import Gathered
from bots.channels.slack.stream import ThreadStream
from dialogue.messages import IncomingMessage, TextDelta
from storage.models import utcnow

CHANNEL = "slack"
MENTION = re.compile(r"<@[A-Z0-9]+>\s*")


def seller_message(envelope: Mapping[str, Any]) -> IncomingMessage | None:
    """The question an Events API envelope asks (its event a mention or a person's direct message), for the
    ``seller`` assistant; None when the event is nothing to answer."""
    event = envelope.get("event")
    if not isinstance(event, Mapping):
        return None
    user, channel = event.get("user"), event.get("channel")
    if not isinstance(user, str) or not isinstance(channel, str):
        return None
    if event.get("type") == "message" and (
        # Only direct messages from people: channel messages arrive as app_mention, bots and edits are ignored.
        event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype")
    ):
        return None
    text = MENTION.sub("", str(event.get("text") or "")).strip()
    thread_ts = str(event.get("thread_ts") or event.get("ts") or "")
    return IncomingMessage(
        CHANNEL,
        user,
        text=text,
        conversation=f"{channel}:{thread_ts}",
        delivery_id=envelope.get("event_id"),
        received_at=utcnow(),
        assistant="seller",
    )


class SellerThreads:
    """Answers mentions and direct messages in their thread."""

    def __init__(self, client: AsyncWebClient, turns: Turns) -> None:
        self.client = client
        self.turns = turns

    async def on_mention(self, body: dict[str, Any]) -> None:
        await self.answer(body)

    async def on_message(self, body: dict[str, Any]) -> None:
        await self.answer(body)

    async def answer(self, envelope: Mapping[str, Any]) -> None:
        message = seller_message(envelope)
        if message is None:
            return
        channel, _, thread_ts = (message.conversation or "").partition(":")
        gate = self.turns.inbox.gate(CHANNEL, message.delivery_id)
        team = str(envelope.get("team_id") or "")
        stream = ThreadStream(self.client, channel, thread_ts, message.user, team, gate)
        gathered = Gathered()
        async for reply_event in self.turns.events(message):
            if isinstance(reply_event, TextDelta):
                await stream.push(reply_event.text)
            else:
                gathered.add(reply_event)
        if gathered.final is not None and await gate.opens():
            with self.turns.metrics.timed(CHANNEL, "send"):
                await stream.finish(gathered)
            await gate.delivered()

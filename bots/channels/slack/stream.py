"""A seller answer in a Slack thread: streamed with chat.startStream / appendStream / stopStream, or posted and
updated with chat.update where streaming is refused."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.channels.replies import Gathered
from bots.channels.slack.rendering import follow_ups, section
from bots.channels.slack.text import escape, escaped_pieces
from bots.inbox import ReplyGate

logger = logging.getLogger(__name__)

MAX_TEXT = 3000
STREAM_BUFFER = 120
"""Characters gathered before one appendStream call (fewer calls, same text)."""


class ThreadStream:
    """An answer in a thread: chat.startStream / appendStream / stopStream, or chat.postMessage + chat.update."""

    def __init__(
        self, client: AsyncWebClient, channel: str, thread_ts: str, user: str, team: str, gate: ReplyGate
    ) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.user = user
        self.team = team
        self.gate = gate
        self.pending = ""
        self.ts: str | None = None
        self.streaming = True

    async def push(self, delta: str) -> None:
        self.pending += escape(delta)  # model text: no <!channel> may reach Slack as a control sequence
        if len(self.pending) < STREAM_BUFFER or not self.streaming:
            return
        if not await self.gate.opens():
            self.streaming = False  # an earlier attempt at this event answered it
            return
        await self._flush()

    async def _flush(self) -> None:
        text, self.pending = self.pending, ""
        try:
            if self.ts is None:
                started = await self.client.chat_startStream(
                    channel=self.channel,
                    thread_ts=self.thread_ts,
                    markdown_text=text,
                    recipient_user_id=self.user,
                    recipient_team_id=self.team or None,
                )
                self.ts = str(started["ts"])
            else:
                await self.client.chat_appendStream(channel=self.channel, ts=self.ts, markdown_text=text)
        except SlackApiError as error:
            logger.info("slack: streaming refused (%s); posting instead", error.response.get("error"))
            self.streaming = False
            self.pending = text + self.pending
            if self.ts is not None:
                await self._stop()  # a message still streaming cannot be updated: end the stream first

    async def _stop(self) -> None:
        assert self.ts is not None
        try:
            await self.client.chat_stopStream(channel=self.channel, ts=self.ts)
        except SlackApiError as error:
            logger.info("slack: stopping the refused stream failed (%s)", error.response.get("error"))

    async def finish(self, gathered: Gathered) -> None:
        if self.streaming and self.ts is not None:
            # The stream already shows what was appended; the rest goes with the stop.
            try:
                await self.client.chat_stopStream(
                    channel=self.channel, ts=self.ts, markdown_text=self.pending or None, blocks=follow_ups(gathered)
                )
                return
            except SlackApiError as error:
                logger.info("slack: stopping the stream failed (%s); updating instead", error.response.get("error"))
        pieces = escaped_pieces(gathered.text, MAX_TEXT)
        try:
            if self.ts is not None:
                await self.client.chat_update(channel=self.channel, ts=self.ts, text=pieces[0])
                pieces = pieces[1:]
            for index, piece in enumerate(pieces):
                blocks = section(piece) + (follow_ups(gathered) or []) if index == len(pieces) - 1 else None
                await self.client.chat_postMessage(
                    channel=self.channel, thread_ts=self.thread_ts, text=piece, blocks=blocks
                )
        except SlackApiError as error:
            logger.warning("slack: answering in %s failed: %s", self.channel, error.response.get("error"))

"""Text for Slack: what a model or a user wrote, escaped for mrkdwn and cut to Block Kit's limits.

Slack reads ``<...>`` in mrkdwn as a control sequence (``<!channel>`` pings everyone in the channel, ``<@U123>``
mentions, ``<https://...|label>`` links), so a model's answer or a customer's words are escaped as Slack asks:
``&`` to ``&amp;``, ``<`` to ``&lt;``, ``>`` to ``&gt;`` (and nothing else). The same escaped text is safe in a chat
stream's ``markdown_text``, where the entities read as the characters again.
"""

from __future__ import annotations

from bots.channels.replies import split_text

SECTION_TEXT_MAX = 3000
"""Characters a section block's text (and one message's text) may have."""


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_pieces(text: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """``text`` escaped, in pieces of at most ``limit`` characters after escaping (split where `split_text` does)."""
    out: list[str] = []
    for piece in split_text(text, limit):
        size = max(1, len(piece))
        while True:  # escaping lengthens the text: split the raw piece finer until every escaped part fits
            parts = [escape(part) for part in split_text(piece, size)]
            if size == 1 or all(len(part) <= limit for part in parts):
                break
            size = max(1, size * 9 // 10)
        out.extend(part[:limit] for part in parts)
    return out or [""]


def section_text(text: str) -> str:
    """``text`` escaped and cut to one section's 3,000 characters."""
    return escaped_pieces(text)[0]

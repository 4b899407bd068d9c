"""The turn a piece of work belongs to, carried in a context variable so every log line can name it.

The engine sets it when a turn starts; each request and background task runs in its own copy of the context, so
one turn's id never shows up on another's lines.
"""

from __future__ import annotations

from contextvars import ContextVar

current_turn_id: ContextVar[str | None] = ContextVar("kkini_turn_id", default=None)

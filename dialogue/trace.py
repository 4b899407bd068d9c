"""The turn a piece of work belongs to, carried in a context variable so every log line can name it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

current_turn_id: ContextVar[str | None] = ContextVar("kkini_turn_id", default=None)


@contextmanager
def turn_scope(turn_id: str) -> Iterator[None]:
    """Within the block, ``current_turn_id`` is ``turn_id``; tasks started inside inherit it."""
    token = current_turn_id.set(turn_id)
    try:
        yield
    finally:
        current_turn_id.reset(token)

"""What every route does with a request body before its handler sees it: a size limit and a JSON nesting limit.

A body over ``client_max_size`` (the channels' ``max_body_bytes``) is 413; a JSON body, or the JSON ``payload``
field of a form (Slack's interactivity), nested deeper than `MAX_JSON_DEPTH` is 400. Either is one log line and a
short JSON reason, never a traceback: JSON nested thousands deep otherwise reaches parsers and handlers that recurse
(a RecursionError on every route). A RecursionError a handler still raises is answered the same way.

`read_bounded` is the one way a route reads its body: the middleware reads it through it first, and a channel
adapter's call returns the same bytes (aiohttp keeps what it read), so the limits hold whoever reads first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from aiohttp import web

logger = logging.getLogger(__name__)

MAX_JSON_DEPTH = 64
"""Deeper than any payload a platform sends (Slack's blocks are the deepest, under 15)."""
_TOKENS = re.compile(rb'[\[\]{}"\\]')

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text opens more than ``limit`` arrays or objects inside each other (strings skipped)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # cannot be deeper than the number of brackets it holds
    depth = 0
    in_string = False
    escaped_at = -1  # the position of the byte a backslash escapes
    for token in _TOKENS.finditer(raw):
        position, char = token.start(), token.group()
        if in_string:
            if position == escaped_at:
                continue
            if char == b"\\":
                escaped_at = position + 1
            elif char == b'"':
                in_string = False
            continue
        if char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif char in (b"]", b"}"):
            depth -= 1
    return False


def bad_request(code: str, message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


class BodyRefused(ValueError):
    """A body `read_bounded` will not hand over; ``code`` is machine-readable, the message is for the sender."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.status = status

    def response(self) -> web.Response:
        return bad_request(self.code, str(self), self.status)


async def read_bounded(request: web.Request, *, max_depth: int = MAX_JSON_DEPTH) -> bytes:
    """The request's body, within the application's ``client_max_size`` (the channels' ``max_body_bytes``) and, for
    JSON (or a form's JSON fields), ``max_depth`` levels of nesting. Raises `BodyRefused` (413 or 400) otherwise,
    after one log line. Reading twice costs nothing: aiohttp keeps the bytes it read."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        logger.info("%s %s: body over the size limit refused", request.method, request.path)
        raise BodyRefused("too_large", "요청 본문이 너무 커요.", 413) from None
    if _too_deep(request, raw, max_depth):
        logger.info("%s %s: JSON nested deeper than %d refused", request.method, request.path, max_depth)
        raise BodyRefused("too_deep", "요청 본문의 JSON이 너무 깊게 중첩되어 있어요.", 400)
    return raw


@web.middleware
async def body_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in ("POST", "PUT", "PATCH") and request.can_read_body:
        try:
            await read_bounded(request)
        except BodyRefused as refused:
            return refused.response()
    try:
        return await handler(request)
    except RecursionError:
        logger.warning("%s %s: the body recursed too deep to handle; refused", request.method, request.path)
        return bad_request("too_deep", "요청 본문을 처리할 수 없어요.")


def _too_deep(request: web.Request, raw: bytes, limit: int) -> bool:
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            fields = parse_qs(raw.decode("utf-8"), max_num_fields=1000)
        except (UnicodeDecodeError, ValueError):
            return False  # the handler says what is wrong with it
        return any(json_too_deep(value.encode("utf-8"), limit) for values in fields.values() for value in values)
    return json_too_deep(raw, limit)

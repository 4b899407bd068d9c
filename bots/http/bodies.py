"""What every route does with a request body before its handler sees it: a size limit and a JSON nesting limit.

A body over ``client_max_size`` (the channels' ``max_body_bytes``) is 413; a JSON body, or the JSON ``payload``
field of a form (Slack's interactivity), nested deeper than `MAX_JSON_DEPTH` is 400. Either is one log line and a
short JSON reason, never a traceback: JSON nested thousands deep otherwise reaches parsers and handlers that recurse
(a RecursionError on every route). A RecursionError a handler still raises is answered the same way. The body stays
readable by the handler (``await request.read()`` returns what was read here).
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


@web.middleware
async def body_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in ("POST", "PUT", "PATCH") and request.can_read_body:
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            logger.info("%s %s: body over the size limit refused", request.method, request.path)
            return bad_request("too_large", "요청 본문이 너무 커요.", status=413)
        if _too_deep(request, raw):
            logger.info("%s %s: JSON nested deeper than %d refused", request.method, request.path, MAX_JSON_DEPTH)
            return bad_request("too_deep", "요청 본문의 JSON이 너무 깊게 중첩되어 있어요.")
    try:
        return await handler(request)
    except RecursionError:
        logger.warning("%s %s: the body recursed too deep to handle; refused", request.method, request.path)
        return bad_request("too_deep", "요청 본문을 처리할 수 없어요.")


def _too_deep(request: web.Request, raw: bytes) -> bool:
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            fields = parse_qs(raw.decode("utf-8"), max_num_fields=1000)
        except (UnicodeDecodeError, ValueError):
            return False  # the handler says what is wrong with it
        return any(json_too_deep(value.encode("utf-8")) for values in fields.values() for value in values)
    return json_too_deep(raw)

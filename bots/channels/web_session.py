"""Who a web chat visitor is: a session id the server issued, in a signed cookie, never a name the client sends.

On first contact the server makes a random id (128 bits) and sets ``kkini_web=<id>.<signature>`` (HttpOnly,
SameSite=Lax, Secure when the page came over HTTPS, a year long). The signature is an HMAC-SHA256 of the id under a
key that is generated once into the data dir (or set as ``KKINI_WEB__SECRET``), so sessions survive restarts and
every replica with the same key accepts them. A cookie whose signature does not match is ignored and a new session
begins: nobody reads or changes another visitor's cart or profile by naming them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from aiohttp import web

COOKIE = "kkini_web"
MAX_AGE_S = 365 * 24 * 3600
USER_PREFIX = "web-"
_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass(frozen=True, slots=True)
class WebSession:
    user: str
    """The kkini channel user id (``web-<id>``)."""
    cookie: str | None = None
    """The cookie value to set, for a session begun by this request."""


class WebSessions:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _sign(self, session_id: str) -> str:
        digest = hmac.new(self._key, f"kkini-web-session:{session_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")

    def of(self, request: web.Request) -> WebSession:
        """The request's session, or a new one (with the cookie to set) when it has none or a forged one."""
        value = request.cookies.get(COOKIE, "")
        session_id, _, signature = value.partition(".")
        if _ID.match(session_id) and hmac.compare_digest(signature.encode(), self._sign(session_id).encode()):
            return WebSession(USER_PREFIX + session_id)
        session_id = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
        return WebSession(USER_PREFIX + session_id, f"{session_id}.{self._sign(session_id)}")

    @staticmethod
    def remember(request: web.Request, response: web.StreamResponse, session: WebSession) -> None:
        """Set the cookie of a session this request began (before the response is prepared)."""
        if session.cookie is None:
            return
        secure = request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
        response.set_cookie(
            COOKIE, session.cookie, max_age=MAX_AGE_S, httponly=True, samesite="Lax", secure=secure, path="/"
        )

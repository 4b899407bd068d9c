"""The connection pool of the OpenAI and Anthropic SDKs (both are httpx2 clients underneath).

The SDKs keep at most 100 idle connections per client and close the rest as soon as their requests finish. A replica
that makes more model calls than that at once therefore reconnects (TCP, and TLS against the real APIs) for every call
beyond the hundredth in each burst; under load those connects wait behind the event loop's other work and run into the
connect timeout. `pool_limits` keeps as many connections alive as the router is configured to use at once.
"""

from __future__ import annotations

import httpx2

MAX_CONNECTIONS = 1000
"""The SDKs' own ceiling on open connections per client, kept: beyond it a request waits for a free connection."""
KEEPALIVE_EXPIRY_S = 5.0
"""The SDKs' own idle lifetime of a kept connection (the vendors close idle connections on their side too)."""


def pool_limits(keepalive_connections: int) -> httpx2.Limits:
    """Keep ``keepalive_connections`` idle connections for the next requests, under the SDKs' usual ceiling."""
    return httpx2.Limits(
        max_connections=max(MAX_CONNECTIONS, keepalive_connections),
        max_keepalive_connections=keepalive_connections,
        keepalive_expiry=KEEPALIVE_EXPIRY_S,
    )

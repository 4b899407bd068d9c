"""A local fake of OpenAI's embeddings endpoint, speaking its wire protocol, for the real ``openai`` SDK.

``POST /v1/embeddings`` with ``{"model", "input": [..], "encoding_format"}`` answers ``{"object": "list", "data":
[{"object": "embedding", "embedding": [...], "index": i}], "model", "usage"}``. Vectors are a deterministic
function of each input; ``data`` comes back in reverse order (the API does not promise order; ``index`` does).
Every request is recorded; ``fail_next`` makes the next requests answer an error status.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def fake_vector(text: str, dimension: int) -> list[float]:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [(digest[i % len(digest)] - 127.5) / 127.5 for i in range(dimension)]


@dataclass
class FakeOpenAI:
    dimension: int = 12
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    """Status codes to answer, one per coming request, before answering normally again."""
    base_url: str = ""

    def answer(self, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append({"headers": headers, "body": body})
        if self.fail_next:
            status = self.fail_next.pop(0)
            return status, {"error": {"message": "fake failure", "type": "server_error", "code": None}}
        if headers.get("authorization") != "Bearer sk-test":
            return 401, {
                "error": {"message": "Incorrect API key", "type": "invalid_request_error", "code": "invalid_api_key"}
            }
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "embedding": fake_vector(text, self.dimension), "index": i}
            for i, text in enumerate(inputs)
        ]
        tokens = sum(len(text) for text in inputs)
        return 200, {
            "object": "list",
            "data": list(reversed(data)),
            "model": body["model"],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }


@contextmanager
def running_fake_openai(dimension: int = 12) -> Iterator[FakeOpenAI]:
    """The fake on a random free loopback port, in a thread; ``base_url`` ends in /v1 like the real one."""
    fake = FakeOpenAI(dimension=dimension)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path != "/v1/embeddings":
                status, payload = 404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}}
            else:
                status, payload = fake.answer({k.lower(): v for k, v in self.headers.items()}, body)
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

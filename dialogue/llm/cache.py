"""Identical requests answered from the key-value store instead of a model.

A request is normalised before it is hashed: Unicode NFC, runs of whitespace as one space, tool-call ids renumbered
in order (each vendor makes up its own), and vendor extras dropped. Only final text answers are kept: a round that
asks for tools must reach a model again, because what the tools return differs from user to user, and the next
round's request (which carries those results) is what may then hit the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

from dialogue.llm.types import AssistantMessage, ChatRequest, ToolResultMessage, UserMessage
from storage.kv import KeyValueStore

logger = logging.getLogger(__name__)

VERSION = 1
"""Part of every key: bump it when the normalisation or the stored shape changes."""


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    text: str
    provider: str
    model: str


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cache_key(request: ChatRequest) -> str:
    ids: dict[str, str] = {}

    def call_id(original: str) -> str:
        return ids.setdefault(original, f"c{len(ids) + 1}")

    messages: list[Any] = []
    for message in request.messages:
        if isinstance(message, UserMessage):
            messages.append(["u", _norm(message.text)])
        elif isinstance(message, AssistantMessage):
            calls = [[call_id(c.id), c.name, _canonical_json(c.arguments)] for c in message.tool_calls]
            messages.append(["a", _norm(message.text), calls])
        elif isinstance(message, ToolResultMessage):
            messages.append(
                ["t", call_id(message.call_id), message.name, _canonical_json(message.content), message.is_error]
            )
    body = {
        "v": VERSION,
        "system": _norm(request.system),
        "messages": messages,
        "tools": [[t.name, _norm(t.description), t.parameters] for t in request.tools],
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "tool_choice": request.tool_choice,
    }
    digest = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return f"llm:cache:{digest}"


def _canonical_json(text: str) -> str:
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)
    except ValueError:
        return _norm(text)


class ResponseCache:
    def __init__(self, kv: KeyValueStore, ttl_s: float) -> None:
        self.kv = kv
        self.ttl_s = ttl_s

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0

    async def get(self, request: ChatRequest) -> CachedAnswer | None:
        if not self.enabled:
            return None
        raw = await self.kv.get(cache_key(request))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return CachedAnswer(str(data["text"]), str(data["provider"]), str(data["model"]))
        except (ValueError, KeyError, TypeError):
            logger.warning("unreadable cache entry for a model request; asking a model instead")
            return None

    async def put(self, request: ChatRequest, answer: CachedAnswer) -> None:
        if not self.enabled or not answer.text.strip():
            return
        value = json.dumps(
            {"text": answer.text, "provider": answer.provider, "model": answer.model}, ensure_ascii=False
        )
        await self.kv.set(cache_key(request), value, ttl=self.ttl_s)

"""Liveness and readiness: ``/healthz`` says the process answers, ``/readyz`` that its dependencies do (the
database, the key-value store, the knowledge index) and which assistants answer yet."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bots.channels.dialogue import DialogueSlot
from knowledge.corpus.meal_faq import MEAL_COLLECTION
from knowledge.index.store import ChromaStore, connect
from knowledge.settings import KnowledgeSettings
from storage.database import Database
from storage.kv import KeyValueStore

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 2.0


class KnowledgeProbe:
    """Whether the knowledge store answers and holds the meal FAQ collection (the seller's is built on demand)."""

    def __init__(self, settings: KnowledgeSettings, data_dir: Path) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self._store: ChromaStore | None = None

    def __call__(self) -> None:
        if self._store is None:
            self._store = ChromaStore(connect(self.settings, self.data_dir))
        if self._store.metadata(MEAL_COLLECTION) is None:
            raise LookupError(f"the {MEAL_COLLECTION} FAQ collection is missing")


class HealthRoutes:
    def __init__(
        self,
        db: Database,
        kv: KeyValueStore,
        dialogue: DialogueSlot | None = None,
        knowledge: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.kv = kv
        self.dialogue = dialogue
        self.knowledge = knowledge

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_get("/healthz", self.healthz)
        router.add_get("/readyz", self.readyz)

    async def healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(self, _request: web.Request) -> web.Response:
        checks = {
            "database": await self._timed(self._check_database()),
            "kv": await self._timed(self._check_kv()),
        }
        if self.dialogue is not None:
            # Ready once the meal assistant answers; ``loading`` names assistants still being built (seller).
            checks["dialogue"] = self.dialogue.status()
            if self.knowledge is not None and checks["dialogue"]["ok"]:
                # Only once an assistant has opened the index: before that, it may still be being built.
                checks["knowledge"] = await self._timed(asyncio.to_thread(self.knowledge))
        ready = all(check["ok"] for check in checks.values())
        return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)

    async def _check_database(self) -> None:
        async with self.db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def _check_kv(self) -> None:
        key = f"readyz:{uuid.uuid4().hex}"
        await self.kv.set(key, "1", ttl=10)
        if await self.kv.get(key) != "1":
            raise RuntimeError("value written was not read back")
        await self.kv.delete(key)

    async def _timed(self, check: Coroutine[Any, Any, None]) -> dict[str, object]:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(check, CHECK_TIMEOUT_S)
        except Exception as error:
            logger.warning("readiness check failed: %r", error)
            return {"ok": False, "error": type(error).__name__, "ms": _ms_since(started)}
        return {"ok": True, "ms": _ms_since(started)}


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)

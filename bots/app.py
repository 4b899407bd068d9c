"""The composition root: the one place that knows every package and builds kkini from its settings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from aiohttp import web
from kiwipiepy import Kiwi

from bots.channels.dialogue import ASSISTANTS, AssistantState, DialogueSlot
from bots.channels.mount import mount_channels
from bots.http.bodies import body_guard
from bots.http.health import HealthRoutes, KnowledgeProbe
from bots.http.metrics import Metrics
from bots.settings import Settings
from dialogue.assistants import MealParts, meal_assistant, meal_tools, seller_assistant, seller_tools
from dialogue.engine import DialogueEngine
from dialogue.faq import FaqAnswers, FaqSource
from dialogue.handlers.order import OrderHandler
from dialogue.llm.factory import ProviderSettings, build_router
from dialogue.llm.prompts import MEAL_SYSTEM, SELLER_SYSTEM
from dialogue.llm.responder import AssistantModel, ModelResponder
from dialogue.nlu.types import Understander
from dialogue.ordering.catalogue import OrderCatalogue
from dialogue.ordering.orders import OrderDesk
from dialogue.ordering.service import CartService
from dialogue.ordering.staff import StaffActions, StaffBoard
from dialogue.places import PlaceDirectory
from dialogue.recommend.catalogue import Catalogue
from dialogue.recommend.personal import PersonalCache
from dialogue.recommend.recommender import Recommender
from dialogue.recommend.search import MealSearch
from dialogue.session import SessionStore
from dialogue.tools.registry import ToolRegistry
from knowledge.assistants import (
    SELLER_COLLECTION,
    SELLER_INSTALL,
    Progress,
    SellerNotInstalled,
    ensure_meal,
    ensure_seller,
    open_gated,
)
from knowledge.corpus.meal_faq import MEAL_COLLECTION
from knowledge.gate.refusal import meal_suggester, seller_suggester
from knowledge.index.registry import KnowledgeBase
from knowledge.index.tokens import Analyzer
from storage.database import Database
from storage.kv import KeyValueStore, RedisStore, create_store
from storage.kv.observed import observed
from storage.migrate import upgrade
from storage.models import utcnow
from storage.sample import LoadReport, load_sample_data
from storage.sample.stats import table_counts
from storage.security import load_or_create_key

logger = logging.getLogger(__name__)

SERVICES_KEY: web.AppKey[Services] = web.AppKey("services")
CHANNELS_KEY: web.AppKey[list[str]] = web.AppKey("channels")
CHANNEL_NOTES_KEY: web.AppKey[dict[str, str]] = web.AppKey("channel_notes")
STAFF_BOARD_KEY: web.AppKey[StaffBoard] = web.AppKey("staff_board")


@dataclass(frozen=True, slots=True)
class Services:
    """What every entry point shares: settings, the database, the key-value store and keys."""

    settings: Settings
    db: Database
    kv: KeyValueStore
    card_hash_key: bytes

    async def load_sample_data(self) -> LoadReport:
        return await load_sample_data(self.db, self.settings.sample, self.card_hash_key)

    async def database_is_empty(self) -> bool:
        counts = await table_counts(self.db)
        return counts.get("shops", 0) == 0 and counts.get("users", 0) == 0


@asynccontextmanager
async def running_services(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Services]:
    """Open the database and the key-value store, bring the schema to head, and close both on exit."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url, echo=settings.database.echo, pool_size=settings.database.pool_size)
    kv = create_store(
        settings.redis.url,
        settings.redis.key_prefix,
        path=settings.redis.sqlite_path(settings.data_dir),
        max_connections=settings.redis.max_connections,
        pool_timeout=settings.redis.pool_timeout_s,
    )
    try:
        if migrate:
            await upgrade(db.engine)
        key = load_or_create_key(
            settings.security.card_hash_key.get_secret_value() if settings.security.card_hash_key else None,
            settings.data_dir,
        )
        yield Services(settings=settings, db=db, kv=kv, card_hash_key=key)
    finally:
        await kv.close()
        await db.close()


def init_application(
    services: Services,
    dialogue: DialogueSlot | None = None,
    *,
    staff: StaffActions | None = None,
    telegram_polling: bool = False,
    slack_socket: bool = False,
) -> web.Application:
    """The aiohttp application of ``kkini serve``: health, metrics and, given the dialogue, every configured channel.

    ``dialogue`` may still be empty: `serving_dialogue` fills it in the background while the server already answers.
    """
    app = web.Application(client_max_size=services.settings.channels.max_body_bytes)
    app[SERVICES_KEY] = services
    metrics = Metrics(services.db)
    metrics.register(app)
    app.middlewares.append(body_guard)  # inside the metrics: refused bodies are counted by their status
    kv = observed(services.kv, metrics.kv_error)  # the routes' store operations, failures counted
    if isinstance(services.kv, RedisStore):
        services.kv.observe_pool_waits(metrics.pool_wait)
    knowledge = KnowledgeProbe(services.settings.knowledge, services.settings.data_dir)
    HealthRoutes(services.db, kv, dialogue, knowledge).register(app.router)
    if dialogue is None:
        app[CHANNELS_KEY] = []
        return app
    channels = mount_channels(
        app,
        services.settings,
        services.db,
        kv,
        dialogue,
        metrics,
        staff=staff,
        telegram_polling=telegram_polling,
        slack_socket=slack_socket,
    )
    app[CHANNELS_KEY] = channels.names
    app[CHANNEL_NOTES_KEY] = channels.notes
    if channels.slack is not None:
        # Orders reach the shops' Slack channels; staff buttons move them through the shop admin (`mount_channels`).
        app[STAFF_BOARD_KEY] = channels.slack.board
    return app


@asynccontextmanager
async def serving_dialogue(
    services: Services,
    slot: DialogueSlot,
    *,
    staff_board: StaffBoard | None = None,
    progress: Progress | None = None,
    nlu: Understander | None = None,
    kiwi: Kiwi | None = None,
) -> AsyncIterator[asyncio.Task[None]]:
    """Fill ``slot`` in the background while the server already listens: one engine with every installed assistant,
    each built (its FAQ collection opened, or built from a configured file) before the engine serves.

    ``staff_board`` shows placed orders to the shops' staff; ``progress`` hears each step of a long build. Leaving
    the block stops the loading and closes the engine. ``nlu`` and ``kiwi``, when given, are used instead of new ones.
    """
    task = asyncio.create_task(
        _fill_dialogue(services, slot, staff_board=staff_board, progress=progress, nlu=nlu, kiwi=kiwi)
    )
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _fill_dialogue(
    services: Services,
    slot: DialogueSlot,
    *,
    staff_board: StaffBoard | None,
    progress: Progress | None,
    nlu: Understander | None,
    kiwi: Kiwi | None,
) -> None:
    async with running_dialogue(
        services, nlu=nlu, kiwi=kiwi, assistants=ASSISTANTS, staff_board=staff_board, slot=slot, progress=progress
    ) as engine:
        slot.serve(engine, tuple(engine.assistants))
        logger.info("dialogue: ready (%s)", ", ".join(f"{name} {state}" for name, state in slot.states.items()))
        await asyncio.Event().wait()  # keep the engine open until the server stops


@asynccontextmanager
async def running_dialogue(
    services: Services,
    *,
    nlu: Understander | None = None,
    kiwi: Kiwi | None = None,
    assistants: Sequence[str] = ("meal",),
    staff_board: StaffBoard | None = None,
    slot: DialogueSlot | None = None,
    progress: Progress | None = None,
) -> AsyncIterator[DialogueEngine]:
    """The dialogue engine with the assistants named, built from their parts here (their routing tables are
    ``dialogue.assistants``).

    ``assistants`` names the assistants to serve (meal, seller). The meal FAQ collection is brought up to date; the
    seller's is opened, or built from ``KKINI_KNOWLEDGE__SELLER_FAQ_PATH`` when that is set, else `SellerNotInstalled`.
    With a ``slot`` (the server), a seller assistant that is not installed or cannot be built is marked there and
    left out instead. ``staff_board`` shows placed orders to the shops' staff (Slack); without one orders are only
    stored. ``progress`` hears each step of a long collection build.
    """
    kiwi = kiwi or await asyncio.to_thread(Kiwi)  # one per process: the NLU and the knowledge base share it
    if nlu is None:
        from dialogue.nlu.understander import OfflineNLU

        # The fitted intent model is kept in the data folder: a start after the first one reads it (no training).
        nlu = await asyncio.to_thread(OfflineNLU, kiwi=kiwi, cache_dir=services.settings.data_dir / "nlu")
    knowledge = await asyncio.to_thread(  # may wait for another process's ingest to finish
        partial(
            KnowledgeBase,
            services.settings.knowledge,
            data_dir=services.settings.data_dir,
            openai=services.settings.openai,
            analyzer=Analyzer(kiwi),
        )
    )
    try:
        async with _engine(services, knowledge, nlu, assistants, staff_board, slot, progress) as engine:
            yield engine
    finally:
        knowledge.close()  # lets another process write the folder


@asynccontextmanager
async def _engine(
    services: Services,
    knowledge: KnowledgeBase,
    nlu: Understander,
    assistants: Sequence[str],
    staff_board: StaffBoard | None,
    slot: DialogueSlot | None,
    progress: Progress | None,
) -> AsyncIterator[DialogueEngine]:
    db = services.db
    await asyncio.to_thread(ensure_meal, knowledge, progress)
    meal_faq = await asyncio.to_thread(_faq_source, knowledge, MEAL_COLLECTION)
    catalogue = Catalogue(db)
    await catalogue.get(utcnow())  # the first turn should not wait for the catalogue to load
    personal = PersonalCache(db)
    ordering = OrderCatalogue(db)
    meal = MealParts(
        db,
        search=MealSearch(Recommender(catalogue, personal), await PlaceDirectory.load(db)),
        catalogue=catalogue,
        order=OrderHandler(CartService(ordering), OrderDesk(db, ordering, board=staff_board)),
        faq=FaqAnswers(meal_faq, faq_turns_only=True),
        on_user_changed=personal.forget,
    )
    served = {"meal": meal_assistant(meal)}
    tools = {"meal": meal_tools(meal)}
    if "seller" in assistants:
        seller_faq = await _seller_faq(services, knowledge, slot, progress)
        if seller_faq is not None:
            served["seller"] = seller_assistant(seller_faq)
            tools["seller"] = seller_tools(seller_faq)
    llm = _language_model(services, tools)
    engine = DialogueEngine(db=db, sessions=SessionStore(services.kv), nlu=nlu, assistants=served, llm=llm)
    try:
        yield engine
    finally:
        if llm is not None:
            await llm.aclose()
        await catalogue.aclose()


async def _seller_faq(
    services: Services, knowledge: KnowledgeBase, slot: DialogueSlot | None, progress: Progress | None
) -> FaqAnswers | None:
    """The SmartStore FAQ collection of the seller assistant; None (and the slot told why) when a server cannot
    offer it."""
    source = services.settings.knowledge.seller_faq_path
    try:
        await asyncio.to_thread(ensure_seller, knowledge, source, progress)
        seller_faq = await asyncio.to_thread(_faq_source, knowledge, SELLER_COLLECTION)
    except SellerNotInstalled:
        if slot is None:
            raise
        slot.mark("seller", AssistantState.NOT_INSTALLED)
        logger.info("dialogue: the seller assistant is off until its FAQ is installed (%s)", SELLER_INSTALL)
        return None
    except Exception as error:
        if slot is None:
            raise
        slot.mark("seller", AssistantState.FAILED, str(error))
        logger.error("dialogue: the seller assistant could not be built: %s", error)
        return None
    return FaqAnswers(seller_faq)


def provider_sections(settings: Settings) -> dict[str, ProviderSettings]:
    """Each language-model provider's settings section by its name in KKINI_ROUTER__ORDER."""
    return {"openai": settings.openai, "anthropic": settings.anthropic, "gemini": settings.gemini}


def _language_model(services: Services, tools: Mapping[str, ToolRegistry]) -> ModelResponder | None:
    """The model path with the tools each assistant offers (``dialogue.assistants``), or None when no provider has
    a key (offline only)."""
    settings = services.settings
    router = build_router(provider_sections(settings), settings.router, services.kv)
    if not router.providers:
        return None
    systems = {"meal": MEAL_SYSTEM, "seller": SELLER_SYSTEM}
    models = {name: AssistantModel(systems[name], registry) for name, registry in tools.items()}
    logger.info("language models on: %s (then offline)", ", ".join(router.names))
    return ModelResponder(router, models, settings.router)


def _faq_source(knowledge: KnowledgeBase, collection: str) -> FaqSource:
    searcher = open_gated(knowledge, collection)
    entries = [item.entry for item in searcher.entries]
    suggester = seller_suggester(entries) if collection == SELLER_COLLECTION else meal_suggester(entries)
    return FaqSource(searcher, {entry.id: entry for entry in entries}, suggester)

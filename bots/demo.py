"""``kkini demo``: scripted conversations replayed on the embedded default, written out as readable transcripts.

Each demo runs on a fresh copy of the sample data (a temporary SQLite file and the in-process store), on the offline
path, at a fixed time, so a transcript changes only when kkini's behaviour does; a test replays them and compares.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from kiwipiepy import Kiwi

from bots.app import running_dialogue, running_services
from bots.channels.dialogue import DialogueSlot
from bots.console import ConsoleConversation
from bots.settings import Settings
from dialogue.engine import DialogueEngine
from storage.hours import SEOUL
from storage.kv import InProcessStore
from storage.sample import load_sample_data
from storage.settings import DatabaseSettings

TURN_GAP = timedelta(seconds=20)
"""How far the clock moves between two lines of a demo."""
DEMO_DAY = datetime(2026, 11, 20, 8, 0, tzinfo=SEOUL)
"""When the demos' sample data is generated: coupons, today's spending and closures are placed around it."""


@dataclass(frozen=True, slots=True)
class Demo:
    name: str
    title: str
    about: str
    user: str
    assistant: str
    at: datetime
    lines: tuple[str, ...]
    """What the user types; a number presses that button of the last reply, as in ``kkini chat``."""


DEMOS: tuple[Demo, ...] = (
    Demo(
        name="budget-dinner",
        title="A budget dinner on a Friday evening",
        about="A card holder with little left asks what dinner the card can still pay for, asks for cheaper, picks one.",
        user="demo07",
        assistant="meal",
        at=datetime(2026, 11, 20, 18, 10, tzinfo=SEOUL),
        lines=("4300원 남았는데 저녁 뭐 먹지?", "더 싼 거", "1", "잔액 얼마야?"),
    ),
    Demo(
        name="burger-order",
        title="A burger set with option changes, ordered for pickup",
        about="The backend, not a model, prices every change: 양념감자 +600원, 사이다 +0원.",
        user="demo12",
        assistant="meal",
        at=datetime(2026, 11, 20, 12, 5, tzinfo=SEOUL),
        lines=(
            "불고기버거 세트 하나 주세요",
            "감자튀김 양념감자로 바꿔줘",
            "콜라 사이다로",
            "장바구니 보여줘",
            "주문할게",
        ),
    ),
    Demo(
        name="card-faq",
        title="Questions about the meal card, with a follow-up",
        about="kkini's own meal-card FAQ answers, and a follow-up that keeps the earlier topic.",
        user="demo21",
        assistant="meal",
        at=datetime(2026, 11, 20, 16, 30, tzinfo=SEOUL),
        lines=("급식카드 잃어버렸어 어떻게 해?", "그럼 남은 돈은 어떻게 돼?", "편의점에서도 쓸 수 있어?"),
    ),
    Demo(
        name="seller-faq",
        title="A shop owner asks the SmartStore FAQ, then asks about another marketplace",
        about="The seller assistant answers from the SmartStore FAQ, follows up, and politely refuses 쿠팡.",
        user="shop-owner",
        assistant="seller",
        at=datetime(2026, 11, 20, 10, 0, tzinfo=SEOUL),
        lines=("사업자 전환은 어떻게 신청해?", "그건 얼마나 걸려?", "쿠팡 로켓배송 입점은 어떻게 해?"),
    ),
)


@asynccontextmanager
async def demo_engine(
    settings: Settings, assistants: Sequence[str], *, kiwi: Kiwi | None = None
) -> AsyncIterator[DialogueEngine]:
    """An engine over fresh sample data on the offline path; the knowledge index stays in the data dir for reuse.

    An assistant whose data is not installed (the seller FAQ) is left out: ``engine.assistants`` says which serve.
    """
    with TemporaryDirectory(prefix="kkini-demo-") as folder:
        isolated = settings.model_copy(
            update={
                "database": DatabaseSettings(url=f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}"),
                "router": settings.router.model_copy(update={"order": "offline"}),
            }
        )
        async with running_services(isolated) as shared:
            # Sessions of their own: the data dir's store may hold the demo users' sessions from another run.
            services = replace(shared, kv=InProcessStore("demo:"))
            await load_sample_data(services.db, isolated.sample, services.card_hash_key, now=DEMO_DAY)
            slot = DialogueSlot()  # marks an assistant that is not installed instead of failing
            async with running_dialogue(services, kiwi=kiwi, assistants=tuple(assistants), slot=slot) as engine:
                yield engine


async def replay(engine: DialogueEngine, demo: Demo) -> str:
    """The demo's transcript as Markdown."""
    conversation = ConsoleConversation(engine, demo.user, demo.assistant)
    parts = [
        f"# {demo.title}",
        "",
        demo.about,
        "",
        f"- user: `{demo.user}`, assistant: `{demo.assistant}`, at {demo.at:%Y-%m-%d %H:%M} (Asia/Seoul)",
        f"- replay: `kkini demo --only {demo.name}`",
        "",
    ]
    for index, line in enumerate(demo.lines):
        pressed = _pressed(conversation, line)
        block = await conversation.reply_to(line, at=demo.at + index * TURN_GAP)
        parts += [f"**나**: {line}{pressed}", "", "```text", block.strip("\n"), "```", ""]
    return "\n".join(parts)


async def replay_all(settings: Settings, demos: Sequence[Demo], *, kiwi: Kiwi | None = None) -> dict[str, str | None]:
    """Every demo's transcript by name, replayed in order on one engine; None for a demo whose assistant is not
    installed here (the seller FAQ before `kkini knowledge ingest --collection seller PATH`)."""
    assistants = sorted({demo.assistant for demo in demos})
    async with demo_engine(settings, assistants, kiwi=kiwi) as engine:
        return {
            demo.name: await replay(engine, demo) if demo.assistant in engine.assistants else None for demo in demos
        }


def _pressed(conversation: ConsoleConversation, line: str) -> str:
    button = conversation.button_for(line)
    return f" (누른 버튼: {button.label})" if button else ""


__all__ = ["DEMOS", "Demo", "demo_engine", "replay", "replay_all"]

"""``kkini eval recommend``: scripted conversations through the real engine, each reply judged rule by rule.

The conversations (``eval_conversations.json`` beside this module) are kkini's own; each turn says what the child
meant (food, budget, exclusions, place, time) and what kind of reply is due. ``evaluate`` plays them through a
``DialogueEngine`` over a database holding the sample data, judges every reply with ``dialogue.recommend.judge`` and
sums the rules broken, which must all be 0, with the list sizes beside them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import select

from dialogue.account import CardView, card_view
from dialogue.engine import DialogueEngine
from dialogue.messages import Button, Card, Cards, Final, IncomingMessage, QuickReplies
from dialogue.recommend.catalogue import CatalogueSnapshot, load
from dialogue.recommend.judge import ITEM_RULES, RULES, Seen, Verdict, Wanted, judge
from storage.database import Database
from storage.hours import SEOUL
from storage.models import Place
from storage.repositories import UserRepository

CHANNEL = "console"
MAX_NOTES = 40


@dataclass(frozen=True, slots=True)
class Turn:
    say: str
    changes: dict[str, Any]
    """The keys this turn states (food, budget, not, near, when, expect); the others carry on."""


@dataclass(frozen=True, slots=True)
class Conversation:
    name: str
    user: str
    at: datetime
    turns: tuple[Turn, ...]


@dataclass(slots=True)
class Report:
    conversations: int = 0
    turns: int = 0
    lists: int = 0
    items: int = 0
    broken: Counter[str] = field(default_factory=Counter)
    sizes: Counter[int] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def add(self, where: str, verdict: Verdict) -> None:
        self.turns += 1
        if verdict.listed is not None:
            self.lists += 1
            self.items += verdict.listed
            self.sizes[verdict.listed] += 1
        self.broken.update(verdict.broken)
        for note in verdict.notes:
            if len(self.notes) < MAX_NOTES:
                self.notes.append(f"{where}: {note}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "turns": self.turns,
            "lists": self.lists,
            "items": self.items,
            "rules": {rule: self.broken.get(rule, 0) for rule in RULES},
            "violations": sum(self.broken.values()),
            "list_sizes": {str(size): self.sizes[size] for size in sorted(self.sizes)},
            "mean_list_size": round(self.items / self.lists, 2) if self.lists else 0.0,
            "examples": self.notes,
        }


def default_path() -> Path:
    return Path(str(resources.files("dialogue.recommend").joinpath("eval_conversations.json")))


def load_conversations(path: Path) -> list[Conversation]:
    """The conversations of ``path``; a malformed one raises ValueError naming it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    conversations = []
    for raw in data["conversations"]:
        try:
            at = datetime.fromisoformat(raw["at"]).replace(tzinfo=SEOUL)
            turns = tuple(
                Turn(str(turn["say"]), {k: v for k, v in turn.items() if k != "say"}) for turn in raw["turns"]
            )
            conversations.append(Conversation(str(raw["name"]), str(raw["user"]), at, turns))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"conversation {raw.get('name', '?')}: {error}") from None
    return conversations


Reset = Callable[[str], Awaitable[None]]
"""Forget a console user's session, so that each conversation starts afresh."""


async def evaluate(engine: DialogueEngine, db: Database, conversations: list[Conversation], reset: Reset) -> Report:
    report = Report()
    places = await _places(db)
    snapshots: dict[str, CatalogueSnapshot] = {}
    for conversation in conversations:
        report.conversations += 1
        await reset(conversation.user)
        day = conversation.at.date().isoformat()
        if day not in snapshots:
            snapshots[day] = await load(db, around=conversation.at)
        snapshot = snapshots[day]
        card = await _card(db, conversation.user, conversation.at)
        wanted = Wanted(at=conversation.at)
        for number, turn in enumerate(conversation.turns, start=1):
            wanted = _after(wanted, turn.changes, conversation.at, places)
            seen = await _say(engine, conversation.user, turn.say, conversation.at)
            report.add(f"{conversation.name}#{number} {turn.say!r}", judge(seen, wanted, snapshot, card))
    return report


def summary(report: Report) -> str:
    """A plain-text table: each rule and its count, then the list sizes and the first examples."""
    lines = [
        f"conversations {report.conversations}, turns {report.turns}, lists {report.lists}, items {report.items}",
        "",
        f"{'rule':<20}{'count':>7}  counts",
    ]
    for rule in RULES:
        unit = "items" if rule in ITEM_RULES else "replies"
        lines.append(f"{rule:<20}{report.broken.get(rule, 0):>7}  {unit}")
    sizes = ", ".join(f"{size}: {count}" for size, count in sorted(report.sizes.items()))
    mean = report.items / report.lists if report.lists else 0.0
    lines += ["", f"list sizes (items: lists) {sizes or '-'}; mean {mean:.2f}"]
    if report.notes:
        lines += ["", "examples:", *(f"  {note}" for note in report.notes)]
    return "\n".join(lines)


def _after(wanted: Wanted, changes: dict[str, Any], at: datetime, places: dict[str, tuple[float, float]]) -> Wanted:
    """What the child wants after a turn that states ``changes``."""
    updates: dict[str, Any] = {"expect": str(changes.get("expect", "list"))}
    if "food" in changes:
        food = changes["food"] or {}
        updates["food_categories"] = tuple(food.get("categories", ()))
        updates["food_dishes"] = tuple(food.get("dishes", ()))
    if "budget" in changes:
        updates["budget"] = changes["budget"]
    if "not" in changes:
        ruled_out = changes["not"] or {}
        updates["not_categories"] = tuple(ruled_out.get("categories", ()))
        updates["not_tags"] = tuple(ruled_out.get("tags", ()))
    if "near" in changes:
        near = changes["near"]
        if near is not None and near not in places:
            raise ValueError(f"unknown landmark {near!r}")
        updates["near"] = places[near] if near else None
    if "when" in changes:
        updates["at"], updates["now"] = _when(str(changes["when"]), at), False
    return replace(wanted, **updates)


def _when(said: str, at: datetime) -> datetime:
    """'19:00' (that day) or 'tomorrow 12:30' as a moment."""
    day = at
    if said.startswith("tomorrow "):
        day, said = at + timedelta(days=1), said.removeprefix("tomorrow ")
    hour, minute = (int(part) for part in said.split(":"))
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


async def _say(engine: DialogueEngine, user: str, text: str, at: datetime) -> Seen:
    message = IncomingMessage(CHANNEL, user, text=text, received_at=at)
    cards: tuple[Card, ...] = ()
    buttons: tuple[Button, ...] = ()
    reply = ""
    async for event in engine.handle(message):
        if isinstance(event, Cards):
            cards = event.cards
        elif isinstance(event, QuickReplies):
            buttons = event.buttons
        elif isinstance(event, Final):
            reply = event.text
    return Seen(reply, cards, buttons)


async def _places(db: Database) -> dict[str, tuple[float, float]]:
    async with db.session() as session:
        return {place.name: (place.latitude, place.longitude) for place in (await session.exec(select(Place))).all()}


async def _card(db: Database, user: str, at: datetime) -> CardView | None:
    async with db.session() as session:
        profile = await UserRepository(session).profile(CHANNEL, user)
    if profile is None:
        raise ValueError(f"no console user {user!r} in the sample data")
    _, card, program = profile
    return card_view(card, program, at) if card is not None and program is not None else None

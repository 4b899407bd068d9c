"""Recommendations in words: the list with prices and reasons, cards with "여기로 갈래요", and follow-up buttons."""

from __future__ import annotations

import re
from datetime import datetime

from dialogue.handlers.select import PAYLOAD_PREFIX as SELECT_PREFIX
from dialogue.korean import particle, ro, won
from dialogue.messages import Button, Card
from dialogue.nlu.entities import SPICY_FOOD
from dialogue.nlu.types import Understanding
from dialogue.recommend.types import Recommendation, RecommendationQuery, RecommendationResult
from dialogue.turn import Reply, TurnContext
from storage.hours import local_time

MEAL_WORDS = {"breakfast": "아침", "lunch": "점심", "dinner": "저녁", "late_night": "야식"}
# A message that takes back what it said before ("5천원 말고 8천원", "아 아니 치킨", "매운 거 빼고").
_CORRECTION = re.compile(
    r"말고|말구|빼고|빼 ?줘|제외|대신|(?<![가-힣])아니(?:고|라|야)?(?![가-힣])|아냐|바꿔|바꿀래|바꾸자|변경"
)
_TASTE_WORDS = {"mild": "안 매운 것", "spicy": SPICY_FOOD, "sweet": "단 것", "salty": "짠 것"}
FOLLOW_UPS = (
    Button("다른 데 보여줘", "다른 데 보여줘"),
    Button("더 싼 거", "더 싼 거 없어?"),
    Button("잔액 확인", "카드 잔액 얼마야?"),
)


def render(
    ctx: TurnContext,
    query: RecommendationQuery,
    result: RecommendationResult,
    where: str | None,
    notice: str | None,
) -> Reply:
    notes: list[str] = []
    if ctx.card is not None and not ctx.card.active:
        notes.append("카드를 지금 쓸 수 없어서 현금으로 갈 수 있는 곳을 찾았어요.")
    if not result.items:
        text = result.empty_reason or "지금 조건에 맞는 곳을 찾지 못했어요."
        if result.alternatives:
            text += "\n" + "\n".join(f"• {alternative}" for alternative in result.alternatives)
        return Reply(" ".join([*notes, text]), quick_replies=FOLLOW_UPS[1:])
    header = _header(query, result, where, ctx)
    if notice:
        header = f"{notice} {header}"
    lines = [" ".join([*notes, header])]
    for rank, item in enumerate(result.items, start=1):
        lines.append(
            f"{rank}. {item.shop_name} — {item.item_name} {won(item.final_price)} ({' · '.join(item.reasons)})"
        )
    return Reply(
        "\n".join(lines),
        cards=tuple(_card(item) for item in result.items),
        quick_replies=FOLLOW_UPS,
        shown=result.items,
    )


def food_notice(items: tuple[Recommendation, ...], food: str, category: str | None) -> str | None:
    """Say so when what was shown is not the food asked for (the wish ranks shops; it does not filter them)."""
    if any(food in item.item_name or item.category == food for item in items):
        return None
    if category and category != food and any(item.category == category for item in items):
        return f"{particle(food, '을', '를')} 파는 곳은 못 찾았지만 {category} 가게는 있어요."
    return f"지금 {particle(food, '을', '를')} 파는 곳은 찾지 못했어요. 대신"


def change_note(text: str, understanding: Understanding, spendable: int | None) -> str | None:
    """A few words on what a correction changed ("피자는 빼고 치킨으로 바꿨어요."), or None when ``text`` corrects
    nothing. The list that follows is the new search; this says why it differs (or why it does not)."""
    if not _CORRECTION.search(text):
        return None
    entities = understanding.entities
    dropped = "·".join(understanding.excluded_food)
    new: list[str] = []
    if "food_type" in entities:
        new.append(str(entities["food_type"]))
    if "budget" in entities:
        new.append(won(int(entities["budget"])))
    taste = _TASTE_WORDS.get(str(entities.get("taste")))
    if taste and not (entities.get("taste") == "mild" and SPICY_FOOD in understanding.excluded_food):
        new.append(taste)
    if not dropped and not new:
        return None
    left_out = f"{particle(dropped, '은', '는')} 빼고" if dropped else ""
    if new:
        said = f"{left_out} {ro(', '.join(new))} 바꿨어요.".strip()
    else:
        said = f"{left_out} 찾았어요."
    budget = entities.get("budget")
    if budget is not None and spendable is not None and spendable < int(budget):
        said += f" 지금 카드로는 {won(spendable)}까지 쓸 수 있어서 그 안에서 골랐어요."
    return said


def _header(query: RecommendationQuery, result: RecommendationResult, where: str | None, ctx: TurnContext) -> str:
    place = f"{where} 근처에서 " if where else ""
    asked = local_time(query.at)
    when = "지금" if abs((asked - local_time(ctx.now)).total_seconds()) < 900 else _when_words(asked, ctx)
    money = f"{won(result.spendable)}으로 " if result.spendable is not None else ""
    return f"{place}{money}{when} 갈 수 있는 곳이에요."


def _when_words(asked: datetime, ctx: TurnContext) -> str:
    day = "내일 " if asked.date() > local_time(ctx.now).date() else ""
    meal = MEAL_WORDS.get(str(ctx.session.slots.get("meal_time")), "")
    return f"{day}{meal} {asked.hour:02d}:{asked.minute:02d}에".replace("  ", " ").strip()


def _card(item: Recommendation) -> Card:
    distance = f" · {item.address}" if item.address else ""
    return Card(
        title=item.shop_name,
        description=f"{item.item_name} {won(item.final_price)}\n{' · '.join(item.reasons)}{distance}",
        price=item.final_price,
        buttons=(Button("여기로 갈래요", f"{SELECT_PREFIX}{item.shop_id}"),),
        ref=f"shop:{item.shop_id}",
    )

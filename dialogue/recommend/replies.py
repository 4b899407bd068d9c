"""Recommendations in words: the list with prices and reasons, cards with "여기로 갈래요", and follow-up buttons."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from dialogue.card_help import CardTrouble, card_trouble, trouble_buttons
from dialogue.handlers.select import PAYLOAD_PREFIX as SELECT_PREFIX
from dialogue.korean import particle, ro, won
from dialogue.messages import Button, Card
from dialogue.nlu.entities import SPICY_FOOD
from dialogue.nlu.types import Understanding
from dialogue.recommend.listing import ask_place, budget_words, count_words, money_note
from dialogue.recommend.types import Opening, Recommendation, RecommendationQuery, RecommendationResult
from dialogue.recommend.when import day_words
from dialogue.recommend.when import words as when_words
from dialogue.turn import Reply, TurnContext
from storage.hours import local_time

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
    choices: tuple[str, ...] = (),
) -> Reply:
    """The reply for a search: the list (prices as charged, coupons beside them), why it is short and what would
    find more; or why nothing fits; or, with ``choices``, "어디 근처야?" first."""
    trouble = card_trouble(ctx.card)
    if trouble is not None and query.pay_by_card:
        # Nothing can be paid by card (balance 0, today's limit spent): why, when it changes, what to do, and cash.
        lines = [trouble.full(), *(f"• {alternative}" for alternative in result.alternatives)]
        return Reply("\n".join(lines), quick_replies=trouble_buttons(trouble))
    cash = cash_note(ctx, trouble) if trouble is not None else None
    # The card's trouble comes first until cash is asked for by name.
    told = trouble.brief() if trouble is not None and cash != "현금으로" else None
    if choices:
        asked = ask_place(choices)
        if told is not None:
            asked = replace(asked, text=f"{told} 현금이 있다면 갈 곳을 찾아 드릴게요. {asked.text}")
        return asked
    if not result.items:
        text = result.empty_reason or "지금 조건에 맞는 곳을 찾지 못했어요."
        if result.first_opening is not None:
            text = f"{text.rstrip('.')}. {opening_words(result.first_opening, ctx.now)}"
        if result.alternatives:
            text += "\n" + "\n".join(f"• {alternative}" for alternative in result.alternatives)
        if told is not None:
            text = f"{told} {text}"
        if notice:
            text = f"{notice} {text}"
        return Reply(text, quick_replies=FOLLOW_UPS[1:])
    header = _header(query, result, where, ctx)
    if cash:
        header = f"{cash} {header}"
    if notice:
        header = f"{notice} {header}"
    said = [count_words(result, query.limit), None if notice and "카드로는" in notice else money_note(ctx, query)]
    lines = [" ".join([header, *(words for words in said if words)])]
    for rank, item in enumerate(result.items, start=1):
        lines.append(f"{rank}. {item.shop_name} — {item.item_name} {won(item.price)} ({' · '.join(item.reasons)})")
    if len(result.items) < query.limit:
        lines.extend(f"• {alternative}" for alternative in result.alternatives)
    return Reply(
        "\n".join(lines),
        cards=tuple(_card(item) for item in result.items),
        quick_replies=FOLLOW_UPS,
        shown=result.items,
    )


def cash_note(ctx: TurnContext, trouble: CardTrouble) -> str:
    """What the header of a list paid in cash starts with: the card's trouble (until cash is asked for by name),
    then "현금이 있다면"; or only "현금으로"."""
    if ctx.session.slots.get("pay") == "cash" or trouble.kind in {"balance", "daily"}:
        return "현금으로"
    return f"{trouble.brief()} 현금이 있다면"


def opening_words(opening: Opening, now: datetime) -> str:
    """ "11:00에 문을 여는 곳이 있어요 (영빈반점 짜장면 6,000원)." with 내일 or the weekday when not today."""
    at = local_time(opening.at)
    day = day_words(at.date(), local_time(now).date())
    return f"{day}{at:%H:%M}에 문을 여는 곳이 있어요 ({opening.shop_name} {opening.item_name} {won(opening.price)})."


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
    money = budget_words(query)
    if query.all_day:
        return f"{place}{money}갈 수 있는 24시간 가게예요."
    if not query.later:
        return f"{place}{money}지금 갈 수 있는 곳이에요."
    return f"{place}{money}{when_words(query.at, ctx.now)} 열려 있는 곳이에요."


def _card(item: Recommendation) -> Card:
    distance = f" · {item.address}" if item.address else ""
    return Card(
        title=item.shop_name,
        description=f"{item.item_name} {won(item.price)}\n{' · '.join(item.reasons)}{distance}",
        price=item.price,
        buttons=(Button("여기로 갈래요", f"{SELECT_PREFIX}{item.shop_id}"),),
        ref=f"shop:{item.shop_id}",
    )

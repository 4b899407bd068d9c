"""The numbers around a list, only as the child said them or as the card has them: the budget they named, today's
money labelled as such, how many places the list holds, and "어디 근처야?" when the place is not known."""

from __future__ import annotations

from dialogue.korean import won
from dialogue.messages import Button
from dialogue.recommend.types import RecommendationQuery, RecommendationResult
from dialogue.turn import Reply, TurnContext

ASK_PLACE = "어디 근처야? 가까운 곳을 알려 주면 거기서 찾아볼게요."


def ask_place(choices: tuple[str, ...]) -> Reply:
    """Where the child is, with a button per landmark (what fits lies in several areas and no place is known)."""
    buttons = tuple(Button(f"{name} 근처", f"{name} 근처") for name in choices)
    return Reply(ASK_PLACE, quick_replies=buttons)


def budget_words(query: RecommendationQuery) -> str:
    """ "5,000원으로 " when the child named a budget; nothing otherwise (the card's money is not a budget)."""
    return f"{won(query.budget)}으로 " if query.budget is not None else ""


def count_words(result: RecommendationResult, limit: int) -> str | None:
    """ "맞는 곳은 2곳이에요." when fewer places fit than a list holds; the count is the list's."""
    shown = len(result.items)
    if not shown or shown >= limit:
        return None
    return f"맞는 곳은 {shown}곳이에요."


def money_note(ctx: TurnContext, query: RecommendationQuery) -> str | None:
    """What bounded the prices besides a budget, named for what it is: today's money or the meal amount."""
    card = ctx.card
    if card is None or not query.pay_by_card or not card.active:
        return None
    today = card.spendable_today
    meal = card.meal_amount
    if query.budget is None:
        if meal and today >= meal:
            return f"한 끼 {won(meal)}까지 쓸 수 있어서 그 안에서 골랐어요."
        return f"오늘 쓸 수 있는 돈이 {won(today)}이라 그 안에서 골랐어요."
    if today < query.budget and (not meal or today <= meal):
        return f"오늘 쓸 수 있는 돈이 {won(today)}이라 그 안에서 골랐어요."
    if meal and meal < query.budget:
        return f"카드는 한 끼 {won(meal)}까지라 그 안에서 골랐어요."
    return None

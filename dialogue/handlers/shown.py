"""Short follow-ups about the recommendations just shown: "왜?" (why these), "거기 어디야?" (where), "언제까지야?"
(until when), "ㄱㄱ" or "좋아" (go with the first), "2번으로 할래" (that one), "그럼?" (what now).

The understanding carries such a message to the search intent before it (``dialogue.nlu.followup.about_shown``);
searching again would only show the same list, so these are answered from the list itself: the shops as the
catalogue has them now, the prices shown, and the search the conversation asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogue.handlers.context import last_request
from dialogue.handlers.select import PAYLOAD_PREFIX as SELECT_PREFIX
from dialogue.handlers.shop_hours import hours_reply
from dialogue.korean import hhmm, particle, ro, won
from dialogue.messages import Button
from dialogue.nlu.entities import SPICY_FOOD
from dialogue.nlu.followup import SEARCHING, about_shown, named_rank
from dialogue.nlu.normalize import for_matching
from dialogue.recommend.catalogue import Catalogue, CatalogueShop
from dialogue.recommend.rules import spendable
from dialogue.recommend.search import MealSearch
from dialogue.recommend.types import RecommendationQuery
from dialogue.session import Session
from dialogue.turn import Reply, TurnContext
from storage.hours import local_time

_STATED = frozenset({"budget", "food_type", "location", "meal_time", "party_size", "companions", "taste"})
_ELSEWHERE = (Button("다른 데 보여줘", "다른 데 보여줘"), Button("더 싼 거", "더 싼 거 없어?"))
_DIET_WORDS = {"no_spicy": SPICY_FOOD, "no_pork": "돼지고기", "vegetarian": "고기", "halal": "돼지고기"}


@dataclass(frozen=True, slots=True)
class ShownShop:
    """One line of the list shown: its number, the shop, and the item and price it showed."""

    rank: int
    shop: CatalogueShop
    item: str | None
    price: int | None


def shown_kind(ctx: TurnContext) -> str | None:
    """What the message asks of the list just shown (``about_shown``), when it states nothing new to search for and
    the last thing the child asked for (small talk aside) was a search; else None."""
    understanding = ctx.understanding
    if set(understanding.entities) & _STATED or understanding.excluded_food or understanding.wants_other:
        return None
    if last_request(ctx.session) not in SEARCHING or not ctx.session.last_shops:
        return None
    return about_shown(for_matching(ctx.text))


WHICH_PREFIX = "shown:"
"""A button under "어느 가게 말이에요?": ``shown:<when|where>:<shop id>`` asks that question of that shop."""


def focused(session: Session) -> int | None:
    """The shop "거기" means: the one picked or asked about by name from the last list, or the only one shown."""
    if session.focus_shop is not None and session.focus_shop in session.last_shops:
        return session.focus_shop
    return session.last_shops[0] if len(session.last_shops) == 1 else None


def asks_which(ctx: TurnContext) -> bool:
    """ "거기 몇 시까지 해?" with several shops shown and none in focus: which one is not known."""
    return (
        ctx.understanding.reference == "shop"
        and len(ctx.session.last_shops) > 1
        and focused(ctx.session) is None
        and named_rank(for_matching(ctx.text)) is None
    )


def which_shop(shown: list[ShownShop], kind: str) -> Reply:
    """ "어느 가게 말이에요?" with a button per shop shown, each asking the same question of that one."""
    buttons = tuple(Button(f"{line.rank}번 {line.shop.name}", f"{WHICH_PREFIX}{kind}:{line.shop.id}") for line in shown)
    return Reply("어느 가게 말이에요? 골라 주면 알려 줄게요.", quick_replies=buttons)


class WhichShopAnswer:
    """A button of ``which_shop``: the hours or the address of the shop chosen, which becomes the focus."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    async def handle(self, ctx: TurnContext) -> Reply:
        kind, _, shop_id = (ctx.message.payload or "").removeprefix(WHICH_PREFIX).partition(":")
        snapshot = await self.catalogue.get(ctx.now)
        shop = snapshot.shops.get(int(shop_id)) if shop_id.isdigit() else None
        if shop is None or kind not in {"when", "where"}:
            return Reply("어느 가게인지 모르겠어요. 추천 목록에서 다시 골라 주세요.")
        shops = ctx.session.last_shops
        if shop.id in shops:
            ctx.session.focus_shop = shop.id
        if kind == "when":
            return hours_reply(shop, ctx)
        rank = shops.index(shop.id) + 1 if shop.id in shops else 1
        return _where(ctx, ShownShop(rank, shop, None, None))


class ShownAnswers:
    """Answers about the list just shown, from the catalogue and the conversation's search."""

    def __init__(self, search: MealSearch, catalogue: Catalogue) -> None:
        self.search = search
        self.catalogue = catalogue

    async def answer(self, ctx: TurnContext, kind: str) -> Reply | None:
        """The answer to a follow-up of ``kind`` (``shown_kind``), or None when the list is gone (searched anew)."""
        if kind == "why":
            return await self._why(ctx)
        shown = await self.shown_list(ctx)
        if not shown:
            return None
        said = named_rank(for_matching(ctx.text))
        if said is None and kind in {"when", "where"}:
            if asks_which(ctx):
                return which_shop(shown, kind)
            focus = focused(ctx.session)
            said = next((line.rank for line in shown if line.shop.id == focus), None)
        if kind == "when" and said is None:
            return _hours(ctx, shown)
        if kind == "then":
            return _what_now(shown[0])
        rank = said or 1  # "2번 어디야?" asks about the second; "ㄱㄱ" goes with the first
        chosen = next((line for line in shown if line.rank == rank), None)
        if chosen is None:
            return Reply(f"목록에 {rank}번은 없어요. 1번부터 {len(shown)}번 중에서 골라 주세요.")
        ctx.session.focus_shop = chosen.shop.id
        if kind == "when":
            return hours_reply(chosen.shop, ctx)
        return _where(ctx, chosen) if kind == "where" else _going(chosen)

    async def shown_list(self, ctx: TurnContext) -> list[ShownShop]:
        """The list last shown, as far as the catalogue still has its shops; empty when the last search found none."""
        session = ctx.session
        if not session.last_prices:
            return []
        snapshot = await self.catalogue.get(ctx.now)
        lines: list[ShownShop] = []
        for rank, shop_id in enumerate(session.last_shops, start=1):
            shop = snapshot.shops.get(shop_id)
            if shop is None:
                continue
            item_id = session.last_items[rank - 1] if rank <= len(session.last_items) else None
            item = next((item.name for item in shop.items if item.id == item_id), None)
            price = session.last_prices[rank - 1] if rank <= len(session.last_prices) else None
            lines.append(ShownShop(rank, shop, item, price))
        return lines

    async def _why(self, ctx: TurnContext) -> Reply:
        """Why these shops: the rules every one of them passed, then what put some first."""
        if not ctx.session.last_prices:
            found = await self.search.find(ctx)
            if found.result.empty_reason:
                return Reply(
                    f"{found.result.empty_reason.rstrip('.')}. 조건을 바꿔 주면 다시 찾아볼게요.",
                    quick_replies=_ELSEWHERE,
                )
        query, _ = self.search.query_for(ctx)
        return Reply(" ".join(why_chosen(ctx, query)), quick_replies=_ELSEWHERE)


def why_chosen(ctx: TurnContext, query: RecommendationQuery) -> list[str]:
    """A few short sentences on how the list was chosen, true of the recommender's hard rules and its ranking."""
    when = "지금" if abs((local_time(query.at) - local_time(ctx.now)).total_seconds()) < 900 else "그 시간에"
    pay = "급식카드로 낼 수 있고" if query.pay_by_card else "현금으로 갈 수 있고"
    sentences = [f"{pay} {when} 문을 연 곳만 골랐어요."]
    cap = spendable(query)
    if cap is not None:
        sentences.append(f"{won(cap)} 안에서 먹을 수 있는 메뉴예요{_cap_reason(query, cap)}.")
    left_out = [*query.excluded_food, *(_DIET_WORDS[d] for d in query.dietary if d in _DIET_WORDS)]
    if left_out:
        sentences.append(f"{particle('·'.join(dict.fromkeys(left_out)), '은', '는')} 뺐어요.")
    first = f"{particle(query.food[0], '을', '를')} 파는 곳과 " if query.food else ""
    sentences.append(f"{first}가깝거나 쿠폰이 되는 곳을 앞에 두고, 종류는 골고루 섞었어요.")
    return sentences


def _cap_reason(query: RecommendationQuery, cap: int) -> str:
    """Why the amount is what it is, when it is less than the budget said (or none was said)."""
    if query.budget is not None and query.budget <= cap:
        return ""
    if query.balance is not None and cap == query.balance:
        return " (카드 잔액이 그만큼 남았어요)"
    if query.daily_remaining is not None and cap == query.daily_remaining:
        return " (오늘 카드로 쓸 수 있는 만큼이에요)"
    return ""


def _menu(line: ShownShop) -> str:
    """ "1번 든든버거의 치즈버거가 제일 잘 맞아요. 4,300원이에요.", as much of it as is known."""
    best = particle(line.item, "이", "가") if line.item else ""
    said = (
        f"{line.rank}번 {line.shop.name}의 {best}" if best else f"{line.rank}번 {particle(line.shop.name, '이', '가')}"
    )
    price = f" {particle(won(line.price), '이에요', '예요')}." if line.price is not None else ""
    return f"{said} 제일 잘 맞아요.{price}"


def _address(shop: CatalogueShop) -> str:
    return f" 주소는 {particle(shop.address, '이에요', '예요')}." if shop.address else ""


def _select(line: ShownShop) -> Button:
    return Button("여기로 갈래요", f"{SELECT_PREFIX}{line.shop.id}")


def _going(line: ShownShop) -> Reply:
    return Reply(
        f"좋아요, {line.rank}번 {ro(line.shop.name)} 가요!{_address(line.shop)} 여기로 정하면 아래 버튼을 눌러 주세요.",
        quick_replies=(_select(line), *_ELSEWHERE[:1]),
    )


def _where(ctx: TurnContext, line: ShownShop) -> Reply:
    shop = line.shop
    where = f"{shop.address}에 있어요." if shop.address else "주소 정보가 없어요. 가기 전에 전화로 물어보세요."
    paying = ctx.card is None or ctx.card.active
    card = " 계산할 때 급식카드를 보통 카드처럼 내면 돼요." if paying and shop.card_acceptance in ("Y", "P") else ""
    return Reply(f"{line.rank}번 {particle(shop.name, '은', '는')} {where}{card}", quick_replies=(_select(line),))


def _what_now(line: ShownShop) -> Reply:
    return Reply(
        f"{_menu(line)} 여기로 갈래요? 다른 곳이 좋으면 '다른 데'나 '더 싼 거'라고 해 주세요.",
        quick_replies=(_select(line), *_ELSEWHERE),
    )


def _hours(ctx: TurnContext, shown: list[ShownShop]) -> Reply:
    """The first shop's hours today, and when the next two close."""
    first = hours_reply(shown[0].shop, ctx).text
    weekday = local_time(ctx.now).weekday()
    others, all_day = [], []
    for line in shown[1:3]:
        today = line.shop.by_day.get(weekday)
        if today is None or not line.shop.hours_known:
            continue
        if today.all_day:
            all_day.append(f"{line.rank}번 {line.shop.name}")
        else:
            others.append(f"{line.rank}번 {line.shop.name} {hhmm(today.closes_at)}")
    rest = f" {', '.join(others)}까지 열어요." if others else ""
    if all_day:
        rest += f" {particle(', '.join(all_day), '은', '는')} 24시간 열어요."
    return Reply(f"1번 {first}{rest}", quick_replies=(_select(shown[0]),))

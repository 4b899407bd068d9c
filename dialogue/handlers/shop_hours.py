"""Opening hours of one shop: the one just recommended ("거기 몇 시까지 해?") or one named ("김밥천국 몇 시까지 해?")."""

from __future__ import annotations

import re

from dialogue.korean import hhmm, particle
from dialogue.recommend.catalogue import CatalogueShop, CatalogueSnapshot
from dialogue.turn import Reply, TurnContext
from storage.hours import local_time

WEEKDAYS = "월화수목금토일"
_BRANCH = re.compile(r"\s*[가-힣A-Za-z0-9]+점$")


def named_shop(snapshot: CatalogueSnapshot, text: str, area: str | None = None) -> CatalogueShop | None:
    """The shop whose name (with or without its branch, "역삼점") the text contains; the user's area first."""
    said = "".join(text.split())
    found: list[CatalogueShop] = []
    for shop in snapshot.shops.values():
        full = "".join(shop.name.split())
        base = "".join(_BRANCH.sub("", shop.name).split())
        if (len(full) >= 2 and full in said) or (len(base) >= 2 and base in said):
            found.append(shop)
    if not found:
        return None
    found.sort(key=lambda shop: (shop.area != area, -len(shop.name), shop.id))
    return found[0]


def hours_reply(shop: CatalogueShop, ctx: TurnContext) -> Reply:
    now = local_time(ctx.now)
    state = shop.state_at(ctx.now)
    name = particle(shop.name, "은", "는")
    today = shop.by_day.get(now.weekday())
    if not shop.hours_known and state.reason != "override":
        return Reply(f"{name} 영업시간 정보가 없어요. 가기 전에 전화로 확인해 보세요.")
    parts = []
    if today is not None and now.date() not in shop.closures:
        hours = f"오늘 {hhmm(today.opens_at)}~{hhmm(today.closes_at)} 영업"
        if today.break_start is not None and today.break_end is not None:
            hours += f" (쉬는 시간 {hhmm(today.break_start)}~{hhmm(today.break_end)})"
        parts.append(f"{name} {hours}해요.")
    else:
        parts.append(f"{name} 오늘 쉬는 날이에요.")
    if state.is_open:
        parts.append("지금 영업 중이에요.")
    elif state.reason == "override":
        parts.append("가게 사정으로 지금은 문을 닫았어요.")
    elif state.reason == "break":
        parts.append("지금은 쉬는 시간이에요.")
    if not state.is_open and state.opens_at is not None:
        opens = local_time(state.opens_at)
        day = (
            ""
            if opens.date() == now.date()
            else ("내일 " if (opens.date() - now.date()).days == 1 else f"{WEEKDAYS[opens.weekday()]}요일 ")
        )
        parts.append(f"{day}{opens:%H:%M}에 열어요.")
    return Reply(" ".join(parts))

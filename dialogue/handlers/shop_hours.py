"""Opening hours of one shop: the one just recommended ("거기 몇 시까지 해?") or one named ("김밥천국 몇 시까지 해?")."""

from __future__ import annotations

import re
from datetime import date

from dialogue.korean import hhmm, particle
from dialogue.recommend.catalogue import CatalogueShop, CatalogueSnapshot
from dialogue.recommend.when import asked_day, day_words
from dialogue.turn import Reply, TurnContext
from storage.hours import DayHours, local_time

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


def day_hours(row: DayHours) -> str:
    """One day's hours as said: "09:00~21:00", "24시간", with the break ("(쉬는 시간 15:00~17:00)")."""
    if row.all_day:
        hours = "24시간"
    else:
        hours = f"{hhmm(row.opens_at)}~{hhmm(row.closes_at)}"
    if row.break_start is not None and row.break_end is not None:
        hours += f" (쉬는 시간 {hhmm(row.break_start)}~{hhmm(row.break_end)})"
    return hours


def day_name(day: date, today: date) -> str:
    """ "오늘", "내일", "모레" or the weekday ("토요일")."""
    return day_words(day, today).strip() or "오늘"


def hours_reply(shop: CatalogueShop, ctx: TurnContext) -> Reply:
    """The shop's hours today and whether it is open now; on the day asked instead when one was ("내일도 해?")."""
    now = local_time(ctx.now)
    state = shop.state_at(ctx.now)
    name = particle(shop.name, "은", "는")
    if not shop.hours_known and state.reason != "override":
        return Reply(f"{name} 영업시간 정보가 없어요. 가기 전에 전화로 확인해 보세요.")
    asked = asked_day(now.date(), ctx.understanding.time)
    if asked is not None and asked != now.date():
        row = shop.by_day.get(asked.weekday())
        when = day_name(asked, now.date())
        if row is None or asked in shop.closures:
            return Reply(f"{name} {particle(when, '은', '는')} 쉬는 날이에요.")
        return Reply(f"{name} {when} {day_hours(row)} 영업해요.")
    today = shop.by_day.get(now.weekday())
    parts = []
    if today is not None and now.date() not in shop.closures:
        parts.append(f"{name} 오늘 {day_hours(today)} 영업해요.")
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
        day = "" if opens.date() == now.date() else day_name(opens.date(), now.date()) + " "
        parts.append(f"{day}{opens:%H:%M}에 열어요.")
    return Reply(" ".join(parts))

"""The judge of `kkini eval recommend`: each rule catches what it names, and a right reply breaks none."""

from __future__ import annotations

from datetime import date

from dialogue.account import CardView
from dialogue.card_help import card_trouble
from dialogue.messages import Button, Card
from dialogue.recommend.judge import Seen, Wanted, judge
from storage.models import CardStatus
from tests.dialogue.recommend.builders import GANGNAM, around, at, shop, snapshot, week

CATALOGUE = snapshot(
    shop(1, ("떡볶이", 4000), ("치즈떡볶이", 5000), name="분식집"),
    shop(2, ("후라이드치킨", 18000), ("치킨마요덮밥", 6000), category="치킨", name="치킨집"),
    shop(3, ("치킨버거", 4500), category="햄버거", name="버거집"),
    shop(4, ("김밥", 3000), name="먼김밥", point=around(4000, 0)),
    shop(5, ("짜장면", 6000), category="중식", name="중국집", hours=week("11:00", "15:00")),
    shop(6, ("김밥", 3000), name="현금만", card_acceptance="N"),
)
NOON = at("12:30")


def card_of(**fields: object) -> CardView:
    values: dict[str, object] = {
        "card_id": "c1",
        "number_masked": "9410-****-****-0001",
        "program": "서울 꿈나무카드",
        "program_code": "seoul-kkumnamu",
        "status": CardStatus.ACTIVE,
        "balance": 38000,
        "daily_limit": 28500,
        "spent_today": 0,
        "monthly_limit": 300000,
        "meal_amount": 9500,
        "next_top_up": date(2026, 12, 1),
    }
    values.update(fields)
    return CardView(**values)  # type: ignore[arg-type]


def listed(*items: tuple[int, str, int], text: str = "지금 갈 수 있는 곳이에요.") -> Seen:
    cards = tuple(
        Card(
            title=f"가게{shop_id}", description=f"{name} {price:,}원\n지금 영업 중", price=price, ref=f"shop:{shop_id}"
        )
        for shop_id, name, price in items
    )
    lines = [text, *(f"{rank}. {card.title}" for rank, card in enumerate(cards, start=1))]
    return Seen("\n".join(lines), cards)


def broken(seen: Seen, wanted: Wanted, card: CardView | None = None) -> dict[str, int]:
    return judge(seen, wanted, CATALOGUE, card if card is not None else card_of()).broken


def test_a_reply_that_fits_breaks_no_rule() -> None:
    wanted = Wanted(at=NOON, food_categories=("분식",), food_dishes=("떡볶이",), budget=5000, near=GANGNAM)
    assert (
        broken(
            listed((1, "떡볶이", 4000), (1, "치즈떡볶이", 5000), text="5,000원으로 지금 갈 수 있는 곳이에요."), wanted
        )
        == {}
    )


def test_food_by_meaning_not_by_substring() -> None:
    wanted = Wanted(at=NOON, food_categories=("치킨",), food_dishes=("치킨",))
    assert broken(listed((2, "치킨마요덮밥", 6000)), wanted) == {}  # a dish of a chicken shop is chicken
    assert broken(listed((3, "치킨버거", 4500)), wanted) == {"off_request": 1}  # a burger is not chicken


def test_money_rules_count_the_price_charged() -> None:
    wanted = Wanted(at=NOON, budget=5000)
    assert broken(listed((5, "짜장면", 6000)), wanted) == {"over_budget": 1}
    assert broken(listed((2, "후라이드치킨", 18000)), Wanted(at=NOON)) == {"over_meal_amount": 1}
    poor = card_of(balance=4000)
    assert broken(listed((1, "치즈떡볶이", 5000)), Wanted(at=NOON), poor) == {"over_card_money": 1}
    shown_less = Seen(
        "지금 갈 수 있는 곳이에요.", (Card(title="가게1", description="떡볶이 3,000원", price=3000, ref="shop:1"),)
    )
    assert broken(shown_less, Wanted(at=NOON)) == {"price_not_charged": 1}


def test_place_time_and_card_acceptance() -> None:
    assert broken(listed((4, "김밥", 3000)), Wanted(at=NOON, near=GANGNAM)) == {"far_from_place": 1}
    evening = Wanted(at=at("19:00"), now=False)
    assert broken(listed((5, "짜장면", 6000), text="저녁 19:00에 열려 있는 곳이에요."), evening) == {"closed": 1}
    assert broken(listed((6, "김밥", 3000)), Wanted(at=NOON)) == {"card_not_accepted": 1}
    says_now = listed((1, "떡볶이", 4000), text="저녁 19:00에 열려 있는 곳이에요. 지금 영업 중")
    assert broken(says_now, Wanted(at=at("19:00"), now=False)) == {"time_words": 1}


def test_numbers_the_child_never_said() -> None:
    invented = listed((1, "떡볶이", 4000), text="28,500원으로 지금 갈 수 있는 곳이에요.")
    assert broken(invented, Wanted(at=NOON)) == {"invented_budget": 1}
    fact = listed((1, "떡볶이", 4000), text="지금 갈 수 있는 곳이에요. 오늘 쓸 수 있는 돈 28,500원으로 골랐어요.")
    assert "invented_budget" not in broken(fact, Wanted(at=NOON))
    miscounted = listed((1, "떡볶이", 4000), text="2곳을 찾았어요.")
    assert broken(miscounted, Wanted(at=NOON)) == {"wrong_count": 1}


def test_a_card_that_cannot_pay_is_explained_before_anything_else() -> None:
    lost = card_of(status=CardStatus.LOST)
    trouble = card_trouble(lost)
    assert trouble is not None
    assert broken(Seen("지금은 갈 수 있는 곳이 없어요."), Wanted(at=NOON, expect="no_list"), lost) == {
        "card_unexplained": 1
    }
    assert broken(Seen(trouble.full()), Wanted(at=NOON, expect="no_list"), lost) == {}
    assert broken(Seen(trouble.answer()), Wanted(at=NOON, expect="no_list"), lost) == {}
    # A list asked for in cash is judged as cash: neither the card's money nor its trouble applies.
    empty = card_of(balance=0)
    assert (
        broken(
            listed((1, "떡볶이", 4000), text="현금으로 지금 갈 수 있는 곳이에요."),
            Wanted(at=NOON, expect="cash"),
            empty,
        )
        == {}
    )


def test_missed_questions_and_lists() -> None:
    asked = Seen("어디 근처야?", buttons=(Button("강남역 근처", "강남역 근처"), Button("공덕역 근처", "공덕역 근처")))
    assert broken(asked, Wanted(at=NOON, expect="ask_place")) == {}
    assert broken(Seen("지금 갈 수 있는 곳이 없어요."), Wanted(at=NOON, expect="ask_place")) == {"missed_ask_place": 1}
    assert broken(Seen("지금 갈 수 있는 곳이 없어요."), Wanted(at=NOON)) == {"missed_list": 1}
    which = Seen(
        "어느 가게 말이에요?", buttons=(Button("1번 분식집", "shown:when:1"), Button("2번 치킨집", "shown:when:2"))
    )
    assert broken(which, Wanted(at=NOON, expect="ask_which")) == {}
    answered_first = Seen("분식집은 오늘 11:00~21:00 영업해요.")
    assert broken(answered_first, Wanted(at=NOON, expect="ask_which")) == {"missed_ask_which": 1}

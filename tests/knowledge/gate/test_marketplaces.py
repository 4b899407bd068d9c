"""The marketplace rule on its own: names, spellings, and everyday words that only look like names."""

from __future__ import annotations

import pytest

from knowledge.gate.marketplaces import about_other_marketplace, names_ours, other_marketplace, without_marketplaces


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("쿠팡 정산 언제 돼요", "쿠팡"),
        ("11번가 입점 방법", "11번가"),
        ("지마켓 수수료", "지마켓"),
        ("Gmarket 판매자 센터", "gmarket"),
        ("G 마켓 반품", "g 마켓"),
        ("옥션에서 팔고 싶어요", "옥션"),
        ("위메프 정산 지연", "위메프"),
        ("티몬 판매자", "티몬"),
        ("무신사 입점", "무신사"),
        ("에이블리 셀러", "에이블리"),
        ("지그재그 파트너", "지그재그"),
        ("카카오톡 선물하기 입점", "카카오톡 선물하기"),
        ("아마존 FBA", "아마존"),
        ("eBay 셀러 등록", "ebay"),
        ("당근마켓 판매 글", "당근마켓"),
        ("번개장터 수수료", "번개장터"),
        ("알리익스프레스 배송", "알리익스프레스"),
        ("ably 입점", "ably"),
    ],
)
def test_other_marketplaces_are_named(query: str, name: str) -> None:
    assert other_marketplace(query) == name
    assert about_other_marketplace(query)


@pytest.mark.parametrize(
    "query",
    [
        "당근 판매 가능한가요?",  # the vegetable
        "구매자에게 알리고 싶어요",  # 알리다, not AliExpress
        "probably a typo in my product name",  # "ably" inside a word
        "카카오톡으로 알림 받을 수 있나요",  # a messenger, not a marketplace
        "톡톡 상담 설정",
        "정산은 언제 되나요?",
    ],
)
def test_everyday_words_are_not_marketplaces(query: str) -> None:
    assert not about_other_marketplace(query)


@pytest.mark.parametrize(
    "query",
    ["쿠팡이랑 스마트스토어 수수료 비교", "11번가 상품을 네이버 스마트 스토어로 옮기기", "G마켓 말고 smartstore"],
)
def test_naming_ours_beside_another_lifts_the_rule(query: str) -> None:
    assert other_marketplace(query) is not None
    assert names_ours(query)
    assert not about_other_marketplace(query)


def test_names_are_removed_for_the_suggestion_search() -> None:
    assert without_marketplaces("쿠팡 로켓그로스 정산 언제 돼요?") == "정산 언제 돼요"

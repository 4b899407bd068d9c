"""Plausible Korean shop names: word parts per category, joined the way signboards join them.

The names are invented ("행복분식", "태화각", "바삭치킨 역삼점"); only convenience stores carry the real chain names,
as they stand on every corner and merchant lists name them so.
"""

from __future__ import annotations

import random

from storage.sample.areas import Area


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# (prefixes, suffixes, format) per category; the format joins one prefix and one suffix.
NAME_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "한식": (
        _words("고향 시골 전주 할머니 엄마손 산골 정든 토담 옛골 소담 청기와 남도 한옥 들꽃"),
        _words("식당 밥상 백반 집밥 한식 찌개 칼국수 보리밥 냉면"),
        "{p}{s}",
    ),
    "분식": (
        _words("행복 엄마손 소문난 꼬마 청춘 우리동네 신당 달인 맛나 학교앞 모퉁이 바른 오늘 고봉"),
        _words("분식 김밥 떡볶이 분식나라 김밥천지"),
        "{p}{s}",
    ),
    "중식": (
        _words("홍콩 북경 상해 만리 태화 진미 동해 신흥 복성 용궁 영빈 취영 개화 일품"),
        _words("반점 각 루 성 원 관 짬뽕"),
        "{p}{s}",
    ),
    "일식": (
        _words("사쿠라 하루 미소 유키 긴자 하나 코코 모리 오사카 소라 멘야 카나"),
        _words("스시 카츠 돈까스 라멘 우동 초밥 식당"),
        "{p}{s}",
    ),
    "양식": (
        _words("로마 올리브 토마토 봉주르 어반 리틀 포크앤 라구 바질 모던"),
        _words("키친 파스타 비스트로 경양식 다이닝 오므라이스"),
        "{p} {s}",
    ),
    "치킨": (
        _words("바삭 황금 옛날 동네 꼬꼬 두마리 촌닭 후라이 꿀닭 닭터 크리스피"),
        _words("치킨 통닭 치킨집 닭강정"),
        "{p}{s}",
    ),
    "피자": (
        _words("화덕 도우 빅 반값 나폴리 뉴욕 치즈 수제 골목 피자앤"),
        _words("피자 피자하우스 피자집"),
        "{p}{s}",
    ),
    "햄버거": (
        _words("수제 빅 브라더 동네 패티 오리지널 더블 크라운"),
        _words("버거 버거하우스 버거스"),
        "{p}{s}",
    ),
    "국밥": (
        _words("할매 원조 부산 명가 토종 24시 옛날 가마솥 소문난 장터 진국"),
        _words("국밥 순대국 해장국 설렁탕 곰탕"),
        "{p}{s}",
    ),
    "도시락": (
        _words("한끼 밥심 오늘 엄마 든든 바른 따끈 집밥"),
        ("도시락", "도시락 전문점"),
        "{p}{s}",
    ),
    "카페/디저트": (
        _words("모모 온도 봄날 소소 하루 다락 구름 민트 라라 오후 숲 노을 달빛 몽글"),
        ("카페 {p}", "{p} 커피", "{p} 디저트", "{p}카페", "{p} 빙수"),
        "",
    ),
    "제과점": (
        _words("밀 보리 햇살 우리 동네 고소한 팡팡 오븐 제일 새벽"),
        _words("베이커리 제과 빵집 브레드"),
        "{p}{s}",
    ),
}

CONVENIENCE_BRANDS: tuple[str, ...] = ("CU", "GS25", "세븐일레븐", "이마트24")

# A name that promises a dish ("OO칼국수") must put it on the menu: suffix -> word in the dish's name.
SIGNATURES: dict[str, str] = {
    "김밥": "김밥",
    "김밥천지": "김밥",
    "떡볶이": "떡볶이",
    "찌개": "찌개",
    "칼국수": "칼국수",
    "보리밥": "보리밥",
    "냉면": "냉면",
    "백반": "백반",
    "짬뽕": "짬뽕",
    "스시": "초밥",
    "초밥": "초밥",
    "카츠": "돈까스",
    "돈까스": "돈까스",
    "라멘": "라멘",
    "우동": "우동",
    "파스타": "파스타",
    "오므라이스": "오므라이스",
    "경양식": "돈까스",
    "닭강정": "치킨",
    "순대국": "순대",
    "해장국": "해장국",
    "설렁탕": "설렁탕",
    "곰탕": "곰탕",
    "{p} 빙수": "빙수",
}


def shop_name(category: str, area: Area, rng: random.Random, taken: set[str], near: str) -> tuple[str, str | None]:
    """A name not yet in ``taken`` (which it joins) and the dish word the name promises, if any.

    ``near`` is the branch word of the location ("역삼"): chains, convenience stores always, take it as their
    branch name; when a name is taken, another neighbourhood of the area tells the two shops apart.
    """
    for attempt in range(60):
        branch = near if attempt < 4 else rng.choice(area.branches)
        if category == "편의점":
            name, signature = f"{rng.choice(CONVENIENCE_BRANDS)} {branch}점", None
        else:
            prefixes, suffixes, fmt = NAME_PARTS[category]
            prefix, suffix = rng.choice(prefixes), rng.choice(suffixes)
            name = suffix.format(p=prefix) if not fmt else fmt.format(p=prefix, s=suffix)
            signature = SIGNATURES.get(suffix)
            if attempt >= 4 or rng.random() < 0.25:
                name = f"{name} {branch}점"
        if name not in taken:
            taken.add(name)
            return name, signature
    raise RuntimeError(f"could not find a free shop name for {category} in {area.code}")

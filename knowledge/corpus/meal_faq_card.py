"""kkini's meal-card FAQ, part one: the card itself. How to pay, where it works, how much, and what to do when it
stops working. Amounts are the public figures of the regions named; anything that differs by region says so."""

from __future__ import annotations

from knowledge.corpus.meal_items import MealFaqItem

CARD_ITEMS: tuple[MealFaqItem, ...] = (
    # 사용방법
    MealFaqItem(
        "pay-how",
        "급식카드로 어떻게 결제해요?",
        "다른 카드랑 똑같아요. 음식을 고르고 계산대에서 카드를 내거나 단말기에 꽂으면 돼요. "
        "결제가 안 되면 그 가게가 급식카드 가맹점인지, 잔액이 남아 있는지 먼저 확인해 보세요.",
        ("사용방법",),
        ("counter-what-to-say", "payment-declined", "find-shop"),
    ),
    MealFaqItem(
        "counter-what-to-say",
        "계산할 때 급식카드라고 말해야 해요?",
        "아니요, 따로 말하지 않아도 돼요. 먹고 싶은 메뉴를 주문하고 보통 카드처럼 내면 끝이에요. "
        "겉으로 보기에도 일반 카드와 크게 다르지 않아요.",
        ("사용방법",),
        ("pay-how", "worry-friends-know"),
    ),
    MealFaqItem(
        "who-uses-card",
        "급식카드는 누가 쓸 수 있어요?",
        "카드를 받은 어린이나 청소년 본인이 밥을 먹을 때 쓰는 카드예요. "
        "다른 사람에게 빌려주거나 팔면 안 되고, 친구 밥값을 내는 데 쓰는 것도 안 돼요.",
        ("사용방법",),
        ("treat-friend", "how-to-apply"),
    ),
    MealFaqItem(
        "how-to-apply",
        "급식카드는 어떻게 신청해요?",
        "보통 만 18세 미만 아이들 가운데 끼니를 거를 걱정이 있는 아이가 받을 수 있고, 보호자가 사는 곳의 "
        "주민센터(행정복지센터)에 신청해요. 누가 받을 수 있는지 기준은 지역마다 다를 수 있어요. "
        "자세한 건 주민센터에 확인해 주세요.",
        ("신청",),
        ("who-uses-card", "moving-house"),
    ),
    MealFaqItem(
        "treat-friend",
        "친구 밥도 같이 계산해 줘도 돼요?",
        "마음은 정말 고맙지만, 급식카드는 카드를 받은 사람 본인의 식사를 위한 거라서 친구 것은 계산하면 안 돼요. "
        "친구 메뉴는 따로 계산하도록 하면 돼요.",
        ("사용방법",),
        ("who-uses-card",),
    ),
    MealFaqItem(
        "guardian-shopping",
        "보호자가 카드로 장을 봐도 돼요?",
        "급식카드는 아이가 밥을 먹기 위한 카드라서 쓸 수 있는 가게와 물건이 정해져 있어요. "
        "보호자가 함께 쓰거나 반찬·식재료를 사는 것이 되는지는 지역마다 다를 수 있어요. 주민센터에 확인해 주세요.",
        ("사용방법",),
        ("where-seoul", "supermarket"),
    ),
    MealFaqItem(
        "pay-more-than-limit",
        "먹고 싶은 메뉴가 한 끼 금액보다 비싸면 어떡해요?",
        "한 끼 금액을 넘는 결제는 승인이 안 될 수 있어요. 남는 금액을 현금이나 다른 카드로 나눠 낼 수 있는지는 "
        "가게와 지역마다 달라서 계산 전에 가게에 물어보는 게 좋아요. 끼니에게 물어보면 잔액과 한 끼 금액 안에서 먹을 수 "
        "있는 메뉴를 골라 줘요.",
        ("한도",),
        ("seoul-meal-amount", "recommend-menu", "payment-declined"),
    ),
    # 사용처
    MealFaqItem(
        "where-seoul",
        "서울에서는 어떤 가게에서 쓸 수 있어요?",
        "서울 꿈나무카드는 한식, 양식, 중식, 일식, 일반대중음식, 편의점, 패스트푸드, 제과점 이렇게 8가지 업종의 "
        "가맹점에서 쓸 수 있어요. 같은 업종이라도 가맹점으로 등록된 가게에서만 결제돼요. "
        "끼니에게 물어보면 지금 카드를 쓸 수 있는 가게를 찾아 줘요.",
        ("사용처",),
        ("find-shop", "blocked-items", "convenience-store"),
    ),
    MealFaqItem(
        "blocked-items",
        "급식카드로 살 수 없는 건 뭐예요?",
        "술, 담배, 복권, 상품권은 급식카드로 살 수 없어요. 급식카드는 밥을 먹기 위한 카드라서 이런 물건은 "
        "결제가 막혀 있어요.",
        ("사용처",),
        ("convenience-store", "where-seoul"),
    ),
    MealFaqItem(
        "convenience-store-meal",
        "편의점에서도 급식카드를 쓸 수 있어요?",
        "네, 급식카드 가맹점으로 등록된 편의점이라면 쓸 수 있어요. 도시락, 김밥, 샌드위치처럼 끼니가 되는 음식을 "
        "살 수 있고, 과자나 음료는 식사와 함께일 때만 살 수 있어요. 규칙은 지역마다 다를 수 있으니 주민센터에 확인해 "
        '주세요. 끼니에게 "근처 편의점 알려줘"라고 물어보면 지금 갈 수 있는 곳을 찾아 줄게요.',
        ("사용처",),
        ("convenience-store", "blocked-items", "find-shop"),
    ),
    MealFaqItem(
        "convenience-store",
        "편의점에서 과자만 사도 돼요?",
        "서울에서는 과자 같은 간식만 따로 살 수는 없어요. 4,000원 이상인 도시락이나 김밥 같은 식사를 살 때 "
        "간식을 3,000원까지 함께 살 수 있어요. 다른 지역은 규칙이 다를 수 있으니 주민센터에 확인해 주세요.",
        ("사용처",),
        ("blocked-items", "where-seoul"),
    ),
    MealFaqItem(
        "find-shop",
        "근처에 급식카드 되는 가게를 어떻게 찾아요?",
        '끼니에게 "근처 밥집 알려줘"처럼 말해 보세요. 지금 문을 열었고 급식카드를 받는 가게 가운데 '
        "남은 잔액으로 먹을 수 있는 곳을 골라서 보여 줘요.",
        ("사용처", "끼니기능"),
        ("open-now", "recommend-menu", "where-seoul"),
    ),
    MealFaqItem(
        "shop-refused",
        "가게에서 급식카드는 안 받는다고 했어요.",
        "속상했겠어요. 잘못한 건 하나도 없어요. 끼니에게 말하면 가까운 곳에서 카드를 받는 다른 가게를 바로 "
        "찾아 줄게요. 가맹점 표시가 있는데도 거절당했다면 보호자와 함께 카드를 발급한 주민센터에 알려 주세요.",
        ("사용처", "마음"),
        ("find-shop", "worry-shop-staff"),
    ),
    MealFaqItem(
        "other-region",
        "다른 동네나 다른 지역에서도 쓸 수 있어요?",
        "같은 지역 안에서는 가맹점이면 어느 동네에서나 쓸 수 있는 경우가 많아요. 하지만 카드를 발급한 "
        "지역 밖에서도 되는지는 지역마다 다를 수 있어요. 주민센터에 확인해 주세요.",
        ("사용처",),
        ("moving-house", "where-seoul"),
    ),
    MealFaqItem(
        "delivery-app",
        "배달앱으로 시킬 때도 급식카드를 쓸 수 있어요?",
        "배달 주문에 급식카드를 쓸 수 있는지는 지역마다 달라요. 사는 곳에서 되는지는 주민센터에 확인해 주세요. "
        "끼니로는 제휴 가게에 주문을 넣고, 가게에서 음식을 받을 때 카드로 계산할 수 있어요.",
        ("사용처", "주문"),
        ("order-how", "pay-at-shop"),
    ),
    MealFaqItem(
        "bakery",
        "빵집에서도 쓸 수 있어요?",
        "네, 서울에서는 제과점도 급식카드를 쓸 수 있는 업종이에요. 다만 가맹점으로 등록된 빵집이어야 해요. "
        "끼니에게 물어보면 카드가 되는 빵집을 찾아 줘요.",
        ("사용처",),
        ("where-seoul", "find-shop"),
    ),
    MealFaqItem(
        "supermarket",
        "마트에서 장 볼 때도 돼요?",
        "서울 꿈나무카드가 되는 8가지 업종에는 마트가 들어 있지 않아요. 다른 지역은 기준이 다를 수 있으니 "
        "주민센터에 확인해 주세요.",
        ("사용처",),
        ("where-seoul", "guardian-shopping"),
    ),
    # 한도와 잔액
    MealFaqItem(
        "seoul-meal-amount",
        "서울 꿈나무카드는 한 끼에 얼마까지 쓸 수 있어요?",
        "2025년 서울 꿈나무카드는 한 끼에 9,500원까지 쓸 수 있어요. 2024년에는 9,000원이었어요. "
        "금액은 해마다 바뀔 수 있으니 새해에는 한 번 확인해 보세요.",
        ("한도",),
        ("daily-meals", "other-region-amount", "balance-check"),
    ),
    MealFaqItem(
        "daily-meals",
        "하루에 몇 번까지 쓸 수 있어요?",
        "서울은 보통 하루 세 끼 정도가 최대예요. 금액으로는 하루 27,000원에서 28,500원쯤이에요. "
        "하루 한도를 다 쓰면 다음 날까지 결제가 안 되고, 정확한 한도는 카드마다 다를 수 있어요.",
        ("한도",),
        ("seoul-meal-amount", "payment-declined", "balance-check"),
    ),
    MealFaqItem(
        "other-region-amount",
        "춘천이나 경기도는 한 끼 금액이 달라요?",
        "네, 지역마다 달라요. 춘천은 한 끼 10,000원이고, 경기도 G드림카드는 2021년부터 한 끼 7,000원이었어요. "
        "금액은 바뀔 수 있으니 정확한 건 주민센터에 확인해 주세요.",
        ("한도",),
        ("seoul-meal-amount", "daily-meals"),
    ),
    MealFaqItem(
        "monthly-load",
        "카드에 돈은 언제 들어와요?",
        "보통 한 달에 한 번 그달에 쓸 금액이 들어와요. 들어오는 날짜는 지역마다 다를 수 있으니 주민센터에 확인해 주세요. "
        "끼니에게 잔액을 물어보면 지금 남은 금액을 알려 줘요.",
        ("한도", "잔액"),
        ("balance-check", "leftover-balance"),
    ),
    MealFaqItem(
        "leftover-balance",
        "이번 달에 다 못 쓴 돈은 어떻게 돼요?",
        "남은 금액을 다음 달에 이어서 쓸 수 있는지는 지역마다 달라요. 사는 곳의 규칙은 주민센터에 확인해 주세요.",
        ("한도", "잔액"),
        ("monthly-load", "balance-check"),
    ),
    MealFaqItem(
        "balance-check",
        "잔액은 어떻게 확인해요?",
        '끼니에게 "잔액 알려줘"라고 말하면 남은 금액과 오늘 더 쓸 수 있는 금액을 알려 줘요. '
        "그 밖의 잔액 조회 방법은 지역과 카드마다 다를 수 있어요.",
        ("잔액", "끼니기능"),
        ("low-balance-alert", "monthly-load", "daily-meals"),
    ),
    MealFaqItem(
        "payment-declined",
        "결제가 갑자기 안 돼요. 왜 그래요?",
        "잔액이 모자라거나, 오늘 쓸 수 있는 한도를 다 썼거나, 한 끼 금액을 넘었을 때 결제가 안 될 수 있어요. "
        "가맹점이 아니거나 카드가 정지되었을 수도 있어요. 끼니에게 잔액을 물어보고, 그래도 모르겠으면 주민센터에 "
        "확인해 주세요.",
        ("한도", "카드문제"),
        ("balance-check", "card-suspended", "pay-more-than-limit"),
    ),
    MealFaqItem(
        "vacation",
        "방학 때도 급식카드를 쓸 수 있어요?",
        "네, 방학에도 쓸 수 있는 경우가 대부분이에요. 다만 방학 동안 지원하는 끼니 수나 금액은 지역마다 다를 수 "
        "있으니 주민센터에 확인해 주세요.",
        ("한도",),
        ("daily-meals", "monthly-load"),
    ),
    # 카드 문제
    MealFaqItem(
        "card-lost",
        "카드를 잃어버렸어요. 어떻게 해요?",
        "먼저 보호자에게 알리고, 카드를 발급해 준 주민센터에 바로 연락해서 분실 신고와 재발급을 물어보세요. "
        "빨리 신고할수록 다른 사람이 쓰는 걸 막을 수 있어요. 끼니는 카드를 다시 만들어 줄 수는 없어요.",
        ("카드문제",),
        ("card-misused", "card-suspended", "kkini-cannot"),
    ),
    MealFaqItem(
        "card-suspended",
        "카드가 정지됐다고 나와요.",
        "카드가 정지되면 가맹점에서도 결제가 안 돼요. 왜 정지됐는지와 다시 쓰는 방법은 카드를 발급해 준 "
        "주민센터에 물어봐 주세요.",
        ("카드문제",),
        ("card-expired", "payment-declined", "card-lost"),
    ),
    MealFaqItem(
        "card-expired",
        "카드 유효기간이 지났어요.",
        "유효기간이 지난 카드는 결제가 안 돼요. 새 카드를 받는 방법은 카드를 발급해 준 주민센터에 물어봐 주세요.",
        ("카드문제",),
        ("card-suspended", "card-damaged"),
    ),
    MealFaqItem(
        "card-damaged",
        "카드가 휘거나 긁혀서 단말기에서 안 읽혀요.",
        "카드가 망가지면 결제가 잘 안 될 수 있어요. 카드를 발급해 준 주민센터에 재발급을 물어봐 주세요.",
        ("카드문제",),
        ("card-expired", "card-lost"),
    ),
    MealFaqItem(
        "card-misused",
        "누가 내 카드를 몰래 쓴 것 같아요.",
        "많이 놀랐겠어요. 바로 보호자에게 말하고, 카드를 발급해 준 주민센터에 연락해서 카드를 멈춰 달라고 해 "
        "주세요. 끼니에서 잔액을 확인해 보고 이상한 점이 있으면 그것도 함께 알려 주세요.",
        ("카드문제",),
        ("card-lost", "balance-check"),
    ),
    MealFaqItem(
        "moving-house",
        "이사 가면 카드는 어떻게 돼요?",
        "급식카드는 사는 지역에서 지원하는 거라서 이사를 가면 달라질 수 있어요. 이사하기 전에 보호자와 함께 "
        "주민센터에 알리고, 새로 사는 곳에서 어떻게 받는지 물어봐 주세요.",
        ("카드문제", "신청"),
        ("how-to-apply", "other-region"),
    ),
)

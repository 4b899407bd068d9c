"""kkini's meal-card FAQ, part two: what kkini itself does. Finding shops, balance and notifications, ordering at
partner shops, what it keeps about you, and the worries children bring with the card."""

from __future__ import annotations

from knowledge.corpus.meal_items import MealFaqItem

KKINI_ITEMS: tuple[MealFaqItem, ...] = (
    # 끼니 기능
    MealFaqItem(
        "what-is-kkini",
        "끼니는 뭘 도와줘요?",
        "끼니는 급식카드로 밥 먹는 걸 도와주는 챗봇이에요. 지금 문 연 가맹점 찾기, 잔액 확인, 메뉴 추천, 쿠폰 "
        "안내, 제휴 가게 주문을 도와줘요. 잔액이 적어지면 알림도 보내 줘요.",
        ("끼니기능",),
        ("find-shop", "balance-check", "order-how"),
    ),
    MealFaqItem(
        "open-now",
        "지금 문 연 가게만 볼 수 있어요?",
        "네, 끼니는 가게를 찾을 때 지금 영업 중인지 먼저 살펴봐요. 문을 닫았거나 급식카드를 받지 않는 가게는 "
        "빼고 보여 줘요. 영업시간이 갑자기 바뀌는 날도 있으니 가기 전에 한 번 더 확인하면 좋아요.",
        ("끼니기능", "사용처"),
        ("find-shop", "recommend-menu"),
    ),
    MealFaqItem(
        "recommend-menu",
        "오늘 뭐 먹을지 추천해 줄 수 있어요?",
        '그럼요! "점심 뭐 먹지?"나 "떡볶이 먹고 싶어"처럼 편하게 말해 주세요. 남은 잔액과 한 끼 금액 안에서 '
        "먹을 수 있는 메뉴와 가게를 골라 줘요.",
        ("끼니기능",),
        ("find-shop", "pay-more-than-limit", "coupons"),
    ),
    MealFaqItem(
        "coupons",
        "쿠폰도 받을 수 있어요?",
        '가게에서 준비한 쿠폰이 있으면 끼니가 알려 줘요. "쿠폰 있어?"라고 물어봐도 돼요. '
        "쿠폰마다 쓸 수 있는 메뉴와 기간이 다르니 안내를 꼭 읽어 보세요.",
        ("끼니기능",),
        ("recommend-menu", "order-how"),
    ),
    MealFaqItem(
        "kkini-cannot",
        "끼니가 카드에 돈을 넣어 주거나 한도를 올려 줄 수 있어요?",
        "아니요, 끼니는 카드 정보를 보여 주고 가게를 찾아 주는 도우미라서 충전이나 한도 변경은 할 수 없어요. "
        "충전, 한도, 재발급은 카드를 발급해 준 주민센터에서 도와줘요.",
        ("끼니기능",),
        ("monthly-load", "card-lost", "what-is-kkini"),
    ),
    MealFaqItem(
        "which-messenger",
        "끼니는 어디에서 쓸 수 있어요?",
        "카카오톡이나 텔레그램 같은 메신저, 그리고 웹 채팅에서 끼니와 이야기할 수 있어요. "
        "어디에서 쓰든 할 수 있는 일은 같아요.",
        ("끼니기능",),
        ("what-is-kkini",),
    ),
    # 알림
    MealFaqItem(
        "low-balance-alert",
        "잔액이 얼마 안 남으면 알려 줘요?",
        "네, 잔액이 정해진 금액보다 적어지면 끼니가 알림을 보내 줘요. 기본으로는 5,000원보다 적어질 때 알려 줘요. "
        '알림이 필요 없으면 "알림 꺼줘"라고 말하면 돼요.',
        ("알림", "잔액"),
        ("notifications-off", "quiet-hours", "balance-check"),
    ),
    MealFaqItem(
        "quiet-hours",
        "밤에도 알림이 와요?",
        "밤에는 알림을 보내지 않고 기다렸다가 아침에 보내요. 기본으로는 밤 9시부터 아침 8시까지가 조용한 "
        "시간이에요. 푹 자야 하니까요!",
        ("알림",),
        ("low-balance-alert", "notifications-off"),
    ),
    MealFaqItem(
        "notifications-off",
        "알림을 그만 받고 싶어요.",
        '끼니에게 "알림 꺼줘"라고 말하면 알림을 보내지 않아요. 나중에 다시 받고 싶어지면 그때 끼니에게 말해 '
        "주세요. 알림을 꺼도 잔액은 언제든 물어볼 수 있어요.",
        ("알림",),
        ("low-balance-alert", "quiet-hours"),
    ),
    # 주문
    MealFaqItem(
        "order-how",
        "끼니로 음식을 주문할 수 있어요?",
        "끼니와 함께하는 제휴 가게에서는 주문할 수 있어요. 메뉴를 고르면 장바구니에 담기고, 주문을 넣으면 가게 "
        "직원이 확인해 줘요. 돈은 가게에서 음식을 받을 때 급식카드로 내요.",
        ("주문",),
        ("pay-at-shop", "burger-set", "order-change"),
    ),
    MealFaqItem(
        "burger-set",
        "햄버거 세트에는 뭐가 들어 있어요?",
        "햄버거 세트는 버거 하나에 감자튀김 중간 크기와 콜라 중간 크기가 함께 나와요. "
        "세트가 한 끼 금액 안에 들어가는지 끼니가 장바구니에서 합계를 보여 줘요.",
        ("주문",),
        ("set-option-change", "order-how"),
    ),
    MealFaqItem(
        "set-option-change",
        "세트 감자튀김이나 콜라를 다른 걸로 바꿀 수 있어요?",
        "네, 같은 종류 안에서 바꿀 수 있고 가격 차이만큼 더 내면 돼요. 예를 들어 감자튀김을 양념감자로 바꾸면 "
        "600원이 더 붙고, 콜라를 사이다로 바꾸면 추가 금액이 없어요.",
        ("주문",),
        ("burger-set", "pay-more-than-limit"),
    ),
    MealFaqItem(
        "pay-at-shop",
        "끼니로 주문하면 돈은 언제 내요?",
        "끼니는 주문만 전달하고 결제는 하지 않아요. 가게에서 음식을 받을 때 급식카드로 계산하면 돼요.",
        ("주문", "사용방법"),
        ("order-how", "pay-how"),
    ),
    MealFaqItem(
        "order-change",
        "주문을 바꾸거나 취소하고 싶어요.",
        "가게 직원이 주문을 확인하기 전이라면 끼니에게 말해서 장바구니를 고칠 수 있어요. "
        "이미 가게에서 확인한 주문은 가게에 직접 말해 주세요.",
        ("주문",),
        ("order-how", "pay-at-shop"),
    ),
    # 개인정보
    MealFaqItem(
        "card-number-masked",
        "끼니에 내 카드 번호가 다 보여요?",
        "아니요, 카드 번호는 일부만 보이게 가려서 보관하고 보여 줘요. 끼니가 채팅에서 카드 번호 전체를 물어보는 "
        "일은 없으니, 누가 번호 전체나 비밀번호를 물어보면 알려 주지 마세요.",
        ("개인정보",),
        ("what-is-stored", "retention"),
    ),
    MealFaqItem(
        "what-is-stored",
        "끼니는 내 정보를 뭘 저장해요?",
        "서비스에 필요한 것만 저장해요. 메신저 계정과 연결된 카드 정보(가려진 카드 번호, 잔액, 한도), 끼니와 나눈 "
        "대화, 주문 내용 같은 것들이에요. 저장한 정보는 가게를 찾아 주고 알림을 보내는 데만 써요.",
        ("개인정보",),
        ("retention", "card-number-masked"),
    ),
    MealFaqItem(
        "retention",
        "대화 기록은 얼마나 보관해요?",
        "끼니와 나눈 대화는 365일 동안 보관해요. 앞에서 무슨 이야기를 했는지 기억하는 대화 흐름 정보는 7일 "
        "동안만 보관해요.",
        ("개인정보",),
        ("what-is-stored", "card-number-masked"),
    ),
    MealFaqItem(
        "others-see-chat",
        "다른 사람이 내가 끼니랑 나눈 대화를 볼 수 있어요?",
        "끼니와의 대화는 다른 사용자에게 보이지 않아요. 다만 휴대폰을 다른 사람이 보면 메신저 화면이 보일 수 "
        "있으니 휴대폰 잠금을 걸어 두면 좋아요.",
        ("개인정보", "마음"),
        ("what-is-stored", "worry-friends-know"),
    ),
    # 마음
    MealFaqItem(
        "worry-friends-know",
        "친구들이 알까 봐 걱정돼요.",
        "그런 걱정이 드는 건 자연스러운 일이에요. 급식카드는 겉보기에 보통 카드와 비슷하고, 계산할 때 따로 말할 "
        "필요도 없어서 친구들이 알아차리기 어려워요. 끼니가 카드를 받는 가게만 알려 주니까 계산대에서 곤란할 "
        "일도 줄어들어요. 그리고 급식카드를 쓰는 건 전혀 부끄러운 일이 아니에요.",
        ("마음",),
        ("counter-what-to-say", "feel-embarrassed", "find-shop"),
    ),
    MealFaqItem(
        "worry-shop-staff",
        "가게 사람들이 이상하게 볼까 봐 싫어요.",
        "급식카드 가맹점은 이 카드를 받기로 하고 등록한 가게라서 대부분 반갑게 맞아 줘요. "
        "혹시 불편한 일이 있었다면 끼니에게 말해 줘요. 마음 편히 갈 수 있는 다른 가게를 같이 찾아볼게요.",
        ("마음",),
        ("shop-refused", "find-shop", "feel-embarrassed"),
    ),
    MealFaqItem(
        "feel-embarrassed",
        "급식카드 쓰는 게 창피해요.",
        "창피해할 일이 전혀 아니에요. 급식카드는 모든 어린이가 밥을 잘 챙겨 먹을 수 있도록 나라와 지역에서 "
        "마련한 제도이고, 많은 친구들이 쓰고 있어요. 맛있는 걸 든든하게 먹는 게 제일 중요해요!",
        ("마음",),
        ("worry-friends-know", "worry-shop-staff", "recommend-menu"),
    ),
    MealFaqItem(
        "eat-alone",
        "혼자 밥 먹으러 가기가 좀 무서워요.",
        "처음엔 누구나 조금 떨려요. 패스트푸드점이나 편의점처럼 주문이 간단한 곳부터 가 보는 것도 방법이에요. "
        "끼니로 제휴 가게에 미리 주문해 두면 가게에서 받아서 계산만 하면 돼요.",
        ("마음", "주문"),
        ("order-how", "find-shop", "feel-embarrassed"),
    ),
)

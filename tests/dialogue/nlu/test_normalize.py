"""The display form keeps what the user wrote; the matching form folds spellings that mean the same."""

from __future__ import annotations

from dialogue.nlu.normalize import clean, for_matching, without_spaces


def test_clean_removes_control_and_zero_width_characters_and_folds_spaces() -> None:
    assert clean("  치킨\u200b 먹고\t싶어\n\n") == "치킨 먹고 싶어"
    assert clean("\ufeff안녕\x00하세요") == "안녕 하세요"


def test_clean_composes_decomposed_hangul() -> None:
    decomposed = "\u1104\u1165\u11a8\u1107\u1169\u11a9\u110b\u1175"  # 떡볶이 as conjoining jamo
    assert clean(decomposed) == "떡볶이"


def test_for_matching_shortens_laughter_crying_and_repeated_punctuation() -> None:
    assert for_matching("배고파ㅠㅠㅠㅠㅠ 빨리!!!") == "배고파ㅠㅠ 빨리!"
    assert for_matching("ㅋㅋㅋㅋㅋ 치킨??") == "ㅋㅋ 치킨?"
    assert for_matching("먹고싶다아아아아") == "먹고싶다아아"
    assert for_matching("뭐 먹지...") == "뭐 먹지."


def test_for_matching_keeps_digits_and_folds_width_and_case() -> None:
    assert for_matching("５０００원 KFC") == "5000원 kfc"
    assert for_matching("10000원") == "10000원"


def test_without_spaces() -> None:
    assert without_spaces("불고기 버거 세트") == "불고기버거세트"


def test_for_matching_writes_food_emoji_as_their_words() -> None:
    assert for_matching("🍕🥤") == "피자 음료"
    assert for_matching("🍜?") == "라면?"
    assert for_matching("배고파 🍔") == "배고파 햄버거"
    assert for_matching("☕️") == "커피"  # the presentation selector names nothing
    assert for_matching("😋😊") == "😋😊"

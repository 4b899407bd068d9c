"""Query expansion: typos, synonyms kept only when the corpus uses them, one-way colloquialisms."""

from __future__ import annotations

from knowledge.retrieval.synonyms import EXPANSION_WEIGHT, QueryExpander, TypoCorrector

CORPUS = "배송비 설정 방법. 리뷰 노출. 비밀번호 변경. 스마트스토어 판매자 정산 네이버페이 톡톡 이미지 탈퇴 해지"


def test_typos_are_corrected_in_place() -> None:
    expansion = QueryExpander(CORPUS).expand("스마트스토워 탈퇴")
    assert expansion.text == "스마트스토어 탈퇴"


def test_synonyms_expand_to_the_words_the_corpus_uses() -> None:
    expansion = QueryExpander(CORPUS).expand("택배비 얼마예요", ["택배비", "얼마"])
    assert dict(expansion.extra)["배송비"] == EXPANSION_WEIGHT
    assert "배달비" not in dict(expansion.extra)  # not in the corpus: it could never match


def test_expansion_matches_morphemes_and_hangul_substrings() -> None:
    expander = QueryExpander(CORPUS)
    assert "비밀번호" in dict(expander.expand("비번을 잊었어요").extra)
    assert "네이버페이" in dict(expander.expand("N페이 수수료", ["n", "페이", "수수료"]).extra)
    assert "톡톡" in dict(expander.expand("채팅 상담").extra)
    assert "판매자" in dict(expander.expand("셀러 가입").extra)
    latin = QueryExpander(CORPUS + " 아이디 id")
    assert "아이디" not in dict(latin.expand("idea 공유", ["idea", "공유"]).extra)
    assert "아이디" in dict(latin.expand("id 찾기", ["id", "찾"]).extra)


def test_one_way_colloquialisms() -> None:
    expander = QueryExpander(CORPUS + " 정산 금액 입금")
    assert "정산" in dict(expander.expand("돈 언제 들어와요", ["돈", "언제", "들어오"]).extra)
    # The FAQ's own word does not expand into the colloquial one.
    assert "돈" not in dict(expander.expand("정산 언제", ["정산", "언제"]).extra)


def test_typo_corrector_picks_a_known_word_one_syllable_away() -> None:
    corrector = TypoCorrector({"스마트스토어": 50, "비즈월렛": 7, "정산": 90})
    assert corrector.corrections(["비즈윌렛", "스마트스토", "정삼", "모르는말이다"]) == {
        "비즈윌렛": "비즈월렛",
        "스마트스토": "스마트스토어",
    }
    expander = QueryExpander(CORPUS + " 비즈월렛", corrector)
    assert dict(expander.expand("비즈윌렛 충전", ["비즈윌렛", "충전"]).extra)["비즈월렛"] == 0.8

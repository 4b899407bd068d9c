"""The two assistants' gates: what each one's examples, cues, rule and calibration are."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from knowledge.corpus.meal_faq import meal_faq
from knowledge.gate.examples import meal_examples, seller_examples
from knowledge.gate.marketplaces import about_other_marketplace
from knowledge.gate.scope import Calibration, ScopeGate
from knowledge.types import FaqEntry

ASSISTANTS = ("seller", "meal")

# Found by `python -m knowledge.gate.calibration` with the hybrid retriever's hits (offline embedder); the
# numbers it printed are in knowledge/gate/__init__.py.
SELLER_CALIBRATION = Calibration(
    text_threshold=0.4838,
    hits_threshold=0.4779,
    coverage_weight=1.3085,
    coverage_centre=0.2543,
    similarity_weight=1.6388,
    similarity_centre=0.4417,
)
SELLER_E5_CALIBRATION = Calibration(
    text_threshold=0.4838,
    hits_threshold=0.001998,
    coverage_weight=13.1765,
    coverage_centre=0.2995,
    question_weight=34.5439,
    question_centre=0.9161,
    passage_weight=170.6255,
    passage_centre=0.9070,
)
"""The seller gate over e5 hits: the raw cosines of the first hit's question and best passage carry most of the
decision (e5's cosines crowd into 0.85-0.95, hence the large weights). A logistic regression of the classifier's
log-odds, the coverage and the two cosines, fitted on faq_dev and faq_paraphrase_dev (each class of each set
weighted alike, the paraphrase set double), the threshold chosen for few false refusals; five-fold
cross-validation: off-topic rejection 1.000 / 0.944 (faq_dev / paraphrase), false refusals 0.022 / 0.036. No
question of either set is an example: they only set these seven numbers."""
MEAL_CALIBRATION = Calibration(
    text_threshold=0.3460,
    hits_threshold=0.3144,
    coverage_weight=2.1267,
    coverage_centre=0.1281,
    similarity_weight=0.9262,
    similarity_centre=0.3989,
)

MEAL_E5_CALIBRATION = Calibration(
    text_threshold=MEAL_CALIBRATION.text_threshold,
    hits_threshold=MEAL_CALIBRATION.hits_threshold,
    coverage_weight=MEAL_CALIBRATION.coverage_weight,
    coverage_centre=MEAL_CALIBRATION.coverage_centre,
)
"""The meal gate over e5 hits: its similarity weight was fitted on lsa cosines, which e5's do not resemble, and no
labelled meal questions exist to refit it, so the classifier and the coverage decide."""


def calibration_for(assistant: str, embedder: str) -> Calibration:
    """``assistant``'s calibration for hits from a collection built with ``embedder`` (its recorded name)."""
    e5 = embedder.startswith("e5-")
    if assistant == "seller":
        return SELLER_E5_CALIBRATION if e5 else SELLER_CALIBRATION
    return MEAL_E5_CALIBRATION if e5 else MEAL_CALIBRATION


MEAL_CUES: dict[str, tuple[str, ...]] = {
    "food": tuple(
        "떡볶이 김밥 라면 햄버거 버거 치킨 피자 돈까스 돈가스 짜장 짬뽕 국밥 덮밥 도시락 샌드위치 빵 우동 초밥 만두 "
        "냉면 순대 닭강정 제육 비빔밥 쌀국수 마라탕 탕수육 찌개 분식 한식 중식 일식 양식 국수 과자 음료 아이스크림 "
        "우유 컵라면 감자튀김 콜라 사이다 메뉴 식당 밥집 맛집 음식 반찬 간식 야식 점심 저녁 아침밥 끼니 한끼 배고 먹".split()
    ),
    "card": tuple("급식카드 급카 꿈나무 드림카드 아동급식 잔액 한도 가맹점 충전 결제".split()),
    "cooking": tuple("레시피 만드는법 끓이는법 굽는법 요리법 만들어먹".split()),
}
"""Cue groups of the meal gate: a food or card word the examples never used still reads as such."""


def example_pairs(assistant: str, held_out: bool | None = None) -> list[tuple[str, bool]]:
    """``assistant``'s written examples as (text, in_scope): the training part (False), the held-out part (True)
    or all of them (None)."""
    examples = seller_examples() if assistant == "seller" else meal_examples()
    return [(e.text, e.in_scope) for e in examples if held_out is None or e.held_out == held_out]


def build_gate(
    assistant: str,
    entries: Sequence[FaqEntry],
    calibration: Calibration,
    examples: Sequence[tuple[str, bool]],
    kept_in: Path | None = None,
) -> ScopeGate:
    """``assistant``'s gate trained on ``examples`` and its collection ``entries`` (the trained model kept in the
    folder ``kept_in`` for the next start).

    seller: meal-card FAQ questions train as out of scope and the marketplace rule applies. meal: food and card cue
    groups. Raises ValueError for an unknown assistant.
    """
    questions = [entry.question for entry in entries]
    if assistant == "seller":
        foreign = [entry.question for entry in meal_faq()]
        return ScopeGate(
            assistant,
            examples,
            calibration,
            collection=questions,
            foreign=foreign,
            rule=about_other_marketplace,
            kept_in=kept_in,
        )
    if assistant == "meal":
        return ScopeGate(assistant, examples, calibration, collection=questions, cues=MEAL_CUES, kept_in=kept_in)
    raise ValueError(f"unknown assistant {assistant!r}; expected one of {ASSISTANTS}")


def seller_gate(
    entries: Sequence[FaqEntry] = (),
    *,
    calibration: Calibration = SELLER_CALIBRATION,
    with_held_out: bool = True,
    kept_in: Path | None = None,
) -> ScopeGate:
    """The SmartStore seller gate; ``entries`` are the SmartStore FAQ entries (their questions train it too).

    ``with_held_out=False`` leaves the calibration split out of training (for calibrating and testing the gate).
    """
    return build_gate(
        "seller", entries, calibration, example_pairs("seller", None if with_held_out else False), kept_in
    )


def meal_gate(
    entries: Sequence[FaqEntry] = (),
    *,
    calibration: Calibration = MEAL_CALIBRATION,
    with_held_out: bool = True,
    kept_in: Path | None = None,
) -> ScopeGate:
    """The meal-card gate (the card and kkini itself); ``entries`` are the meal FAQ entries (``meal_faq()``)."""
    return build_gate("meal", entries, calibration, example_pairs("meal", None if with_held_out else False), kept_in)

"""First contact: two or three short questions (where they eat, what they cannot eat, what they like).

A hungry user is never made to answer first: a real request is served at once and the question follows it.
Each question can be skipped, and answers land in the user's stored preferences.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogue.messages import Button
from dialogue.nlu.types import Understanding

PREFIX = "onboard:"


@dataclass(frozen=True, slots=True)
class Question:
    step: str
    text: str
    buttons: tuple[Button, ...]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "area",
        "주로 어느 동네에서 먹어요?",
        (
            Button("강남", "onboard:area:seoul-gangnam"),
            Button("마포·홍대", "onboard:area:seoul-mapo"),
            Button("춘천", "onboard:area:chuncheon"),
            Button("건너뛰기", "onboard:area:skip"),
        ),
    ),
    Question(
        "diet",
        "못 먹는 음식이 있어요?",
        (
            Button("매운 거 못 먹어요", "onboard:diet:no_spicy"),
            Button("돼지고기 안 먹어요", "onboard:diet:no_pork"),
            Button("채식해요", "onboard:diet:vegetarian"),
            Button("없어요", "onboard:diet:skip"),
        ),
    ),
    Question(
        "likes",
        "어떤 음식을 좋아해요?",
        (
            Button("분식", "onboard:likes:분식"),
            Button("한식", "onboard:likes:한식"),
            Button("치킨", "onboard:likes:치킨"),
            Button("햄버거", "onboard:likes:햄버거"),
            Button("중식", "onboard:likes:중식"),
            Button("다 좋아요", "onboard:likes:skip"),
        ),
    ),
)
_BY_STEP = {question.step: question for question in QUESTIONS}


def first_question() -> Question:
    return QUESTIONS[0]


def next_question(step: str) -> Question | None:
    steps = [question.step for question in QUESTIONS]
    index = steps.index(step) + 1 if step in steps else len(steps)
    return QUESTIONS[index] if index < len(QUESTIONS) else None


def question(step: str) -> Question | None:
    return _BY_STEP.get(step)


def parse_payload(payload: str) -> tuple[str, str] | None:
    """``onboard:diet:no_spicy`` -> ("diet", "no_spicy"); None for other payloads."""
    if not payload.startswith(PREFIX):
        return None
    step, _, value = payload.removeprefix(PREFIX).partition(":")
    return (step, value) if step in _BY_STEP and value else None


def preference_changes(step: str, value: str, current: dict[str, object]) -> dict[str, object]:
    """What an answer changes in the stored preferences."""
    if value == "skip":
        return {}
    if step == "area":
        return {"home_area": value}
    if step == "diet":
        dietary = list(current.get("dietary", []))  # type: ignore[call-overload]
        return {"dietary": list(dict.fromkeys([*dietary, value]))}
    likes = list(current.get("likes", []))  # type: ignore[call-overload]
    return {"likes": list(dict.fromkeys([*likes, value]))}


def answer_from_text(step: str, understanding: Understanding) -> str | None:
    """A typed answer to the pending question, when the message is one ("매운 거 못 먹어" for diet)."""
    entities = understanding.entities
    if step == "diet" and entities.get("dietary_restrictions"):
        return str(entities["dietary_restrictions"][0])
    if step == "likes" and understanding.food_category:
        return understanding.food_category
    return None

"""The guard: what is refused before any work, and what a long message is read as."""

from __future__ import annotations

from dialogue.guard import MAX_CHARS, check, gist, long_note


def test_a_long_message_is_read_as_its_start_and_its_last_short_sentence() -> None:
    story = "오늘 학교에서 친구랑 놀다가 늦게 왔어요. " * 30 + "그래서 5천원으로 뭐 먹지?"
    checked = check(story)
    assert checked.refusal is None and checked.kind == "too_long"
    assert len(checked.text) <= MAX_CHARS and checked.text.endswith("그래서 5천원으로 뭐 먹지?")
    assert checked.text.startswith("오늘 학교에서")
    assert long_note(story) == "글이 길어서 앞부분과 마지막 문장만 읽었어요."


def test_one_long_sentence_is_cut_at_a_space() -> None:
    words = "떡볶이 " * 130
    read = gist(words.strip())
    assert len(read) <= MAX_CHARS and read.endswith("떡볶이")
    assert long_note(words) == "글이 길어서 앞부분만 읽었어요."
    assert long_note("떡볶이 먹고 싶어") is None


def test_food_emoji_go_on_and_other_emoji_alone_are_answered_here() -> None:
    assert check("🍕🥤").refusal is None
    assert check("🍜?").refusal is None
    faces = check("😋😊")
    assert faces.kind == "emoji_only" and faces.refusal is not None

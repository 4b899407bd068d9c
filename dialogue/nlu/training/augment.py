"""Rule-based noise on training examples, so that the model learns the language rather than one spelling of it.

People type with wrong spacing (붙여 쓰기, 띄어 쓰기), jamo slips (ㅐ/ㅔ, a final consonant carried into the next
syllable: 있어 -> 이써, a missing final consonant), stretched or clipped endings (줘 -> 줘여, 주세요 -> 주셈), 초성
(추천 -> ㅊㅊ), particles swapped or dropped, and laughter, crying or emoji at the end. ``variants`` writes a few
such versions of one example; every choice comes from a generator seeded by the text itself, so the training set is
the same on every start.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable, Iterable

_BASE, _LAST = 0xAC00, 0xD7A3
_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JONG = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ"]
_JONG += ["ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]
# Vowels that sound alike and are swapped on phones (index into the 21 medial vowels).
_VOWEL_SWAPS = {1: 5, 5: 1, 10: 11, 11: 15, 15: 10, 3: 7, 7: 3}  # ㅐ/ㅔ, ㅙ/ㅚ/ㅞ, ㅒ/ㅖ
# A final consonant carried into a following ㅇ ("먹어" -> "머거"); double finals split.
_CARRY = {"ㄱ": ("", "ㄱ"), "ㄴ": ("", "ㄴ"), "ㄷ": ("", "ㄷ"), "ㄹ": ("", "ㄹ"), "ㅁ": ("", "ㅁ"), "ㅂ": ("", "ㅂ")}
_CARRY |= {"ㅅ": ("", "ㅅ"), "ㅆ": ("", "ㅆ"), "ㅈ": ("", "ㅈ"), "ㅊ": ("", "ㅊ"), "ㅌ": ("", "ㅌ"), "ㅍ": ("", "ㅍ")}
_CARRY |= {"ㅄ": ("ㅂ", "ㅅ"), "ㄺ": ("ㄹ", "ㄱ"), "ㄻ": ("ㄹ", "ㅁ"), "ㄼ": ("ㄹ", "ㅂ")}
_ENDINGS = (
    (re.compile(r"줘$"), ("줘요", "줘여", "주세요", "줭", "주라", "주셈")),
    (re.compile(r"주세요$"), ("줘", "주셈", "주세여", "줘요")),
    (re.compile(r"해$"), ("해요", "해여", "함", "해줘")),
    (re.compile(r"있어\?$"), ("있어요?", "있음?", "있나?", "있냐", "있어")),
    (re.compile(r"있어$"), ("있어요", "있음", "이써")),
    (re.compile(r"뭐야\??$"), ("뭐예요?", "뭐임", "뭐냐")),
    (re.compile(r"할게$"), ("할게요", "할께", "할께요", "할게여")),
    (re.compile(r"할래$"), ("할래요", "할랭", "하고 싶어")),
    (re.compile(r"싶어$"), ("싶어요", "싶다", "싶음", "시퍼")),
    (re.compile(r"돼\?$"), ("돼요?", "되나요?", "됨?", "되냐")),
    (re.compile(r"요$"), ("", "여")),
)
_CHOSUNG: tuple[tuple[str, str], ...] = (
    ("추천", "ㅊㅊ"),
    ("제발", "ㅈㅂ"),
    ("감사", "ㄱㅅ"),
    ("진짜", "ㄹㅇ"),
    ("오케이", "ㅇㅋ"),
    ("빨리", "ㅃㄹ"),
)
_CHOSUNG += (("어디", "ㅇㄷ"), ("고고", "ㄱㄱ"), ("아니", "ㄴㄴ"), ("인정", "ㅇㅈ"))
# Swaps people actually make: object particles dropped, 으로/로 and 이랑/랑 mixed up, 에서 clipped.
_PARTICLES = (("으로 ", "로 "), ("을 ", " "), ("를 ", " "), ("이랑 ", "랑 "), ("에서 ", "서 "), ("는 ", " "))
_TAILS = (" ㅋㅋ", "ㅋㅋ", " ㅠㅠ", "ㅠ", "!!", "?", "~", " 😋", " 🙏", " 😭", " ㅎㅎ", "..", " 제발", " 좀")


def _split(ch: str) -> tuple[int, int, int] | None:
    code = ord(ch)
    if not _BASE <= code <= _LAST:
        return None
    code -= _BASE
    return code // 588, (code % 588) // 28, code % 28


def _join(cho: int, jung: int, jong: int) -> str:
    return chr(_BASE + cho * 588 + jung * 28 + jong)


def _vowel_slip(text: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(text) if (p := _split(ch)) and p[1] in _VOWEL_SWAPS]
    if not spots:
        return text
    i = rng.choice(spots)
    cho, jung, jong = _split(text[i]) or (0, 0, 0)
    return text[:i] + _join(cho, _VOWEL_SWAPS[jung], jong) + text[i + 1 :]


def _carry_final(text: str, rng: random.Random) -> str:
    spots = []
    for i in range(len(text) - 1):
        first, second = _split(text[i]), _split(text[i + 1])
        if first and second and first[2] and second[0] == _CHO.index("ㅇ") and _JONG[first[2]] in _CARRY:
            spots.append(i)
    if not spots:
        return text
    i = rng.choice(spots)
    cho, jung, jong = _split(text[i]) or (0, 0, 0)
    _, n_jung, n_jong = _split(text[i + 1]) or (0, 0, 0)
    stay, move = _CARRY[_JONG[jong]]
    return text[:i] + _join(cho, jung, _JONG.index(stay)) + _join(_CHO.index(move), n_jung, n_jong) + text[i + 2 :]


def _drop_final(text: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(text) if (p := _split(ch)) and p[2]]
    if len(spots) < 3:
        return text
    i = rng.choice(spots)
    cho, jung, _ = _split(text[i]) or (0, 0, 0)
    return text[:i] + _join(cho, jung, 0) + text[i + 1 :]


def _no_spaces(text: str, rng: random.Random) -> str:
    return text.replace(" ", "") if " " in text else text


def _drop_one_space(text: str, rng: random.Random) -> str:
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    i = rng.choice(spaces)
    return text[:i] + text[i + 1 :]


def _add_space(text: str, rng: random.Random) -> str:
    spots = [i for i in range(1, len(text)) if text[i - 1] != " " and text[i] != " " and _split(text[i])]
    if len(text) < 5 or not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + " " + text[i:]


def _ending(text: str, rng: random.Random) -> str:
    for pattern, replacements in _ENDINGS:
        if pattern.search(text):
            return pattern.sub(rng.choice(replacements), text, count=1)
    return text


def _chosung(text: str, rng: random.Random) -> str:
    found = [(word, short) for word, short in _CHOSUNG if word in text]
    if not found:
        return text
    word, short = rng.choice(found)
    return text.replace(word, short, 1)


def _particle(text: str, rng: random.Random) -> str:
    found = [(old, new) for old, new in _PARTICLES if old in text]
    if not found:
        return text
    old, new = rng.choice(found)
    return text.replace(old, new, 1)


def _tail(text: str, rng: random.Random) -> str:
    return text.rstrip("?!.~") + rng.choice(_TAILS)


_NOISE: tuple[Callable[[str, random.Random], str], ...] = (
    _vowel_slip,
    _carry_final,
    _drop_final,
    _no_spaces,
    _drop_one_space,
    _add_space,
    _ending,
    _ending,
    _chosung,
    _particle,
    _particle,
    _tail,
    _tail,
)


def variants(text: str, count: int = 1) -> list[str]:
    """Up to ``count`` noisy versions of ``text`` (one or two rules each), none equal to ``text``."""
    rng = random.Random(zlib.crc32(text.encode("utf-8")))
    out: list[str] = []
    for _ in range(count * 3):
        if len(out) >= count:
            break
        noisy = text
        for rule in rng.sample(_NOISE, rng.choice((1, 1, 2))):
            noisy = rule(noisy, rng)
        noisy = noisy.strip()
        if noisy and noisy != text and noisy not in out:
            out.append(noisy)
    return out


def augmented(pairs: Iterable[tuple[str, str]], count: int = 1) -> list[tuple[str, str]]:
    """``pairs`` followed by ``count`` noisy variants of each, labelled as the original; no text twice."""
    originals = list(pairs)
    seen = {text for text, _ in originals}
    extra: list[tuple[str, str]] = []
    for text, intent in originals:
        for noisy in variants(text, count):
            if noisy not in seen:
                seen.add(noisy)
                extra.append((noisy, intent))
    return originals + extra

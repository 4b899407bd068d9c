"""Taste wishes and dietary restrictions: spicy / mild / salty / sweet, no_spicy, vegetarian, halal, no_pork,
allergy:<food>.

"안 매운 거" asks for a mild taste; "매운 거 못 먹어" states a restriction (no_spicy) and no taste. An allergy names
its food before the word (땅콩 알레르기, "땅콩이랑 새우 알레르기" gives both) or, failing that, just after it
("알레르기 있어서 새우 빼주세요").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialogue.nlu.lexicon import ALLERGENS

_SPICY = r"(?:매운|맵고|맵게|매콤|매워|맵|얼큰|칼칼|화끈|불닭|맵달)"
_MILD = re.compile(
    r"안 ?매운|안 ?맵|맵지 ?않|덜 ?매|덜 ?맵|순한|순하게|순한맛|담백|안 ?자극|자극적이지 ?않|싱거|싱겁|슴슴|심심한 ?맛|"
    r"맵찔이|매운 ?거 ?(?:말고|빼고|싫)|약하게|약한 ?맛|맵기 ?(?:는 ?)?(?:0|1|최소|제일 ?약)|(?<!\d)[01] ?단계|순한 ?맛"
)
_NO_SPICY = re.compile(
    rf"{_SPICY}[가-힣]* ?(?:거|것|음식|걸|건|류)?(?:은|는|을|를|이|가|도)? ?"
    r"(?:잘 ?)?(?:못 ?먹|안 ?먹|못먹|싫어|먹으면 ?안|먹지 ?못|못 ?해|알레르기|쥐약|못 ?참|빼|제외|안 ?돼|안 ?됨)|"
    r"맵찔이|매운 ?걸? ?못|매운거 ?못"
)
_TASTES = (
    ("spicy", re.compile(rf"{_SPICY}|얼얼|불맛|매운맛|(?<!\d)[3-9] ?단계|제일 ?맵")),
    ("salty", re.compile(r"짠 ?(?:거|것|음식|맛)|짭짤|짭조름|짜게|짠맛|간이 ?센|짜고|짭잘")),
    ("sweet", re.compile(r"(?<![가-힣])단 ?(?:거|것|게|음식|맛)|달달|달콤|달게|단맛|달다구리|달았으면|달아야|달고")),
)
_LESS = re.compile(r"(?:덜|안|너무 ?안) ?$")
_NOT_AFTER = re.compile(r"^[가-힣]? ?(?:지 ?않|지 ?말|지 ?마|ㄴ ?거 ?말고)")
_VEGETARIAN = re.compile(
    r"채식|비건|베지|베지테리언|(?<![가-힣])고기 ?(?:를|는|은|류는)? ?(?:안 ?먹|못 ?먹|빼고|없는|없이|전혀)|육식 ?안|풀만"
)
_HALAL = re.compile(r"할랄|무슬림|이슬람")
_NO_PORK = re.compile(
    r"돼지 ?고기 ?(?:를|는|은|가|도)? ?(?:안 ?먹|못 ?먹|빼|없는|없이|못먹|안먹|먹으면 ?안|금지|싫)|돼지고기 ?x|노 ?포크|돼지 ?안"
)
_ALLERGY = re.compile(
    r"알레르기|알러지|알르레기|알레르그|앨러지|알레리|알래르기|알럴기|알러쥐|"
    r"먹으면 ?(?:두드러기|간지러|가려|탈 ?나|숨|큰일|안 ?돼)|두드러기"
)
_ALLERGEN = re.compile(
    r"(?<![가-힣])(?P<food>" + "|".join(sorted(map(re.escape, ALLERGENS), key=len, reverse=True)) + r")"
    r"(?=$|[^가-힣]|이랑|랑|하고|와|과|이나|나|에|도|은|는|이|가|을|를|류|알|들|까지|먹|만|같은|이런|들어)"
)
_PARTICLES = ("에도", "이랑", "에", "이", "가", "은", "는", "도", "을", "를", "랑")


def _allergies(text: str, nouns: Sequence[tuple[str, int]]) -> list[str]:
    found: list[str] = []
    noun_forms = {form for form, _ in nouns}
    for match in _ALLERGY.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        named = [ALLERGENS[m.group("food")] for m in _ALLERGEN.finditer(before)]
        if not named:
            words = before.split()
            last = words[-1] if words else ""
            for particle in _PARTICLES:
                if last.endswith(particle) and len(last) > len(particle) + 1:
                    last = last[: -len(particle)]
                    break
            if len(last) >= 2 and last in noun_forms:
                named = [last]
        if not named:
            named = [ALLERGENS[m.group("food")] for m in _ALLERGEN.finditer(text[match.end() : match.end() + 20])]
        found.extend(f"allergy:{food}" for food in named)
    return list(dict.fromkeys(found))


def taste_and_diet(text: str, nouns: Sequence[tuple[str, int]] = ()) -> tuple[str | None, list[str]]:
    """The taste asked for and the dietary restrictions stated, in the spec's normal forms."""
    restrictions: list[str] = []
    no_spicy = bool(_NO_SPICY.search(text))
    if no_spicy:
        restrictions.append("no_spicy")
    if _VEGETARIAN.search(text):
        restrictions.append("vegetarian")
    if _HALAL.search(text):
        restrictions.append("halal")
    if _NO_PORK.search(text):
        restrictions.append("no_pork")
    restrictions.extend(_allergies(text, nouns))
    taste: str | None = None
    if _MILD.search(text) and not no_spicy:
        taste = "mild"
    elif not no_spicy:
        best: tuple[int, str] | None = None
        for label, pattern in _TASTES:
            for match in pattern.finditer(text):
                if _LESS.search(text[: match.start()]) or _NOT_AFTER.match(text[match.end() :]):
                    continue  # "덜 달게", "달지 않은": the taste is wanted less, not asked for
                if best is None or match.start() < best[0]:
                    best = (match.start(), label)
                break
        taste = best[1] if best else None
    elif _TASTES[2][1].search(text):
        taste = "sweet"
    return taste, restrictions

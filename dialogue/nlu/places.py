"""Places as users say them: 강남역, 강남역 쪽, 학교 앞, 집 근처, 신림중 근처, 홍대, 우리 동네, 근처.

The reported form is the place word and, when one follows, its position word joined by one space
("강남역쪽" -> "강남역 쪽", "학교앞" -> "학교 앞"), so that wrong spacing still gives one normal form.
"""

from __future__ import annotations

import re

from dialogue.nlu.lexicon import AREA_NAMES, PLACE_WORDS

_POSITION = r"(?:앞쪽|앞|근처|주변|쪽|부근|옆|근방|인근|건너편|맞은편|뒤쪽|뒤|사거리)"
# Words before 역 that do not name a station ("지역", "무역", "영역") or name none in particular ("지하철역").
_NOT_STATION = frozenset(
    {
        "지",
        "영",
        "무",
        "구",
        "전",
        "반",
        "번",
        "통",
        "수",
        "하",
        "사",
        "이",
        "경",
        "간",
        "다음",
        "이번",
        "어느",
        "무슨",
        "몇",
        "한",
        "두",
        "그",
        "저",
        "요",
        "이쪽",
        "우리",
        "가까운",
        "근처",
        "지하철",
        "전철",
        "기차",
        "시외",
        "역",
        "외",
        "대",
        "방",
        "효",
        "배",
        "폐",
        "성",
        "부",
        "재",
        "동",
        "서",
        "남",
        "북",
        "출",
        "도",
        "종",
        "시",
        "회",
        "자",
        "내",
    }
)
_BOUNDARY = r"(?<![가-힣a-z0-9])"
_AFTER = r"(?![가-힣])|(?=에서|에|쪽|근처|앞|주변|부근|이나|이랑|까지|으로|로|은|는|이|도|인근|옆|근방|랑|가|서|점|역|사거리)"
_STATION = re.compile(rf"{_BOUNDARY}(?P<name>[가-힣a-z0-9]{{1,8}}?역)(?:{_AFTER})(?: ?(?P<pos>{_POSITION}))?")
_SCHOOL = re.compile(
    rf"{_BOUNDARY}(?P<name>[가-힣]{{1,6}}(?:초등학교|중학교|고등학교|대학교|여중|여고|초|중|고|대))"
    rf" ?(?P<pos>{_POSITION})"
)
_LONG_SCHOOL = re.compile(rf"{_BOUNDARY}(?P<name>[가-힣]{{1,6}}(?:초등학교|중학교|고등학교|대학교))(?:{_AFTER})")
_AREA = re.compile(
    rf"{_BOUNDARY}(?P<name>(?:{'|'.join(sorted(AREA_NAMES, key=len, reverse=True))})(?:입구|역|동|구|시)?)"
    rf"(?:{_AFTER})(?: ?(?P<pos>{_POSITION}))?"
)
_PLACE = re.compile(
    rf"{_BOUNDARY}(?P<name>{'|'.join(re.escape(w).replace(' ', ' ?') for w in sorted(PLACE_WORDS, key=len, reverse=True))})"
    rf" ?(?P<pos>{_POSITION})"
)
# Places that stand alone before a locative particle ("시내에서 먹을 데", "터미널에 맛집").
_STANDALONE = re.compile(rf"{_BOUNDARY}(?P<name>시내|번화가|버스 ?터미널|터미널|시장|백화점|쇼핑몰|서울)(?=에서|에|쪽)")
# "학교에서 가까운 데": the place named, near it.
_FROM_PLACE = re.compile(
    rf"{_BOUNDARY}(?P<name>{'|'.join(re.escape(w).replace(' ', ' ?') for w in sorted(PLACE_WORDS, key=len, reverse=True))})"
    r"에서 ?(?:제일 |젤 |가장 )?(?:가까운|가까이|걸어서)"
)
# Any other name directly before a position word ("이마트 근처", "코엑스 앞", "아현동 쪽").
_NAMED_SPOT = re.compile(
    rf"{_BOUNDARY}(?P<name>[가-힣a-z0-9]{{2,8}}) ?(?P<pos>앞|근처|주변|부근|옆|건너편|맞은편)(?![가-힣])"
)
_NOT_A_SPOT = frozenset(
    "여기 거기 저기 이곳 그곳 저곳 이쪽 그쪽 저쪽 우리 가게 식당 매장 그집 가게들 맛집 밥집 아무데 어디 제일 가장 "
    "바로 진짜 완전 지금 혹시 근데 그럼 이 그 저 내 제 집은 여기서 여기는 학생 나 너".split()
)
# A shop, a food or a clause before the position word is no place name ("분식집 근처", "파는 데 근처").
_NOT_A_SPOT_END = (
    "에서",
    "에",
    "는",
    "은",
    "랑",
    "집",
    "데",
    "곳",
    "거",
    "것",
    "점",
    "들",
    "이",
    "가",
    "을",
    "를",
    "도",
)
_SPOT_HAS_VERB = re.compile(r"[는은을를ㄴ]$|하는|있는|파는|먹")
_NEIGHBOURHOOD = re.compile(rf"{_BOUNDARY}(?P<name>(?:우리 ?|이 ?|울 ?)?동네)")
_NEARBY = re.compile(
    r"(?P<name>근처|주변|근방|부근|가까운(?! ?(?:사이|친구|사람|미래|시일))|가까이|여기서 ?가까운|인근)"
)
_NEAR_WORDS = {"근처": "근처", "주변": "주변", "근방": "근처", "부근": "근처", "인근": "근처"}


def _joined(name: str, position: str | None) -> str:
    name = name.replace("  ", " ")
    return f"{name} {position}" if position else name


def find_location(text: str) -> tuple[str, int, int] | None:
    """The place the message names, with its span in ``text``, or None.

    A named place (station, school, area, a place word with its position) wins over a bare "근처".
    """
    candidates: list[tuple[int, str, int, int]] = []
    for priority, pattern in enumerate((_STATION, _SCHOOL, _AREA, _PLACE, _LONG_SCHOOL)):
        for match in pattern.finditer(text):
            name = match.group("name")
            if pattern is _STATION and name[:-1] in _NOT_STATION:
                continue
            position = match.groupdict().get("pos")
            candidates.append((priority, _joined(name, position), match.start(), match.end()))
    for match in _STANDALONE.finditer(text):
        candidates.append((5, match.group("name").replace(" ", ""), match.start(), match.end()))
    for match in _FROM_PLACE.finditer(text):
        candidates.append((0, _joined(match.group("name"), "근처"), match.start(), match.end()))
    if candidates:
        candidates.sort(key=lambda c: (c[2], c[0]))
        _, said, start, end = candidates[0]
        return said, start, end
    for match in _NAMED_SPOT.finditer(text):
        name = match.group("name")
        if name not in _NOT_A_SPOT and not name.endswith(_NOT_A_SPOT_END) and not _SPOT_HAS_VERB.search(name):
            return _joined(match.group("name"), match.group("pos")), match.start(), match.end()
    neighbourhood = _NEIGHBOURHOOD.search(text)
    if neighbourhood:
        name = neighbourhood.group("name").replace("울", "우리")
        return ("우리 동네" if name.startswith("우리") else "동네"), neighbourhood.start(), neighbourhood.end()
    nearby = _NEARBY.search(text)
    if nearby:
        word = nearby.group("name").replace(" ", "")
        return _NEAR_WORDS.get(word, "근처"), nearby.start(), nearby.end()
    return None

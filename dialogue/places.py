"""Where the user means: landmark names and aliases to coordinates, and "근처" / "학교 앞" from what we know."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import select

from storage.database import Database
from storage.models import Place

NEARBY_WORDS = ("근처", "주변", "여기", "이 근처", "가까운", "동네", "집 근처", "집앞", "집 앞")
SCHOOL_WORDS = ("학교", "학교 앞", "학교앞", "학교 근처")
_SUFFIXES = ("역 근처", "역 앞", "역쪽", " 쪽", "쪽", " 근처", "근처", " 앞", "앞", "에서", "에")


@dataclass(frozen=True, slots=True)
class Spot:
    name: str
    area: str
    latitude: float
    longitude: float


class PlaceDirectory:
    """Landmarks kept in memory (a few dozen rows), matched by name, alias, and name without "역"."""

    def __init__(self, places: Iterable[Place]) -> None:
        self._by_name: dict[str, Spot] = {}
        self._landmarks: dict[str, str] = {}
        for place in sorted(places, key=lambda place: place.kind != "station"):
            spot = Spot(place.name, place.area, place.latitude, place.longitude)
            self._landmarks.setdefault(place.area, place.name)
            for name in (place.name, *place.aliases):
                self._by_name.setdefault(_key(name), spot)
                if name.endswith("역") and len(name) > 2:
                    self._by_name.setdefault(_key(name[:-1]), spot)

    @classmethod
    async def load(cls, db: Database) -> PlaceDirectory:
        async with db.session() as session:
            return cls((await session.exec(select(Place))).all())

    def find(self, said: str) -> Spot | None:
        """The landmark the user named ("강남역 쪽" -> 강남역), or None."""
        text = _key(said)
        if text in self._by_name:
            return self._by_name[text]
        for suffix in _SUFFIXES:
            trimmed = text.removesuffix(_key(suffix))
            if trimmed != text and trimmed in self._by_name:
                return self._by_name[trimmed]
        for name, spot in self._by_name.items():
            if len(name) >= 2 and name in text:
                return spot
        return None

    def landmark(self, area: str) -> str | None:
        """The landmark to name an area by (its first station, else its first place): "강남역" for seoul-gangnam."""
        return self._landmarks.get(area)

    def __len__(self) -> int:
        return len({spot.name for spot in self._by_name.values()})


def is_nearby_word(said: str) -> bool:
    return _key(said) in {_key(word) for word in NEARBY_WORDS}


def is_school_word(said: str) -> bool:
    return _key(said) in {_key(word) for word in SCHOOL_WORDS}


def _key(text: str) -> str:
    return "".join(text.split())

"""The whole sample data set as rows, without touching a database (so that inserting can be timed on its own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.models import utcnow
from storage.sample.areas import AREAS, PLACES, place_rows
from storage.sample.burger import BURGER_SHOP_KEY, burger_shop
from storage.sample.coupons import COUPONS, coupon_areas, coupon_seeds
from storage.sample.people import DEMO_USERS, PROGRAMS, card_id, console_id, program_rows, user_seeds
from storage.sample.rows import SampleData
from storage.sample.shops import generate_shops, shop_key
from storage.settings import SampleDataSettings

SEOUL = ZoneInfo("Asia/Seoul")


def generate_sample_data(
    settings: SampleDataSettings, card_hash_key: bytes, *, now: datetime | None = None
) -> SampleData:
    """Every sample row, the same for the same ``settings.seed``, key and ``now``.

    Dates that matter relative to the present (coupon windows, today's spending, closed days, overrides) are placed
    around ``now`` (default: the current time, truncated to the minute); "today" is the date in Asia/Seoul. The
    burger shop that takes orders (`storage.sample.burger`) comes first.
    """
    moment = (now or utcnow()).replace(second=0, microsecond=0)
    today = moment.astimezone(SEOUL).date()
    shops = [burger_shop(moment), *generate_shops(settings.seed, moment, today)]
    coupons = coupon_seeds(shops, moment)
    users = user_seeds(settings.seed, card_hash_key, coupons, coupon_areas(coupons, shops), moment, today)
    return SampleData(
        programs=program_rows(),
        places=place_rows(),
        shops=shops,
        coupons=coupons,
        users=users,
    )


@dataclass(frozen=True, slots=True)
class SampleKeys:
    """The natural keys of the rows a load identifies things by, known without generating anything."""

    programs: list[str]
    places: list[str]
    shops: list[str]
    coupons: list[str]
    console_ids: list[str]
    card_ids: list[str]


def sample_keys(settings: SampleDataSettings) -> SampleKeys:
    """The keys ``generate_sample_data(settings, ...)`` produces; cheap enough to check before generating."""
    shops = [shop_key(area, index) for area in AREAS for index in range(1, area.shop_count + 1)]
    return SampleKeys(
        programs=[str(program["code"]) for program in PROGRAMS],
        places=[place.name for place in PLACES],
        shops=[BURGER_SHOP_KEY, *shops],
        coupons=[spec.code for spec in COUPONS],
        console_ids=[console_id(number) for number in range(1, DEMO_USERS + 1)],
        card_ids=[card_id(number) for number in range(1, DEMO_USERS + 1)],
    )

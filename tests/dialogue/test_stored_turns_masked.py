"""What the engine stores of a turn, and what its log lines say, hold none of the personal numbers a user sent,
and ordinary orders are stored as written."""

from __future__ import annotations

import logging
import re
from datetime import datetime

import pytest
from sqlmodel import select

from bots.app import Services
from bots.logs import JsonFormatter, Redactor
from dialogue.engine import DialogueEngine
from storage.hours import SEOUL
from storage.models import Conversation
from tests.dialogue.conftest import collect, console, final

LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)  # a Monday

SENT = {
    "제 번호는 010.1234.5678이에요": "제 번호는 [전화번호]이에요",
    "엄마 번호 +82 10 9876 5432": "엄마 번호 [전화번호]",
    "카드 4111 1111 1111 1111 왜 안 돼요": "카드 [카드번호] 왜 안 돼요",
    "주민번호 0503153234567 알려줄게": "주민번호 [주민등록번호] 알려줄게",
    "메일 kid@example.com 으로 보내줘": "메일 [이메일] 으로 보내줘",
    "사이다로 2개 주세요": "사이다로 2개 주세요",
    "치즈로 1개만": "치즈로 1개만",
}


async def test_stored_turns_and_logs_hold_no_personal_numbers(
    engine: DialogueEngine, sample_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    turn_ids: dict[str, str] = {}
    for text in SENT:
        turn_id = final(await collect(engine, console("demo07", text, at=LUNCH))).turn_id
        assert turn_id is not None
        turn_ids[text] = turn_id
    async with sample_services.db.session() as session:
        stored = {row.turn_id: row for row in (await session.exec(select(Conversation))).all()}
    for text, expected in SENT.items():
        assert stored[turn_ids[text]].input_text == expected
    formatter = JsonFormatter(Redactor([]))
    kept = [formatter.format(record) for record in caplog.records]
    kept += [text for row in stored.values() for text in (row.input_text, row.reply_text)]
    assert len(kept) > 2 * len(SENT)
    for piece in kept:
        digits = re.sub(r"\D", "", piece)
        for number in ("01012345678", "1098765432", "4111111111111111", "0503153234567"):
            assert number not in digits, piece
        assert "kid@example.com" not in piece

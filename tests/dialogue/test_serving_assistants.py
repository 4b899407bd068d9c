"""The server's assistants: each installed one built before ``/readyz`` says ready, the seller assistant off (and
saying so plainly) until its FAQ is installed, a broken one reported, never "try again later" after ready."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from kiwipiepy import Kiwi

from bots.app import Services, init_application, serving_dialogue
from bots.channels.dialogue import AssistantState, DialogueSlot
from bots.channels.replies import ASSISTANT_BROKEN, NOT_INSTALLED, NOT_READY
from dialogue.nlu.types import Understanding
from tests.dialogue.conftest import SELLER_EMBEDDING
from tests.fakes.nlu import ScriptedNLU

QUESTION = "반품 배송비는 누가 내나요?"


@asynccontextmanager
async def serving(services: Services, kiwi: Kiwi) -> AsyncIterator[tuple[DialogueSlot, TestClient]]:
    """The web app of ``kkini serve`` with its dialogue filled in the background, as the command runs it."""
    slot = DialogueSlot()
    nlu = ScriptedNLU({"안녕": Understanding("general_chat", 0.9)})
    async with TestClient(TestServer(init_application(services, slot))) as client:
        async with serving_dialogue(services, slot, nlu=nlu, kiwi=kiwi):
            yield slot, client


async def chat(client: TestClient, text: str, assistant: str = "meal") -> dict[str, object]:
    response = await client.post("/api/chat", json={"user": "web-1", "text": text, "assistant": assistant})
    assert response.status == 200
    body: dict[str, object] = await response.json()
    return body


def with_data_dir(services: Services, data_dir: Path, **knowledge: object) -> Services:
    settings = services.settings.model_copy(
        update={"data_dir": data_dir, "knowledge": services.settings.knowledge.model_copy(update=knowledge)}
    )
    return Services(settings=settings, db=services.db, kv=services.kv, card_hash_key=services.card_hash_key)


async def test_without_the_seller_faq_the_server_is_ready_and_says_it_is_not_installed(
    sample_services: Services, kiwi: Kiwi, tmp_path: Path
) -> None:
    services = with_data_dir(sample_services, tmp_path)
    async with serving(services, kiwi) as (slot, client):
        assert (await chat(client, "안녕"))["text"] == NOT_READY  # before ready: come back in a moment
        await slot.wait_loaded()
        ready = await client.get("/readyz")
        assert ready.status == 200
        dialogue = (await ready.json())["checks"]["dialogue"]
        assert dialogue["assistants"] == {"meal": "ready", "seller": "not_installed"}
        answer = await chat(client, QUESTION, assistant="seller")
        assert answer["text"] == NOT_INSTALLED["seller"] and "설치되지 않았어요" in str(answer["text"])
        assert "잠시 후" not in str(answer["text"])
        listed = (await (await client.get("/api/assistants")).json())["assistants"]
        seller = next(entry for entry in listed if entry["name"] == "seller")
        assert seller["state"] == "not_installed" and "kkini knowledge ingest --collection seller" in seller["note"]
        assert next(entry for entry in listed if entry["name"] == "meal")["state"] == "ready"
        assert (await chat(client, "안녕"))["text"] != NOT_READY


async def test_the_seller_faq_is_built_then_opened_before_ready_and_answers_the_first_question(
    sample_services: Services, kiwi: Kiwi, tmp_path: Path, seller_faq_file: Path
) -> None:
    """Built from KKINI_KNOWLEDGE__SELLER_FAQ_PATH at start-up; after a restart without the setting, the stored
    collection (as `kkini knowledge ingest` leaves it) is opened before ready."""
    building = with_data_dir(sample_services, tmp_path, seller_faq_path=seller_faq_file, embedding=SELLER_EMBEDDING)
    async with serving(building, kiwi) as (slot, client):
        await slot.wait_loaded()
        assert slot.state("seller") is AssistantState.READY
        assert "배송비" in str((await chat(client, QUESTION, assistant="seller"))["text"])
    async with serving(with_data_dir(sample_services, tmp_path, embedding=SELLER_EMBEDDING), kiwi) as (slot, client):
        await slot.wait_loaded()
        assert slot.states == {"meal": AssistantState.READY, "seller": AssistantState.READY}
        answer = str((await chat(client, QUESTION, assistant="seller"))["text"])
        assert "반품" in answer and "배송비" in answer
        assert answer != NOT_READY and "준비" not in answer


async def test_a_broken_seller_faq_file_is_reported_and_the_meal_assistant_still_answers(
    sample_services: Services, kiwi: Kiwi, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text("this is not a FAQ file\n", encoding="utf-8")
    services = with_data_dir(sample_services, tmp_path / "data", seller_faq_path=broken)
    async with serving(services, kiwi) as (slot, client):
        await slot.wait_loaded()
        assert slot.state("seller") is AssistantState.FAILED and "broken.jsonl" in slot.errors["seller"]
        ready = await client.get("/readyz")
        assert ready.status == 503
        assert (await ready.json())["checks"]["dialogue"]["errors"]["seller"] == slot.errors["seller"]
        assert (await chat(client, QUESTION, assistant="seller"))["text"] == ASSISTANT_BROKEN
        assert (await chat(client, "안녕"))["text"] not in (NOT_READY, ASSISTANT_BROKEN)


@pytest.mark.parametrize("assistants", [("meal",), ("meal", "seller")])
def test_a_slot_is_settled_once_every_assistant_answers_or_is_not_installed(assistants: tuple[str, ...]) -> None:
    slot = DialogueSlot()
    assert not slot.settled and slot.status()["ok"] is False
    slot.serve(object(), assistants)  # type: ignore[arg-type]
    assert slot.settled and slot.status()["ok"] is True
    expected = "ready" if "seller" in assistants else "not_installed"
    assert slot.status()["assistants"] == {"meal": "ready", "seller": expected}
    assert (slot.engine_for("seller") is not None) == ("seller" in assistants)

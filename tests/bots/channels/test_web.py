"""The web chat API and page: JSON replies, the SSE stream, bad bodies, duplicates, metrics."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bots.channels.replies import RATE_LIMITED
from dialogue.messages import Button, Card
from storage.database import Database
from storage.repositories.job_runs import JobRunRepository
from storage.repositories.outbox import NewNotice, OutboxRepository
from tests.bots.channels.conftest import ClientFactory, Scripted, ScriptedEngine, channel_settings


def parse_sse(raw: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in raw.split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


async def web_client(make_client: ClientFactory, tmp_path: Path, **channels: Any) -> TestClient:
    return await make_client(channel_settings(tmp_path, channels=channels) if channels else channel_settings(tmp_path))


async def test_chat_answers_with_text_cards_and_quick_replies(
    make_client: ClientFactory, tmp_path: Path, engine: ScriptedEngine
) -> None:
    engine.script["뭐 먹지"] = Scripted(
        "김밥천국 어때요?",
        cards=(Card("김밥천국", "참치김밥 3,500원", 3500, (Button("여기로 갈래요", "select:1:2"),)),),
        quick_replies=(Button("더 싼 거", "cheaper"), Button("카드 질문", "faq:12")),
    )
    client = await web_client(make_client, tmp_path)
    response = await client.post("/api/chat", json={"user": "web-1", "text": "뭐 먹지"})
    body = await response.json()
    assert response.status == 200
    assert body["text"] == "김밥천국 어때요?"
    assert body["cards"][0]["title"] == "김밥천국" and body["cards"][0]["buttons"][0]["payload"] == "select:1:2"
    assert body["quick_replies"] == [{"label": "더 싼 거", "payload": "cheaper"}]
    assert body["follow_ups"] == [{"label": "카드 질문", "payload": "faq:12"}]
    assert engine.messages[0].channel == "web" and engine.messages[0].assistant == "meal"


async def test_stream_is_server_sent_events(make_client: ClientFactory, tmp_path: Path, engine: ScriptedEngine) -> None:
    engine.script["안녕"] = Scripted(
        "안녕하세요! 오늘은 무엇을 드시고 싶으세요? 예산을 알려 주시면 찾아 드릴게요.",
        quick_replies=(Button("5천원", "budget:5000"),),
    )
    client = await web_client(make_client, tmp_path)
    response = await client.post("/api/chat/stream", json={"user": "web-1", "text": "안녕", "assistant": "seller"})
    assert response.headers["Content-Type"].startswith("text/event-stream")
    events = parse_sse(await response.text())
    names = [name for name, _ in events]
    assert names.count("token") > 1, "the text arrives in parts"
    assert names[-2:] == ["quick_replies", "done"]
    streamed = "".join(data["text"] for name, data in events if name == "token")
    assert streamed == events[-1][1]["text"] == engine.script["안녕"].text
    assert engine.messages[0].assistant == "seller"


async def test_bad_bodies_get_clear_answers(make_client: ClientFactory, tmp_path: Path, engine: ScriptedEngine) -> None:
    client = await web_client(make_client, tmp_path)
    cases = [
        (b"{not json", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_body"),
        (b'{"text": "x", "deep": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400, "too_deep"),
        (json.dumps({"user": "u1", "text": "x", "assistant": "chef"}).encode(), 400, "invalid_assistant"),
        (json.dumps({"user": "u1", "text": "   "}).encode(), 400, "empty_text"),
        (json.dumps({"user": "u1", "text": "가" * 2001}).encode(), 400, "invalid_text"),
        (json.dumps({"user": "u1", "text": "가" * 300_000}).encode(), 413, "too_large"),
    ]
    for body, status, code in cases:
        for path in ("/api/chat", "/api/chat/stream"):
            response = await client.post(path, data=body, headers={"Content-Type": "application/json"})
            assert response.status == status, (path, code)
            assert (await response.json())["error"]["code"] == code
    assert engine.messages == []


async def test_a_resent_message_id_is_answered_once(
    make_client: ClientFactory, tmp_path: Path, engine: ScriptedEngine
) -> None:
    client = await web_client(make_client, tmp_path)
    body = {"user": "web-1", "text": "안녕", "id": "m-1"}
    assert (await client.post("/api/chat", json=body)).status == 200
    again = await client.post("/api/chat", json=body)
    assert again.status == 409 and (await again.json())["error"]["code"] == "duplicate"
    assert len(engine.messages) == 1


async def test_rate_limit_says_so_once_then_stays_quiet(
    make_client: ClientFactory, tmp_path: Path, engine: ScriptedEngine
) -> None:
    client = await web_client(make_client, tmp_path, rate_limit_count=2)
    texts = [
        (await (await client.post("/api/chat", json={"user": "fast", "text": "안녕"})).json())["text"] for _ in range(4)
    ]
    assert texts[2] == RATE_LIMITED
    assert texts[3] == ""
    assert len(engine.messages) == 2
    other = await client.post("/api/chat", json={"user": "calm", "text": "안녕"})
    assert (await other.json())["text"] != RATE_LIMITED


async def test_page_and_metrics(make_client: ClientFactory, tmp_path: Path, db: Database) -> None:
    now = datetime.now(UTC)
    async with db.session() as session:
        runs = JobRunRepository(session)
        await runs.finish(await runs.start("balance-sync", "test", now), "ok", {"fetched": 3}, None, now)
        await OutboxRepository(session).enqueue(
            [NewNotice(1, "low_balance", "metrics-test", "잔액 알림", now, {})], now
        )
    client = await web_client(make_client, tmp_path)
    page = await client.get("/")
    html = await page.text()
    assert page.status == 200 and page.content_type == "text/html"
    assert "/api/chat/stream" in html and 'name="viewport"' in html and 'value="seller"' in html
    await client.post("/api/chat", json={"user": "web-1", "text": "안녕"})
    metrics = await (await client.get("/metrics")).text()
    assert 'kkini_requests_total{channel="web",status="200"} 1.0' in metrics
    assert 'kkini_stage_seconds_count{channel="web",stage="turn"} 1.0' in metrics
    assert 'stage="engine_nlu"' in metrics
    assert 'kkini_outbox_notifications{status="pending"} 1.0' in metrics
    assert 'kkini_job_runs{job="balance-sync",status="ok"} 1.0' in metrics
    assert 'kkini_job_last_finished_timestamp_seconds{job="balance-sync",status="ok"}' in metrics


async def test_not_ready_yet_is_said_politely(make_client: ClientFactory, tmp_path: Path) -> None:
    from bots.channels.dialogue import DialogueSlot
    from bots.channels.replies import NOT_READY

    client = await make_client(channel_settings(tmp_path), slot=DialogueSlot())
    body = await (await client.post("/api/chat", json={"user": "web-1", "text": "안녕"})).json()
    assert body["text"] == NOT_READY
    ready = await (await client.get("/readyz")).json()
    assert ready["ready"] is False
    assert ready["checks"]["dialogue"]["assistants"] == {"meal": "loading", "seller": "loading"}


async def test_the_server_issues_the_identity_and_a_named_user_in_the_body_is_not_trusted(
    make_client: ClientFactory, tmp_path: Path, engine: ScriptedEngine
) -> None:
    from aiohttp import ClientSession

    from bots.channels.web_session import COOKIE

    client = await web_client(make_client, tmp_path)
    first = await client.post("/api/chat", json={"user": "victim", "text": "안녕"})
    cookie = first.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    me = (await first.json())["user"]
    assert me.startswith("web-") and me != "victim" and engine.messages[-1].user == me
    again = await client.post("/api/chat", json={"user": "someone-else", "text": "안녕"})
    assert (await again.json())["user"] == me and COOKIE not in again.cookies  # the same session, nothing new
    # Another client naming the first one's user, or forging its cookie, gets a session of its own.
    async with ClientSession(str(client.make_url(""))) as other:
        forged = me.removeprefix("web-") + ".forged-signature"
        async with other.post("/api/chat", json={"user": me, "text": "안녕"}, cookies={COOKIE: forged}) as answer:
            stranger = (await answer.json())["user"]
    assert stranger != me and engine.messages[-1].user == stranger


async def test_the_page_sets_the_session_cookie_and_names_no_user(make_client: ClientFactory, tmp_path: Path) -> None:
    from bots.channels.web_session import COOKIE

    client = await web_client(make_client, tmp_path)
    page = await client.get("/")
    assert COOKIE in page.cookies
    assert "kkini-user" not in await page.text() and "user:" not in await page.text()


async def test_the_stream_sends_the_sources_of_an_answer_before_done() -> None:
    from bots.channels.web import sse_events
    from dialogue.messages import Final, FinalMeta, Source, Text

    async def answered() -> Any:
        yield Text("정산은 언제 되나요?\n\n구매확정 다음 날 됩니다.")
        sources = (Source("[정산] 정산은 언제 되나요?", "정산은 언제 되나요?", 1.23), Source("Q2", "Q2"))
        yield Final("정산은 언제 되나요?", intent=None, turn_id="t1", meta=FinalMeta(sources=sources))

    events = [event async for event in sse_events(answered())]
    assert [name for name, _ in events][-2:] == ["sources", "done"]
    assert events[-2][1] == {
        "sources": [{"question": "정산은 언제 되나요?", "score": 1.23}, {"question": "Q2", "score": None}]
    }

    async def chatted() -> Any:
        yield Text("안녕하세요!")
        yield Final("안녕하세요!")

    assert "sources" not in [name async for name, _ in sse_events(chatted())]


async def test_the_page_shows_sources_under_the_answer(make_client: ClientFactory, tmp_path: Path) -> None:
    client = await web_client(make_client, tmp_path)
    html = await (await client.get("/")).text()
    assert 'name === "sources"' in html and "after.after(row)" in html

"""Slack end to end: Bolt behind our route, signatures, retries, the seller thread and the staff commands."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from sqlmodel import col, select

from dialogue.messages import Button
from storage.database import Database
from storage.models import MenuItem, Shop
from tests.bots.channels.conftest import ClientFactory, Scripted, ScriptedEngine, drain
from tests.bots.channels.slack_support import SHOP_CHANNEL, client_for, command, deliver, mention, start_ts
from tests.fakes.slack_api import FakeSlack, event_callback, signed_headers


async def test_bad_signatures_are_refused(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    raw = mention("안녕")
    forged = signed_headers(raw, secret="wrong-secret")
    assert (await client.post("/slack/events", data=raw, headers=forged)).status == 401
    stale = signed_headers(raw, timestamp=int(time.time()) - 3600)
    assert (await client.post("/slack/events", data=raw, headers=stale)).status == 401
    assert (await client.post("/slack/events", data=raw)).status == 401
    garbled = {**signed_headers(raw), "X-Slack-Request-Timestamp": "yesterday"}
    assert (await client.post("/slack/events", data=raw, headers=garbled)).status == 401
    await drain(client)
    assert engine.messages == []


async def test_url_verification(make_client: ClientFactory, tmp_path: Path, slack: FakeSlack) -> None:
    client = await client_for(make_client, tmp_path, slack)
    status, text = await deliver(client, json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"}))
    assert status == 200 and "abc123" in text


async def test_mention_streams_the_seller_answer_in_a_thread(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    answer = "스마트스토어 정산은 구매확정 다음 날부터 진행돼요. " * 12
    engine.script["정산은 언제 되나요?"] = Scripted(answer, quick_replies=(Button("정산 주기", "faq:3"),))
    client = await client_for(make_client, tmp_path, slack)
    started = time.monotonic()
    status, _ = await deliver(client, mention("정산은 언제 되나요?"))
    assert status == 200 and time.monotonic() - started < 3
    (stop,) = await slack.wait_for("chat.stopStream")
    (start,) = slack.calls_to("chat.startStream")
    assert start.params["thread_ts"] == "1700000000.000100" and start.params["recipient_user_id"] == "U0STAFF"
    assert slack.calls_to("chat.appendStream"), "long answers are appended as they are written"
    message = slack.messages[("C0SHOP", start_ts(slack))]
    assert message.text == answer and not message.streaming
    assert "정산 주기" in json.dumps(stop.params["blocks"], ensure_ascii=False)
    assert engine.messages[0].assistant == "seller" and engine.messages[0].text == "정산은 언제 되나요?"


async def test_without_streaming_the_answer_is_posted_in_the_thread(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    slack.streaming_enabled = False
    client = await client_for(make_client, tmp_path, slack)
    await deliver(client, mention("배송비 설정"))
    (posted,) = await slack.wait_for("chat.postMessage")
    assert posted.params["thread_ts"] == "1700000000.000100"
    assert posted.params["text"] == "배송비 설정에 대한 답이에요."


async def test_slack_retries_are_answered_once(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    raw = mention("반품 방법", event_id="Ev0RETRY")
    assert (await deliver(client, raw))[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await deliver(client, raw, headers=retry))[0] == 200
    await drain(client)  # a short answer is posted in the thread without a stream
    assert len(engine.messages) == 1 and len(slack.calls_to("chat.postMessage")) == 1


async def test_events_arriving_together_share_one_auth_test(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    events = [mention(f"질문 {i}", event_id=f"Ev0BURST{i}", ts=f"1700000000.{i:06d}") for i in range(8)]
    statuses = await asyncio.gather(*(deliver(client, raw) for raw in events))
    assert [status for status, _ in statuses] == [200] * 8
    await slack.wait_for("chat.postMessage", count=8)
    assert len(slack.calls_to("auth.test")) == 1
    assert sorted(message.text for message in engine.messages) == sorted(f"질문 {i}" for i in range(8))


async def test_an_event_is_answered_after_auth_test_failed_at_start(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    slack.fail_error("auth.test", "service_unavailable")
    client = await client_for(make_client, tmp_path, slack)
    await slack.wait_for("auth.test")
    assert (await deliver(client, mention("교환 방법", event_id="Ev0AUTH")))[0] == 200
    (posted,) = await slack.wait_for("chat.postMessage")
    assert posted.params["text"] == "교환 방법에 대한 답이에요."
    assert len(slack.calls_to("auth.test")) == 2


async def test_events_without_a_listener_are_acknowledged_and_malformed_ones_refused(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    event = {"type": "reaction_added", "user": "U0STAFF", "reaction": "thumbsup", "item": {"type": "message"}}
    raw = json.dumps(event_callback(event, event_id="Ev0REACT")).encode()
    assert (await deliver(client, raw))[0] == 200
    malformed = json.dumps({"type": "event_callback", "event_id": "Ev0BAD", "event": "not an object"})
    assert (await deliver(client, malformed))[0] == 400
    await drain(client)
    assert engine.messages == [] and not slack.calls_to("chat.postMessage")


async def test_soldout_restock_and_menu(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database
) -> None:
    async with db.session() as session:
        shop = (await session.exec(select(Shop).where(Shop.slack_channel == f"#{SHOP_CHANNEL}"))).one()
        item = (
            await session.exec(select(MenuItem).where(MenuItem.shop_id == shop.id).order_by(col(MenuItem.id)))
        ).first()
    assert item is not None
    client = await client_for(make_client, tmp_path, slack)
    started = time.monotonic()
    status, _ = await deliver(client, command(f"soldout {item.name}"))
    assert status == 200 and time.monotonic() - started < 3
    (posted,) = await slack.wait_for("chat.postMessage")
    assert item.name in posted.params["text"] and "품절" in posted.params["text"]
    async with db.session() as session:
        assert (await session.get(MenuItem, item.id)).sold_out is True  # type: ignore[union-attr]
    await deliver(client, command("menu"))
    (menu,) = await slack.wait_for("chat.postEphemeral")
    assert f"{item.name}" in menu.params["text"] and "(품절)" in menu.params["text"]
    await deliver(client, command(f"restock {item.name}"))
    await slack.wait_for("chat.postMessage", 2)
    async with db.session() as session:
        assert (await session.get(MenuItem, item.id)).sold_out is False  # type: ignore[union-attr]


async def test_open_close_break(make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, db: Database) -> None:
    client = await client_for(make_client, tmp_path, slack)
    for verb, expected, count in (("close", "closed", 1), ("break", "break", 2), ("auto", None, 3)):
        await deliver(client, command(verb))
        await slack.wait_for("chat.postMessage", count)
        async with db.session() as session:
            shop = (await session.exec(select(Shop).where(Shop.slack_channel == f"#{SHOP_CHANNEL}"))).one()
        assert shop.status_override == expected


async def test_commands_outside_a_shop_channel_or_unknown(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack
) -> None:
    client = await client_for(make_client, tmp_path, slack)
    await deliver(client, command("close", channel_name="random"))
    await deliver(client, command("dance"))
    notices = await slack.wait_for("chat.postEphemeral", 2)
    texts = sorted(call.params["text"] for call in notices)
    assert any("연결된 가게가 없어요" in text for text in texts)
    assert any("/kkini soldout" in text for text in texts)
    assert slack.calls_to("chat.postMessage") == []


async def test_model_text_is_escaped_so_it_cannot_ping_the_channel(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    slack.streaming_enabled = False
    engine.script["공지"] = Scripted("<!channel> 떡볶이 & 김밥 <@U0BOSS> 확인")
    client = await client_for(make_client, tmp_path, slack)
    await deliver(client, mention("공지"))
    (posted,) = await slack.wait_for("chat.postMessage")
    assert posted.params["text"] == "&lt;!channel&gt; 떡볶이 &amp; 김밥 &lt;@U0BOSS&gt; 확인"
    assert "<!channel>" not in json.dumps(posted.params["blocks"], ensure_ascii=False)


async def test_a_refused_append_stops_the_stream_before_the_update(
    make_client: ClientFactory, tmp_path: Path, slack: FakeSlack, engine: ScriptedEngine
) -> None:
    answer = "정산은 구매확정 다음 날부터 진행돼요. " * 20
    engine.script["정산"] = Scripted(answer)
    slack.fail_error("chat.appendStream", "message_not_in_streaming_state", times=5)
    client = await client_for(make_client, tmp_path, slack)
    await deliver(client, mention("정산"))
    (update,) = await slack.wait_for("chat.update")
    order = [call.method for call in slack.calls if call.method.startswith("chat.")]
    assert order.index("chat.stopStream") < order.index("chat.update")  # the fake refuses to update a live stream
    message = slack.messages[("C0SHOP", update.params["ts"])]
    assert not message.streaming and message.text.strip() == answer.strip()


async def test_a_long_push_is_cut_to_one_section_and_escaped(slack: FakeSlack) -> None:
    from bots.channels.notifiers import SlackNotifier
    from bots.settings import SlackSettings
    from jobs.notifier import Push
    from tests.fakes import slack_api

    notifier = SlackNotifier(SlackSettings(bot_token=slack_api.TOKEN, api_base_url=slack.base_url))
    text = "<!here> 잔액이 얼마 남지 않았어요. " * 300
    await notifier.send(Push("slack", "U0KID", text, "push-1", buttons=(("쿠폰 보기", "coupons"),)))
    (posted,) = await slack.wait_for("chat.postMessage")
    section = posted.params["blocks"][0]["text"]["text"]
    assert len(section) <= 3000 and section.startswith("&lt;!here&gt;") and "<!here>" not in posted.params["text"]
    await notifier.aclose()

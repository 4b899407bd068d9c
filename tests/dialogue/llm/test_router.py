"""The router over real providers and fakes: retries, Retry-After, fallback only before the first token, breakers,
spending caps, the cache and context trimming."""

from __future__ import annotations

import logging

import pytest

from dialogue.llm.router import AnswerInterrupted, NoProviderAnswered, RoundDone, trim_history
from dialogue.llm.spend import Pricing
from dialogue.llm.types import AssistantMessage, ChatRequest, TextChunk, ToolCall, ToolResultMessage, UserMessage
from dialogue.settings import RouterSettings
from storage.kv import InProcessStore
from tests.dialogue.llm.conftest import (
    FAST,
    Recorder,
    anthropic_provider,
    gemini_provider,
    make_router,
    openai_provider,
    route,
)
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.clock import FakeClock
from tests.fakes.gemini_api import FakeGemini, rate_limited
from tests.fakes.llm_script import ModelTurn
from tests.fakes.openai_api import FakeOpenAI

ASK = ChatRequest("너는 끼니야.", (UserMessage("떡볶이 어디서 먹어?"),))


def done(events: list[object]) -> RoundDone:
    last = events[-1]
    assert isinstance(last, RoundDone)
    return last


def text(events: list[object]) -> str:
    return "".join(event.text for event in events if isinstance(event, TextChunk))


async def test_429_waits_as_long_as_retry_after_says(
    openai_fake: FakeOpenAI, kv: InProcessStore, sleeps: Recorder
) -> None:
    openai_fake.fail("*", 429, {"error": {"message": "slow down", "type": "requests"}}, headers={"Retry-After": "2"})
    openai_fake.script(ModelTurn(text="엄마분식이 있어요."))
    router = make_router([openai_provider(openai_fake)], kv, sleep=sleeps)
    events = await route(router, ASK)
    assert text(events) == "엄마분식이 있어요." and done(events).result.provider == "openai"
    assert len(sleeps.waits) == 1 and 2.0 <= sleeps.waits[0] <= 2.25
    assert [a.outcome for a in done(events).result.attempts] == ["rate_limit", "ok"]


async def test_500s_are_retried_with_jittered_backoff(
    gemini_fake: FakeGemini, kv: InProcessStore, sleeps: Recorder
) -> None:
    gemini_fake.fail("*", 500, {"error": {"code": 500, "message": "internal", "status": "INTERNAL"}}, times=2)
    router = make_router([gemini_provider(gemini_fake)], kv, sleep=sleeps)
    events = await route(router, ASK)
    assert done(events).result.provider == "gemini" and len(gemini_fake.calls) == 3
    assert len(sleeps.waits) == 2 and all(0 < wait <= FAST.backoff_max_s for wait in sleeps.waits)


async def test_a_long_retry_after_moves_on_and_pauses_the_provider(
    gemini_fake: FakeGemini, anthropic_fake: FakeAnthropic, kv: InProcessStore, sleeps: Recorder
) -> None:
    gemini_fake.fail("*", 429, rate_limited(60))
    anthropic_fake.script(ModelTurn(text="클로드가 답해요."), ModelTurn(text="또 클로드예요."))
    router = make_router([gemini_provider(gemini_fake), anthropic_provider(anthropic_fake)], kv, sleep=sleeps)
    first = await route(router, ASK)
    assert done(first).result.provider == "anthropic" and sleeps.waits == []
    second = await route(router, ChatRequest("너는 끼니야.", (UserMessage("다른 질문"),)))
    assert done(second).result.provider == "anthropic" and len(gemini_fake.calls) == 1  # still paused


async def test_failover_happens_before_the_first_token(
    openai_fake: FakeOpenAI, anthropic_fake: FakeAnthropic, kv: InProcessStore
) -> None:
    """A first token that never comes: the next provider answers, and nothing of the first reached the user."""
    openai_fake.script(ModelTurn(text="늦은 답", first_delay_s=30))
    anthropic_fake.script(ModelTurn(text="제가 대신 답할게요."))
    router = make_router([openai_provider(openai_fake), anthropic_provider(anthropic_fake)], kv)
    events = await route(router, ASK)
    assert text(events) == "제가 대신 답할게요."
    assert [a.outcome for a in done(events).result.attempts] == ["first_token", "ok"]


async def test_after_the_first_token_a_failure_ends_the_reply_and_no_other_model_continues(
    openai_fake: FakeOpenAI, anthropic_fake: FakeAnthropic, kv: InProcessStore, caplog: pytest.LogCaptureFixture
) -> None:
    openai_fake.script(ModelTurn(text="김밥천국은 지금 열려 있고 참치김밥이", pieces=6, cut_after=2))
    router = make_router([openai_provider(openai_fake), anthropic_provider(anthropic_fake)], kv)
    seen: list[str] = []
    with caplog.at_level(logging.WARNING), pytest.raises(AnswerInterrupted) as caught:
        async for event in router.stream(ASK):
            if isinstance(event, TextChunk):
                seen.append(event.text)
    assert caught.value.text == "".join(seen) and seen
    assert anthropic_fake.calls == []  # never silently continued by another model
    assert any("after the first token" in record.getMessage() for record in caplog.records)


async def test_a_wrong_key_opens_the_breaker_with_one_log_line(
    kv: InProcessStore, caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    async with FakeOpenAI(api_key="the-real-key") as fake:
        router = make_router([openai_provider(fake, key="a-wrong-key")], kv, clock=clock)
        with caplog.at_level(logging.INFO):
            for _ in range(3):
                with pytest.raises(NoProviderAnswered):
                    await route(router, ASK)
        assert len(fake.calls) == 1  # the breaker keeps the next requests off the wire
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and "KKINI_OPENAI__API_KEY" in errors[0].getMessage()
        assert not any("a-wrong-key" in r.getMessage() for r in caplog.records)

        fake.api_key = "a-wrong-key"  # the key is accepted now: after the cooldown one probe goes through
        clock.now += FAST.auth_cooldown_s + 1
        events = await route(router, ASK)
        assert done(events).result.provider == "openai" and len(fake.calls) == 2
        await router.aclose()


async def test_breaker_opens_after_repeated_failures_and_half_opens_for_one_probe(
    openai_fake: FakeOpenAI, anthropic_fake: FakeAnthropic, kv: InProcessStore, clock: FakeClock
) -> None:
    settings = FAST.model_copy(update={"retries": 0})
    openai_fake.fail("*", 503, {"error": {"message": "overloaded", "type": "server"}}, times=4)
    router = make_router(
        [openai_provider(openai_fake), anthropic_provider(anthropic_fake)], kv, settings=settings, clock=clock
    )
    for number in range(5):
        events = await route(router, ChatRequest("s", (UserMessage(f"질문 {number}"),)))
        assert done(events).result.provider == "anthropic"
    assert len(openai_fake.calls) == 3  # opened after breaker_failures=3; later requests skip it
    clock.now += settings.breaker_cooldown_s + 1
    events = await route(router, ChatRequest("s", (UserMessage("probe"),)))
    assert done(events).result.provider == "anthropic" and len(openai_fake.calls) == 4  # the probe failed (503)
    clock.now += settings.breaker_cooldown_s + 1
    events = await route(router, ChatRequest("s", (UserMessage("probe again"),)))
    assert done(events).result.provider == "openai"  # the second probe succeeded: closed again


async def test_a_spending_cap_moves_traffic_to_the_next_provider(
    openai_fake: FakeOpenAI, gemini_fake: FakeGemini, kv: InProcessStore
) -> None:
    # 1,000,000 input tokens at 1 USD per million: one answer spends the whole 1 USD cap.
    openai_fake.script(ModelTurn(text="첫 답", input_tokens=1_000_000, output_tokens=0))
    pricing = {"openai": Pricing(1.0, 0.0, daily_cap_usd=1.0), "gemini": Pricing(0.0, 0.0, None)}
    router = make_router([openai_provider(openai_fake), gemini_provider(gemini_fake)], kv, pricing=pricing)
    first = await route(router, ASK)
    assert done(first).result.provider == "openai" and done(first).result.cost_usd == pytest.approx(1.0)
    assert await router.ledger.spent_today("openai") == pytest.approx(1.0)
    second = await route(router, ChatRequest("너는 끼니야.", (UserMessage("그럼 김밥은?"),)))
    assert done(second).result.provider == "gemini" and len(openai_fake.calls) == 1
    assert done(second).result.attempts[0].outcome == "skipped:cap"


async def test_identical_requests_are_answered_from_the_cache(openai_fake: FakeOpenAI, kv: InProcessStore) -> None:
    openai_fake.script(ModelTurn(text="편의점에서도 돼요."))
    router = make_router([openai_provider(openai_fake)], kv)
    await route(router, ASK)
    same = ChatRequest("너는  끼니야.", (UserMessage(" 떡볶이 어디서   먹어? "),))  # differs only in spacing
    events = await route(router, same)
    assert text(events) == "편의점에서도 돼요." and done(events).result.cached
    assert done(events).result.cost_usd == 0 and len(openai_fake.calls) == 1
    other = await route(router, ChatRequest("너는 끼니야.", (UserMessage("김밥 어디서 먹어?"),)))
    assert not done(other).result.cached and len(openai_fake.calls) == 2


async def test_answers_that_call_tools_are_not_cached(openai_fake: FakeOpenAI, kv: InProcessStore) -> None:
    from tests.fakes.llm_script import FakeToolCall

    openai_fake.script(
        ModelTurn(tool_calls=(FakeToolCall("balance", {}),)), ModelTurn(tool_calls=(FakeToolCall("balance", {}),))
    )
    router = make_router([openai_provider(openai_fake)], kv)
    await route(router, ASK)
    events = await route(router, ASK)
    assert not done(events).result.cached and len(openai_fake.calls) == 2


async def test_context_length_trims_the_oldest_history_and_asks_again(kv: InProcessStore) -> None:
    history = []
    for number in range(6):
        history += [UserMessage(f"예전 질문 {number} " + "가" * 40), AssistantMessage(f"예전 답 {number} " + "나" * 40)]
    request = ChatRequest("시스템", (*history, UserMessage("지금 질문")))
    async with FakeAnthropic(max_context_chars=250) as fake:
        router = make_router([anthropic_provider(fake)], kv)
        events = await route(router, request)
        result = done(events).result
        assert result.provider == "anthropic" and result.request is not None
        kept = result.request.messages
        assert kept[-1] == UserMessage("지금 질문") and isinstance(kept[0], UserMessage)
        assert 1 < len(kept) < len(request.messages) and len(fake.calls) > 2
        await router.aclose()


def test_trimming_never_cuts_the_current_turn() -> None:
    call = ToolCall("c1", "balance", "{}")
    current = (UserMessage("지금"), AssistantMessage("", (call,)), ToolResultMessage("c1", "balance", "{}"))
    request = ChatRequest("s", (UserMessage("전"), AssistantMessage("답"), *current))
    trimmed = trim_history(request)
    assert trimmed is not None and trimmed.messages == current
    assert trim_history(trimmed) is None


async def test_nothing_configured_means_no_provider_answered(kv: InProcessStore) -> None:
    router = make_router([], kv)
    with pytest.raises(NoProviderAnswered):
        await route(router, ASK)


async def test_prefer_puts_a_provider_first(
    openai_fake: FakeOpenAI, gemini_fake: FakeGemini, kv: InProcessStore
) -> None:
    router = make_router(
        [openai_provider(openai_fake), gemini_provider(gemini_fake)], kv, settings=RouterSettings(cache_ttl_s=0)
    )
    events = await route(router, ASK, prefer="gemini")
    assert done(events).result.provider == "gemini" and openai_fake.calls == []

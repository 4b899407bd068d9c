"""Findings of issue 19 against the strict vendor fakes: current default models, retired ids opening the breaker,
reasoning models (no temperature, a reasoning budget on top of the answer's, an exhausted budget moving on, a long
think before the first tool call), refusals, the last round's tool choice, Gemini's signature for foreign calls and
its continuation, and errors inside the stream."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import anthropic
import google.genai
import openai
import pytest
from anthropic.resources.messages.messages import DEPRECATED_MODELS

from dialogue.llm.anthropic_provider import AnthropicProvider
from dialogue.llm.errors import FailureKind, ProviderError
from dialogue.llm.gemini_provider import GeminiProvider
from dialogue.llm.openai_provider import OpenAIProvider
from dialogue.llm.router import NoProviderAnswered, RoundDone
from dialogue.llm.types import (
    AssistantMessage,
    ChatRequest,
    Finish,
    Started,
    TextChunk,
    ToolCall,
    ToolResultMessage,
    ToolSpec,
    UserMessage,
)
from dialogue.settings import AnthropicSettings, GeminiSettings, OpenAISettings
from storage.kv import InProcessStore
from tests.dialogue.llm.conftest import (
    anthropic_provider,
    events_of,
    gemini_provider,
    make_router,
    openai_provider,
    route,
)
from tests.fakes import anthropic_api, gemini_api, openai_api
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.clock import FakeClock
from tests.fakes.gemini_api import SENTINEL, FakeGemini
from tests.fakes.llm_script import FakeToolCall, ModelTurn
from tests.fakes.openai_api import FakeOpenAI

BALANCE = ToolSpec("balance", "카드 잔액", {"type": "object", "properties": {}})
ASK = ChatRequest("너는 끼니야.", (UserMessage("잔액 알려줘"),), (BALANCE,), temperature=0.2, max_tokens=200)


def done(events: list[object]) -> RoundDone:
    last = events[-1]
    assert isinstance(last, RoundDone)
    return last


def reasoning_openai(fake: FakeOpenAI, *, reasoning_tokens: int = 2048) -> OpenAIProvider:
    return OpenAIProvider(
        api_key=openai_api.API_KEY,
        base_url=fake.base_url,
        model="gpt-5.4-mini",
        connect_timeout_s=5.0,
        read_timeout_s=30.0,
        keepalive_connections=4,
        reasoning_effort="low",
        reasoning_tokens=reasoning_tokens,
    )


def _deprecated_openai_ids() -> set[str]:
    source = Path(openai.__file__).parent / "types" / "shared" / "chat_model.py"
    notes = source.read_text().split('"""Deprecated values:', 1)[1]
    return set(re.findall(r'"([^"]+)"', notes))


def test_default_models_are_current_in_the_locked_sdks_and_served_by_the_fakes() -> None:
    openai_model, anthropic_model = OpenAISettings().model, AnthropicSettings().model
    gemini_model = GeminiSettings().model
    deprecated = _deprecated_openai_ids()
    assert "gpt-5-mini" in deprecated  # the reading of the SDK's list works
    assert openai_model not in deprecated
    assert anthropic_model not in DEPRECATED_MODELS and anthropic_model in str(anthropic.types.Model)
    catalogue = Path(google.genai.__file__).parent / "_gaos" / "types" / "interactions" / "model.py"
    assert f'"{gemini_model}"' in catalogue.read_text() and not gemini_model.startswith(("gemini-2", "gemini-1"))
    assert openai_model in openai_api.MODELS and anthropic_model in anthropic_api.MODELS
    assert gemini_model in gemini_api.MODELS


@pytest.mark.parametrize("vendor", ["openai", "anthropic", "gemini"])
async def test_a_retired_model_id_is_a_model_failure(vendor: str) -> None:
    fakes = {"openai": FakeOpenAI, "anthropic": FakeAnthropic, "gemini": FakeGemini}
    retired = {"openai": "gpt-4-0314", "anthropic": "claude-3-5-haiku-20241022", "gemini": "gemini-2.5-flash"}
    async with fakes[vendor]() as fake:
        provider: OpenAIProvider | AnthropicProvider | GeminiProvider
        if isinstance(fake, FakeOpenAI):
            provider = openai_provider(fake)
        elif isinstance(fake, FakeAnthropic):
            provider = anthropic_provider(fake)
        else:
            provider = gemini_provider(fake)
        provider.model = retired[vendor]
        with pytest.raises(ProviderError) as caught:
            await events_of(provider, ASK)
        assert caught.value.kind is FailureKind.MODEL and caught.value.status == 404
        await provider.aclose()


async def test_a_retired_model_opens_the_breaker_at_once_with_one_error_line(
    kv: InProcessStore, caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    async with FakeOpenAI() as openai_fake, FakeAnthropic() as anthropic_fake:
        stale = openai_provider(openai_fake)
        stale.model = "gpt-4-0314"
        router = make_router([stale, anthropic_provider(anthropic_fake)], kv, clock=clock)
        anthropic_fake.default = ModelTurn(text="클로드가 답해요.")
        with caplog.at_level(logging.INFO):
            for _ in range(3):
                assert (
                    done(await route(router, ChatRequest("s", (UserMessage("안녕"),)))).result.provider == "anthropic"
                )
        assert len(openai_fake.calls) == 1  # not one wasted call per turn
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and "KKINI_OPENAI__MODEL" in errors[0]
        await router.aclose()


async def test_an_anthropic_billing_error_opens_the_breaker(kv: InProcessStore, clock: FakeClock) -> None:
    async with FakeAnthropic() as fake:
        fake.fail("*", 400, anthropic_api.error_body("billing_error", "Your credit balance is too low."))
        router = make_router([anthropic_provider(fake)], kv, clock=clock)
        for _ in range(2):
            with pytest.raises(NoProviderAnswered) as caught:
                await route(router, ChatRequest("s", (UserMessage("안녕"),)))
        assert caught.value.attempts[0].outcome == "skipped:breaker" and len(fake.calls) == 1
        await router.aclose()


async def test_openai_insufficient_quota_is_billing(openai_fake: FakeOpenAI) -> None:
    body = openai_api.error_body("You exceeded your current quota.", "insufficient_quota", "insufficient_quota")
    openai_fake.fail("*", 429, body)
    with pytest.raises(ProviderError) as caught:
        await events_of(openai_provider(openai_fake), ASK)
    assert caught.value.kind is FailureKind.BILLING


async def test_the_fake_refuses_temperature_for_a_reasoning_model_as_openai_does(openai_fake: FakeOpenAI) -> None:
    client = openai.AsyncOpenAI(api_key=openai_api.API_KEY, base_url=openai_fake.base_url, max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        await client.chat.completions.create(
            model="gpt-5.4-mini", messages=[{"role": "user", "content": "안녕"}], temperature=0.2
        )
    assert caught.value.code == "unsupported_value"
    with pytest.raises(openai.BadRequestError) as refused:
        await client.chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": "안녕"}], reasoning_effort="low"
        )
    assert refused.value.code == "unsupported_parameter"
    await client.close()


async def test_a_reasoning_model_gets_effort_and_room_but_no_temperature(openai_fake: FakeOpenAI) -> None:
    openai_fake.script(ModelTurn(text="잔액은 5,000원이에요.", reasoning_tokens=900))
    provider = reasoning_openai(openai_fake)
    events = await events_of(provider, ASK)  # ASK asks for temperature 0.2 and 200 answer tokens
    assert "".join(e.text for e in events if isinstance(e, TextChunk)) == "잔액은 5,000원이에요."
    body = openai_fake.bodies[0]
    assert "temperature" not in body and body["reasoning_effort"] == "low"
    assert body["max_completion_tokens"] == 200 + 2048 and body["tool_choice"] == "auto"
    await provider.aclose()


async def test_an_answer_lost_to_reasoning_moves_on_to_the_next_provider(kv: InProcessStore) -> None:
    async with FakeOpenAI() as openai_fake, FakeAnthropic() as anthropic_fake:
        # Without the reasoning budget the 200 answer tokens go to reasoning: empty answer, finish length.
        openai_fake.script(ModelTurn(text="못 들을 답", reasoning_tokens=900))
        anthropic_fake.script(ModelTurn(text="잔액은 5,000원이에요."))
        router = make_router(
            [reasoning_openai(openai_fake, reasoning_tokens=0), anthropic_provider(anthropic_fake)], kv
        )
        result = done(await route(router, ASK)).result
        assert result.provider == "anthropic" and result.text == "잔액은 5,000원이에요."
        assert [a.outcome for a in result.attempts] == ["exhausted", "ok"]
        await router.aclose()


@pytest.mark.parametrize("vendor", ["openai", "anthropic"])
async def test_a_model_that_thinks_past_the_first_token_timeout_still_answers(vendor: str, kv: InProcessStore) -> None:
    """The stream opens at once, then the model reasons longer than first_token_timeout_s (1.5 s) before its call."""
    turn = ModelTurn(tool_calls=(FakeToolCall("balance", {}),), reasoning_s=2.2)
    fake: FakeOpenAI | FakeAnthropic
    async with FakeOpenAI() if vendor == "openai" else FakeAnthropic() as fake:
        fake.script(turn)
        provider = openai_provider(fake) if isinstance(fake, FakeOpenAI) else anthropic_provider(fake)
        router = make_router([provider], kv)
        result = done(await route(router, ASK)).result
        assert [call.name for call in result.tool_calls] == ["balance"] and result.finish == "tool_calls"
        assert [a.outcome for a in result.attempts] == ["ok"]
        await router.aclose()


async def test_openai_refusal_deltas_are_passed_on(openai_fake: FakeOpenAI) -> None:
    openai_fake.script(ModelTurn(refusal="그건 도와드릴 수 없어요."))
    events = await events_of(openai_provider(openai_fake), ASK)
    assert isinstance(events[0], Started)
    assert "".join(e.text for e in events if isinstance(e, TextChunk)) == "그건 도와드릴 수 없어요."
    assert events[-1] == Finish("refusal")


async def test_anthropic_and_gemini_refusals_finish_as_refusal(
    anthropic_fake: FakeAnthropic, gemini_fake: FakeGemini, kv: InProcessStore
) -> None:
    anthropic_fake.script(ModelTurn(refusal="도와드릴 수 없어요."))
    gemini_fake.script(ModelTurn(refusal="x"))
    assert (await events_of(anthropic_provider(anthropic_fake), ASK))[-1] == Finish("refusal")
    assert (await events_of(gemini_provider(gemini_fake), ASK))[-1] == Finish("refusal")
    # A refusal is the answer: no other provider is asked to overrule it.
    anthropic_fake.script(ModelTurn(refusal="도와드릴 수 없어요."))
    router = make_router([anthropic_provider(anthropic_fake), gemini_provider(gemini_fake)], kv)
    result = done(await route(router, ASK)).result
    assert result.provider == "anthropic" and result.finish == "refusal" and len(gemini_fake.calls) == 1
    await router.aclose()


def _after_a_tool_round(provider: str, call_id: str) -> tuple[UserMessage, AssistantMessage, ToolResultMessage]:
    call = ToolCall(call_id, "balance", "{}", provider=provider)
    return (UserMessage("잔액?"), AssistantMessage("", (call,)), ToolResultMessage(call_id, "balance", '{"won": 5000}'))


async def test_anthropic_last_round_keeps_the_tools_with_tool_choice_none(anthropic_fake: FakeAnthropic) -> None:
    provider = anthropic_provider(anthropic_fake)
    history = _after_a_tool_round("anthropic", "toolu_9")
    with pytest.raises(ProviderError) as caught:  # what the last round used to send: the API refuses it
        await events_of(provider, ChatRequest("s", history))
    assert "must define tools" in caught.value.message
    await events_of(provider, ChatRequest("s", history, (BALANCE,), tool_choice="none"))
    body = anthropic_fake.bodies[-1]
    assert body["tools"][0]["name"] == "balance" and body["tool_choice"] == {"type": "none"}
    await provider.aclose()


async def test_the_last_round_says_none_to_openai_and_gemini(openai_fake: FakeOpenAI, gemini_fake: FakeGemini) -> None:
    await events_of(
        openai_provider(openai_fake), ChatRequest("s", (UserMessage("안녕"),), (BALANCE,), tool_choice="none")
    )
    assert openai_fake.bodies[0]["tool_choice"] == "none"
    await events_of(
        gemini_provider(gemini_fake), ChatRequest("s", (UserMessage("안녕"),), (BALANCE,), tool_choice="none")
    )
    assert gemini_fake.bodies[0]["toolConfig"] == {"functionCallingConfig": {"mode": "NONE"}}


async def test_gemini_takes_a_call_another_provider_made_with_the_sentinel_signature(gemini_fake: FakeGemini) -> None:
    provider = gemini_provider(gemini_fake)
    history = _after_a_tool_round("openai", "call_abc")
    events = await events_of(provider, ChatRequest("s", history, (BALANCE,)))
    assert events[-1] == Finish("stop")
    part = gemini_fake.bodies[0]["contents"][1]["parts"][0]
    assert part["thoughtSignature"] == SENTINEL and "id" not in part["functionCall"]
    await provider.aclose()


async def test_gemini_3_gets_a_thinking_level_and_room_and_no_automatic_continuation(gemini_fake: FakeGemini) -> None:
    provider = GeminiProvider(
        api_key=gemini_api.API_KEY,
        base_url=gemini_fake.base_url,
        model="gemini-3.1-flash-lite",
        read_timeout_s=30.0,
        thinking_level="low",
        reasoning_tokens=1024,
    )
    gemini_fake.script(ModelTurn(text="여기까지 말하고", finish="continuation", reasoning_tokens=300))
    events = await events_of(provider, ASK)
    assert events[-1] == Finish("length") and len(gemini_fake.calls) == 1  # the SDK did not ask again by itself
    config = gemini_fake.bodies[0]["generationConfig"]
    level = config["thinkingConfig"].get("thinkingLevel") or config["thinkingConfig"].get("thinking_level")
    assert level == "LOW" and config["maxOutputTokens"] == 200 + 1024
    await provider.aclose()


async def test_errors_inside_the_stream_are_server_failures(
    openai_fake: FakeOpenAI, anthropic_fake: FakeAnthropic
) -> None:
    openai_fake.script(ModelTurn(text="가나다", stream_error="server"))
    anthropic_fake.script(ModelTurn(text="가나다", stream_error="overloaded"))
    for provider in (openai_provider(openai_fake), anthropic_provider(anthropic_fake)):
        with pytest.raises(ProviderError) as caught:
            await events_of(provider, ASK)
        assert caught.value.kind is FailureKind.SERVER
        await provider.aclose()

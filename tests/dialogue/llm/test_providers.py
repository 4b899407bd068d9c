"""Each provider through its real SDK against a fake that speaks the vendor's wire format: streamed text, tool calls
assembled from the vendor's pieces and sent back on the next request, and every failure mapped to one vocabulary."""

from __future__ import annotations

import json

import pytest

from dialogue.llm.errors import FailureKind, ProviderError
from dialogue.llm.gemini_provider import SIGNATURE
from dialogue.llm.types import (
    AssistantMessage,
    ChatRequest,
    Finish,
    Provider,
    TextChunk,
    ToolCall,
    ToolResultMessage,
    ToolSpec,
    Usage,
    UserMessage,
)
from tests.dialogue.llm.conftest import VENDORS, events_of
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.gemini_api import FakeGemini, rate_limited
from tests.fakes.llm_script import FakeToolCall, LLMFake, ModelTurn
from tests.fakes.openai_api import FakeOpenAI

BALANCE = ToolSpec("balance", "카드 잔액", {"type": "object", "properties": {}, "additionalProperties": False})
SEARCH = ToolSpec(
    "faq_search",
    "FAQ 검색",
    {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
)
HELLO = ChatRequest("너는 끼니야.", (UserMessage("안녕"),), (BALANCE, SEARCH), temperature=0.2, max_tokens=200)


async def test_text_streams_in_pieces_with_usage_and_finish(vendor: tuple[LLMFake, Provider]) -> None:
    fake, provider = vendor
    fake.script(ModelTurn(text="안녕하세요! 무엇을 도와줄까요?", pieces=5, input_tokens=31, output_tokens=9))
    events = await events_of(provider, HELLO)
    chunks = [event.text for event in events if isinstance(event, TextChunk)]
    assert len(chunks) >= 4 and "".join(chunks) == "안녕하세요! 무엇을 도와줄까요?"
    assert Usage(31, 9) in events
    assert events[-1] == Finish("stop")
    sent = json.dumps(fake.bodies[0], ensure_ascii=False)
    assert "너는 끼니야." in sent and "faq_search" in sent  # the system prompt and the tool schemas went out


async def test_two_tool_calls_come_whole_and_go_back_with_their_results(vendor: tuple[LLMFake, Provider]) -> None:
    """OpenAI sends arguments in fragments by index, Anthropic as input_json_delta, Gemini whole: all arrive whole."""
    fake, provider = vendor
    fake.script(
        ModelTurn(
            text="찾아볼게요.",
            tool_calls=(
                FakeToolCall("faq_search", {"query": "편의점에서 돼요?"}),
                FakeToolCall("balance", {}),
            ),
        ),
        ModelTurn(text="편의점에서도 쓸 수 있어요."),
    )
    events = await events_of(provider, HELLO)
    calls = [event for event in events if isinstance(event, ToolCall)]
    assert [(c.name, json.loads(c.arguments)) for c in calls] == [
        ("faq_search", {"query": "편의점에서 돼요?"}),
        ("balance", {}),
    ]
    assert all(c.id and c.provider == provider.name for c in calls) and calls[0].id != calls[1].id
    assert events[-1] == Finish("tool_calls")
    follow = ChatRequest(
        HELLO.system,
        (
            *HELLO.messages,
            AssistantMessage("찾아볼게요.", tuple(calls)),
            ToolResultMessage(calls[0].id, "faq_search", '{"entries": [{"number": 1}]}'),
            ToolResultMessage(calls[1].id, "balance", '{"error": "no card"}', is_error=True),
        ),
        HELLO.tools,
    )
    answer = await events_of(provider, follow)  # the fake refuses results that answer no call of the turn before
    assert "".join(e.text for e in answer if isinstance(e, TextChunk)) == "편의점에서도 쓸 수 있어요."
    assert calls[0].id in json.dumps(fake.bodies[1])


async def test_gemini_thought_signature_and_id_go_back_with_the_call(gemini_fake: FakeGemini) -> None:
    from tests.dialogue.llm.conftest import gemini_provider

    provider = gemini_provider(gemini_fake)
    gemini_fake.script(
        ModelTurn(tool_calls=(FakeToolCall("balance", {}, id="fc-7", thought_signature=b"\x01sig-bytes"),)),
        ModelTurn(text="잔액은 5,000원이에요."),
    )
    events = await events_of(provider, HELLO)
    call = next(event for event in events if isinstance(event, ToolCall))
    assert call.id == "fc-7" and call.extra[SIGNATURE]
    follow = ChatRequest(
        HELLO.system,
        (
            *HELLO.messages,
            AssistantMessage("", (call,)),
            ToolResultMessage(call.id, "balance", '{"balance_won": 5000}'),
        ),
        HELLO.tools,
    )
    answer = await events_of(provider, follow)
    assert answer[-1] == Finish("stop")
    part = gemini_fake.bodies[1]["contents"][1]["parts"][0]
    assert part["functionCall"]["id"] == "fc-7" and part["thoughtSignature"] == call.extra[SIGNATURE]
    response = gemini_fake.bodies[1]["contents"][2]["parts"][0]["functionResponse"]
    assert response == {"id": "fc-7", "name": "balance", "response": {"output": {"balance_won": 5000}}}

    # Without the signature the (fake, like the real) API refuses the conversation: dropping it is a bug.
    unsigned = ToolCall(call.id, call.name, call.arguments, {}, provider="gemini")
    broken = ChatRequest(HELLO.system, (*HELLO.messages, AssistantMessage("", (unsigned,)), follow.messages[-1]))
    with pytest.raises(ProviderError) as caught:
        await events_of(provider, broken)
    assert caught.value.kind is FailureKind.BAD_REQUEST and "thought_signature" in caught.value.message
    await provider.aclose()


def _fail(fake: LLMFake, status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> None:
    fake.fail("*", status, body, headers=headers)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (429, FailureKind.RATE_LIMIT),
        (500, FailureKind.SERVER),
        (503, FailureKind.SERVER),
        (400, FailureKind.BAD_REQUEST),
    ],
)
async def test_http_errors_map_to_kinds(vendor: tuple[LLMFake, Provider], status: int, kind: FailureKind) -> None:
    fake, provider = vendor
    body = {"error": {"code": status, "message": "scripted failure", "status": "X", "type": "api_error"}}
    _fail(fake, status, body, {"Retry-After": "7"} if status == 429 else None)
    with pytest.raises(ProviderError) as caught:
        await events_of(provider, HELLO)
    assert caught.value.kind is kind and caught.value.status == status
    if status == 429:
        assert caught.value.retry_after == 7.0


async def test_gemini_retry_delay_comes_from_retry_info(gemini_fake: FakeGemini) -> None:
    from tests.dialogue.llm.conftest import gemini_provider

    provider = gemini_provider(gemini_fake)
    gemini_fake.fail("*", 429, rate_limited(12))
    with pytest.raises(ProviderError) as caught:
        await events_of(provider, HELLO)
    assert caught.value.kind is FailureKind.RATE_LIMIT and caught.value.retry_after == 12.0
    await provider.aclose()


async def test_a_wrong_key_is_auth(vendor: tuple[LLMFake, Provider]) -> None:
    fake, provider = vendor
    wrong = VENDORS[provider.name][1](fake, "not-the-key")
    with pytest.raises(ProviderError) as caught:
        await events_of(wrong, HELLO)
    assert caught.value.kind is FailureKind.AUTH
    await wrong.aclose()


async def test_a_stream_cut_after_text_is_a_connection_failure(vendor: tuple[LLMFake, Provider]) -> None:
    fake, provider = vendor
    fake.script(ModelTurn(text="가나다라마바사아자차", pieces=5, cut_after=2))
    seen: list[str] = []
    with pytest.raises(ProviderError) as caught:
        async for event in provider.stream(HELLO):
            if isinstance(event, TextChunk):
                seen.append(event.text)
    assert caught.value.kind is FailureKind.CONNECTION
    assert "".join(seen) == "가나다라"


async def test_context_length_refusals_are_recognised(vendor: tuple[LLMFake, Provider]) -> None:
    fake, provider = vendor
    fake.max_context_chars = 20
    long = ChatRequest("시스템", (UserMessage("아주 긴 질문 " * 10),))
    with pytest.raises(ProviderError) as caught:
        await events_of(provider, long)
    assert caught.value.kind is FailureKind.CONTEXT_LENGTH


async def test_openai_arguments_arrive_in_fragments_on_the_wire(openai_fake: FakeOpenAI) -> None:
    """The fake really splits the arguments: the provider's joining is what makes them whole."""
    from tests.dialogue.llm.conftest import openai_provider

    provider = openai_provider(openai_fake)
    openai_fake.script(ModelTurn(tool_calls=(FakeToolCall("faq_search", {"query": "카드를 잃어버렸어요"}),)))
    events = await events_of(provider, HELLO)
    assert json.loads(next(e for e in events if isinstance(e, ToolCall)).arguments) == {"query": "카드를 잃어버렸어요"}
    body = openai_fake.bodies[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["tools"][0]["type"] == "function" and body["temperature"] == 0.2
    await provider.aclose()


async def test_anthropic_sends_system_apart_and_tool_results_in_a_user_turn(anthropic_fake: FakeAnthropic) -> None:
    from tests.dialogue.llm.conftest import anthropic_provider

    provider = anthropic_provider(anthropic_fake)
    call = ToolCall("toolu_1", "balance", "{}", provider="anthropic")
    request = ChatRequest(
        "시스템",
        (UserMessage("잔액?"), AssistantMessage("", (call,)), ToolResultMessage("toolu_1", "balance", "{}")),
        (BALANCE,),
    )
    await events_of(provider, request)
    body = anthropic_fake.bodies[0]
    assert body["system"] == "시스템" and [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][2]["content"][0] == {"type": "tool_result", "tool_use_id": "toolu_1", "content": "{}"}
    await provider.aclose()

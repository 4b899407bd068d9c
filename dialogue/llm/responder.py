"""The tool loop: the model answers the user's message, calling the assistant's tools through the router.

Each round sends the conversation so far; the model's tool calls are validated and run for the turn's user, and their
results go back in the next round, until the model answers in text. The last allowed round still declares the tools
(a history with tool calls needs them) with ``tool_choice="none"``, so it must answer. Text streams out as it
arrives, across rounds. A model that declines (finish ``refusal``) is answered with its own words, or with `REFUSED`
when it gave none; the refusal is the answer, not a failure another model should overrule.

When no text has reached the user yet and the model path cannot go on (no provider answered, or the model kept
sending invalid tool arguments), `ModelUnavailable` tells the engine to answer offline. After text has reached the
user, a failure marks the answer ``interrupted`` instead: the engine ends the reply honestly.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field

from dialogue.llm.router import AnswerInterrupted, Attempt, NoProviderAnswered, RoundResult, Router
from dialogue.llm.types import AssistantMessage, ChatRequest, Message, TextChunk, ToolResultMessage, Usage, UserMessage
from dialogue.session import Turn
from dialogue.settings import RouterSettings
from dialogue.tools.registry import ToolRegistry, result_json
from dialogue.turn import Reply, TurnContext

logger = logging.getLogger(__name__)

REFUSED = "그 부탁은 도와드리기 어려워요. 급식카드나 가게, 메뉴에 대해서라면 무엇이든 물어봐 주세요."
"""What the user reads when the model declined without saying anything."""


@dataclass(frozen=True, slots=True)
class AssistantModel:
    """How one assistant talks through a model: its system prompt and the tools it offers."""

    system: str
    tools: ToolRegistry


@dataclass(slots=True)
class ModelAnswer:
    text: str = ""
    provider: str = ""
    model: str = ""
    usage: Usage = field(default_factory=lambda: Usage(0, 0))
    cost_usd: float = 0.0
    rounds: int = 0
    cached: bool = False
    first_token_ms: float | None = None
    views: list[Reply] = field(default_factory=list)
    """What the tools that ran would show on the offline path (cards, quick replies), in call order."""
    sources: list[str] = field(default_factory=list)
    """FAQ entry ids the tools found, best first."""
    tool_calls: list[str] = field(default_factory=list)
    interrupted: bool = False
    """A provider failed after text had reached the user; the text is cut short."""
    attempts: list[Attempt] = field(default_factory=list)

    def add(self, result: RoundResult) -> None:
        self.rounds += 1
        self.provider, self.model, self.cached = result.provider, result.model, result.cached
        self.usage = Usage(
            self.usage.input_tokens + result.usage.input_tokens, self.usage.output_tokens + result.usage.output_tokens
        )
        self.cost_usd += result.cost_usd
        self.attempts.extend(result.attempts)
        if self.first_token_ms is None:
            self.first_token_ms = result.first_token_ms


class ModelUnavailable(Exception):
    """The model path gave no text; ``answer`` holds what the tools did meanwhile (their offline views)."""

    def __init__(self, reason: str, answer: ModelAnswer) -> None:
        super().__init__(reason)
        self.reason = reason
        self.answer = answer


class ModelResponder:
    def __init__(self, router: Router, assistants: Mapping[str, AssistantModel], settings: RouterSettings) -> None:
        self.router = router
        self.assistants = dict(assistants)
        self.settings = settings

    def serves(self, assistant: str) -> bool:
        return assistant in self.assistants and bool(self.router.providers)

    def tools_of(self, assistant: str) -> ToolRegistry:
        return self.assistants[assistant].tools

    async def aclose(self) -> None:
        await self.router.aclose()

    def history(self, turns: Sequence[Turn]) -> list[Message]:
        """The session's last turns as messages, starting with a user message (Anthropic requires it)."""
        recent = list(turns)[-self.settings.history_turns :] if self.settings.history_turns else []
        messages: list[Message] = [
            UserMessage(turn.text) if turn.role == "user" else AssistantMessage(turn.text) for turn in recent
        ]
        while messages and not isinstance(messages[0], UserMessage):
            messages.pop(0)
        return messages

    async def respond(
        self, ctx: TurnContext, assistant: str, *, grounding: str = ""
    ) -> AsyncIterator[TextChunk | ModelAnswer]:
        """Text chunks as they arrive, then the `ModelAnswer`; raises `ModelUnavailable` before any text."""
        setup = self.assistants[assistant]
        system = setup.system + grounding
        messages = [*self.history(ctx.session.turns), UserMessage(ctx.text)]
        answer = ModelAnswer()
        prefer: str | None = None
        invalid_rounds = 0
        for number in range(1, self.settings.max_tool_rounds + 1):
            last = number == self.settings.max_tool_rounds
            request = ChatRequest(
                system,
                tuple(messages),
                setup.tools.specs(),
                self.settings.temperature,
                self.settings.max_tokens,
                tool_choice="none" if last else "auto",
            )
            result: RoundResult | None = None
            separate = bool(answer.text) and not answer.text[-1].isspace()
            try:
                async for event in self.router.stream(request, prefer=prefer):
                    if isinstance(event, TextChunk):
                        if separate:
                            separate = False
                            answer.text += "\n"
                            yield TextChunk("\n")
                        answer.text += event.text
                        yield event
                    else:
                        result = event.result
            except NoProviderAnswered as error:
                answer.attempts.extend(error.attempts)
                if not answer.text:
                    raise ModelUnavailable(str(error), answer) from error
                answer.interrupted = True
                yield answer
                return
            except AnswerInterrupted as error:
                answer.provider = error.provider
                answer.interrupted = True
                yield answer
                return
            assert result is not None
            answer.add(result)
            if result.finish == "refusal" and not answer.text.strip():
                answer.text = REFUSED
                yield TextChunk(REFUSED)
            prefer = result.provider
            messages = list(result.request.messages if result.request is not None else request.messages)
            if not result.tool_calls or last:
                break
            messages.append(AssistantMessage(result.text, result.tool_calls))
            invalid = False
            for call in result.tool_calls:
                outcome = await setup.tools.call(ctx, call.name, call.arguments)
                answer.tool_calls.append(call.name)
                if outcome.error:
                    logger.info("tool %s refused (%s) in turn %s", call.name, outcome.error, ctx.turn_id)
                invalid = invalid or outcome.invalid
                messages.append(
                    ToolResultMessage(call.id, call.name, result_json(outcome), is_error=outcome.error is not None)
                )
                if outcome.reply is not None:
                    answer.views.append(outcome.reply)
                answer.sources.extend(outcome.sources)
            invalid_rounds += invalid
            if invalid_rounds >= self.settings.max_invalid_tool_rounds:
                logger.warning("turn %s: %d rounds of invalid tool arguments", ctx.turn_id, invalid_rounds)
                break
        if not answer.text.strip():
            raise ModelUnavailable("the model gave no text", answer)
        yield answer

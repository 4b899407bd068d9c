"""Tool schemas as every provider sees them, and the registry's checks before a tool runs."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pydantic import Field

from dialogue.llm.schema import arguments_schema
from dialogue.messages import IncomingMessage
from dialogue.nlu.types import Understanding
from dialogue.session import Session
from dialogue.tools.account import NoArguments
from dialogue.tools.arguments import ToolArguments
from dialogue.tools.base import ToolResult
from dialogue.tools.recommend import RecommendArguments
from dialogue.tools.registry import ToolRegistry, result_json
from dialogue.turn import TurnContext
from storage.hours import SEOUL
from storage.models import User


class EchoArguments(ToolArguments):
    count: int = Field(ge=1, le=3)
    word: str | None = None


class EchoTool:
    name = "echo"
    description = "repeats a word"
    arguments = EchoArguments

    def __init__(self) -> None:
        self.runs: list[EchoArguments] = []

    async def run(self, ctx: TurnContext, args: EchoArguments) -> ToolResult:
        self.runs.append(args)
        return ToolResult({"said": [args.word or "응"] * args.count, "user": ctx.user_id})


class BrokenTool:
    name = "broken"
    description = "always fails"
    arguments = NoArguments

    async def run(self, ctx: TurnContext, args: NoArguments) -> ToolResult:
        raise RuntimeError("database is down")


def context() -> TurnContext:
    now = datetime(2026, 11, 23, 12, 30, tzinfo=SEOUL)
    user = User(id=42)
    return TurnContext(
        IncomingMessage("console", "demo"), "안녕", now, "t1", user, Session("s"), Understanding("", 0.0), None
    )


def test_schemas_are_flat_json_schema_without_titles_or_references() -> None:
    schema = arguments_schema(RecommendArguments)
    text = json.dumps(schema)
    assert "$ref" not in text and "$defs" not in text and '"title"' not in text
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["properties"]["budget"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 1_000_000,
        "description": "예산(원). 사용자가 말한 금액만",
    }
    assert schema["properties"]["meal_time"]["enum"] == ["breakfast", "lunch", "dinner", "late_night"]
    assert schema["properties"]["dietary"]["items"]["enum"][0] == "no_spicy"
    assert "required" not in schema  # every argument may be left out
    assert arguments_schema(NoArguments) == {"type": "object", "properties": {}, "additionalProperties": False}


async def test_valid_arguments_run_the_tool_for_the_user_of_the_turn() -> None:
    tool = EchoTool()
    registry = ToolRegistry([tool])
    result = await registry.call(context(), "echo", '{"count": 2, "word": "  밥 "}')
    assert result.error is None and result.data == {"said": ["밥", "밥"], "user": 42}
    assert registry.specs()[0].parameters["required"] == ["count"]


async def test_invalid_calls_come_back_as_errors_the_model_can_fix() -> None:
    tool = EchoTool()
    registry = ToolRegistry([tool])
    cases: dict[str, tuple[str, str]] = {
        "not json": ("echo", "{count: 2"),
        "not an object": ("echo", "[1, 2]"),
        "out of range": ("echo", '{"count": 9}'),
        "wrong type": ("echo", '{"count": "두 번"}'),
        "someone else": ("echo", '{"count": 1, "user_id": 7}'),
        "unknown tool": ("shout", "{}"),
        "too long": ("echo", '{"word": "' + "가" * 5000 + '"}'),
    }
    for name, (tool_name, arguments) in cases.items():
        result = await registry.call(context(), tool_name, arguments)
        assert result.error and result.invalid, name
        assert json.loads(result_json(result)) == {"error": result.error}
    assert tool.runs == []


async def test_a_failing_tool_is_an_error_not_a_lost_turn() -> None:
    registry = ToolRegistry([BrokenTool()])
    result = await registry.call(context(), "broken", "{}")
    assert result.error and not result.invalid


def test_names_are_unique() -> None:
    registry = ToolRegistry([EchoTool()])
    with pytest.raises(ValueError, match="echo"):
        registry.register(EchoTool())

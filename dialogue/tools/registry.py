"""The tools one assistant offers a model: described once as JSON schema, arguments checked before anything runs.

A call the registry cannot run (unknown tool, arguments that are not JSON or do not fit the schema) becomes a
`ToolResult` with ``error`` set and ``invalid``, which goes back to the model as a tool error so that it can
correct itself; the caller counts such rounds. A tool that raises is logged and answered with a short error too:
one broken tool never loses the user's turn.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from dialogue.llm.schema import arguments_schema
from dialogue.llm.types import ToolSpec
from dialogue.tools.base import Tool, ToolResult
from dialogue.turn import TurnContext

logger = logging.getLogger(__name__)

MAX_ARGUMENTS_CHARS = 4000
"""Longer arguments are refused unread: no tool here takes more than a few short fields."""


class ToolRegistry:
    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        self._specs: dict[str, ToolSpec] = {}
        for tool in tools:
            self.register(tool)

    def register(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"a tool named {tool.name!r} is already registered")
        self._tools[tool.name] = tool
        self._specs[tool.name] = ToolSpec(tool.name, tool.description, arguments_schema(tool.arguments))

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    def specs(self) -> tuple[ToolSpec, ...]:
        return tuple(self._specs.values())

    async def call(self, ctx: TurnContext, name: str, arguments: str) -> ToolResult:
        """Validate ``arguments`` (the model's JSON text) against the tool's model, then run it for ``ctx``."""
        tool = self._tools.get(name)
        if tool is None:
            return _invalid(f"unknown tool {name!r}; available: {', '.join(self._tools)}")
        if len(arguments) > MAX_ARGUMENTS_CHARS:
            return _invalid(f"arguments longer than {MAX_ARGUMENTS_CHARS} characters")
        try:
            raw: Any = json.loads(arguments or "{}")
        except ValueError as error:
            return _invalid(f"arguments are not valid JSON: {error}")
        if not isinstance(raw, dict):
            return _invalid("arguments must be a JSON object")
        try:
            args = tool.arguments.model_validate(raw)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc']) or 'arguments'}: {problem['msg']}"
                for problem in error.errors()
            )
            return _invalid(f"invalid arguments: {problems}")
        try:
            return await tool.run(ctx, args)
        except Exception:
            logger.exception("tool %s failed for turn %s", name, ctx.turn_id)
            return ToolResult({}, error="the tool failed; answer without it and do not guess its facts")


def _invalid(message: str) -> ToolResult:
    return ToolResult({}, error=message, invalid=True)


def result_json(result: ToolResult) -> str:
    """What the model reads back: the data, or the error."""
    body: dict[str, Any] = {"error": result.error} if result.error else result.data
    return json.dumps(body, ensure_ascii=False, default=str)

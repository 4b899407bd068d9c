"""``faq_search``: the assistant's FAQ collection behind its scope gate, as numbered entries the model may cite."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dialogue.faq import FaqAnswers
from dialogue.tools.arguments import ToolArguments
from dialogue.tools.base import ToolResult
from dialogue.turn import TurnContext
from knowledge.answers import compose_answer

ANSWER_CHARS = 700
"""Each entry's answer as the model reads it: whole sentences up to about this length."""


class FaqArguments(ToolArguments):
    query: str = Field(min_length=1, max_length=200, description="찾을 질문 (사용자의 말을 그대로 또는 짧게)")


class FaqSearchTool:
    name = "faq_search"
    arguments = FaqArguments

    def __init__(self, answers: FaqAnswers, *, about: str, k: int = 3) -> None:
        self.answers = answers
        self.k = k
        self.description = (
            f"{about} FAQ에서 질문에 맞는 항목을 찾습니다. in_scope가 false면 이 FAQ가 다루지 않는 질문입니다. "
            "답은 찾은 항목의 내용만으로 하고, 근거 항목의 번호를 [1]처럼 붙이세요."
        )

    async def run(self, ctx: TurnContext, args: FaqArguments) -> ToolResult:
        source = self.answers.source
        result = self.answers.search(ctx, args.query, k=self.k)
        if not result.in_scope:
            return ToolResult({"in_scope": False, "entries": []})
        entries: list[dict[str, Any]] = []
        for number, hit in enumerate(result.hits, start=1):
            entry = source.entries.get(hit.entry_id)
            if entry is None:
                continue
            answer = compose_answer(entry, limit=ANSWER_CHARS)
            entries.append({"number": number, "question": answer.title, "answer": answer.text})
        ids = [hit.entry_id for hit in result.hits if hit.entry_id in source.entries]
        reply = self.answers.answer(source.entries[ids[0]], ctx) if ids else None
        return ToolResult({"in_scope": True, "entries": entries}, reply=reply, sources=tuple(ids))

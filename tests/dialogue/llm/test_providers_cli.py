"""``kkini providers check`` against the fakes, run as an operator runs it (the command in a thread of its own, so
that this test's loop keeps serving the fakes)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner, Result

from bots.cli import main
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.llm_script import ModelTurn
from tests.fakes.openai_api import FakeOpenAI


async def invoke(env: dict[str, str], *args: str) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env, catch_exceptions=False)


async def test_check_reports_each_provider(tmp_path: Path, openai_fake: FakeOpenAI) -> None:
    openai_fake.script(ModelTurn(text="pong"))
    async with FakeAnthropic(api_key="the-right-key") as anthropic:
        env = {
            "KKINI_DATA_DIR": str(tmp_path),
            "KKINI_OPENAI__API_KEY": openai_fake.api_key,
            "KKINI_OPENAI__BASE_URL": openai_fake.base_url,
            "KKINI_OPENAI__MODEL": "gpt-test",
            "KKINI_ANTHROPIC__API_KEY": "a-wrong-key",
            "KKINI_ANTHROPIC__BASE_URL": anthropic.base_url,
        }
        result = await invoke(env, "providers", "check", "--json")
        assert result.exit_code == 1  # one configured provider failed
        checks = {row["provider"]: row for row in json.loads(result.stdout)}
        assert list(checks) == ["openai", "anthropic", "gemini", "offline"]
        assert checks["openai"]["status"] == "ok" and checks["openai"]["model"] == "gpt-test"
        assert checks["openai"]["total_ms"] > 0 and "pong" in checks["openai"]["detail"]
        assert checks["anthropic"]["status"] == "auth" and "a-wrong-key" not in result.output
        assert checks["gemini"]["status"] == "off" and checks["offline"]["status"] == "ok"
        assert len(openai_fake.calls) == 1 and len(anthropic.calls) == 1

        table = await invoke({**env, "KKINI_ROUTER__ORDER": "openai"}, "providers", "check")
        assert table.exit_code == 0
        lines = table.stdout.splitlines()
        assert lines[0].startswith("openai") and " ok " in lines[0] and lines[-1].startswith("offline")

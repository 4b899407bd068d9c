"""``kkini providers check``: one small call per configured language-model provider, with its model, latency and
status, so an operator sees at once which key, model or base URL is wrong."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass

import click

from bots.app import provider_sections
from bots.cli.root import echo_json, run_async, settings_from
from bots.settings import Settings
from dialogue.llm.errors import ProviderError
from dialogue.llm.factory import build_provider
from dialogue.llm.types import ChatRequest, Finish, Provider, TextChunk, ToolCall, UserMessage

PING = ChatRequest("Answer with one short word.", (UserMessage("ping"),), max_tokens=16)


@dataclass(frozen=True, slots=True)
class Check:
    provider: str
    model: str | None
    status: str
    """ok, off (no key), or the failure kind (auth, rate_limit, server, connection, timeout ...)."""
    first_token_ms: float | None = None
    total_ms: float | None = None
    detail: str = ""


@click.group()
def providers() -> None:
    """Language-model providers."""


@providers.command()
@click.option("--json", "as_json", is_flag=True, help="print a JSON list instead of a table")
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Call each configured provider once (a one-word answer); exit 1 when a configured one fails."""
    settings = settings_from(ctx)
    results = run_async(lambda: check_all(settings))
    if as_json:
        echo_json([asdict(result) for result in results])
    else:
        for result in results:
            latency = (
                f"{result.total_ms:.0f} ms (first token {result.first_token_ms or 0:.0f} ms)"
                if result.total_ms
                else "-"
            )
            line = f"{result.provider:<10} {result.model or '-':<28} {result.status:<12} {latency}"
            click.echo(f"{line}  {result.detail}".rstrip())
    if any(result.status not in ("ok", "off") for result in results):
        ctx.exit(1)


async def check_all(settings: Settings) -> list[Check]:
    """The providers in router order, each called once (concurrently), then the offline path, always on."""
    sections = provider_sections(settings)
    names = settings.router.providers()[:-1]
    calls = []
    for name in names:
        provider = build_provider(name, sections[name], settings.router)
        calls.append(_check(provider, settings) if provider is not None else _off(name, sections[name].model))
    results = list(await asyncio.gather(*calls))
    results.append(Check("offline", None, "ok", detail="always on: rules, retrieval and templates"))
    return results


async def _off(name: str, model: str) -> Check:
    return Check(name, model, "off", detail=f"KKINI_{name.upper()}__API_KEY is unset")


async def _check(provider: Provider, settings: Settings) -> Check:
    started = time.perf_counter()
    first: float | None = None
    text = ""
    finish = ""
    try:
        async with asyncio.timeout(settings.router.total_timeout_s):
            async for event in provider.stream(PING):
                if first is None and isinstance(event, TextChunk | ToolCall | Finish):
                    first = _ms(started)
                if isinstance(event, TextChunk):
                    text += event.text
                elif isinstance(event, Finish):
                    finish = event.reason
    except ProviderError as error:
        return Check(provider.name, provider.model, error.kind.value, None, _ms(started), error.message)
    except TimeoutError:
        return Check(provider.name, provider.model, "timeout", first, _ms(started), "no complete answer in time")
    finally:
        await provider.aclose()
    return Check(
        provider.name, provider.model, "ok", first, _ms(started), f"finish={finish} text={text.strip()[:40]!r}"
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)

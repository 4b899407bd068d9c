"""The language-model router against the local OpenAI, Anthropic and Gemini fakes (real SDKs, real HTTP on loopback):

1. what the router adds over a direct SDK call to the same fake: whole request and time to first token, medians;
2. failover: the time to an answer when the first provider fails (500s, a refused connection, a first token that never
   comes) and once its breaker is open;
3. 200 concurrent streamed conversations with providers answering in 1-2 s: throughput, first token, and the CPU and
   memory of the router's process (the fakes run in a process of their own), with why any conversation went
   unanswered.

    uv run python -m bench.llm_bench [--requests 300] [--conversations 200] [--only overhead|failover|concurrent ...]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import socket
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

import openai
from pydantic import SecretStr

from bench.common import median, percentile, print_table
from dialogue.llm.anthropic_provider import AnthropicProvider
from dialogue.llm.cache import ResponseCache
from dialogue.llm.factory import ProviderSettings, build_providers
from dialogue.llm.openai_provider import OpenAIProvider
from dialogue.llm.router import NoProviderAnswered, RoundDone, Router
from dialogue.llm.spend import Pricing, SpendLedger
from dialogue.llm.types import ChatRequest, Provider, TextChunk, UserMessage
from dialogue.settings import AnthropicSettings, GeminiSettings, OpenAISettings, RouterSettings
from storage.kv import InProcessStore
from tests.fakes.anthropic_api import API_KEY as ANTHROPIC_KEY
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.gemini_api import API_KEY as GEMINI_KEY
from tests.fakes.gemini_api import FakeGemini
from tests.fakes.llm_script import ModelTurn
from tests.fakes.openai_api import API_KEY, FakeOpenAI

TEXT = "강남역 근처에서 5,000원으로 지금 갈 수 있는 곳은 김밥천국과 엄마분식이에요. 어디로 갈까요?"
DEFAULTS = RouterSettings()
PRICING = {name: Pricing(0.25, 2.0, 5.0) for name in ("openai", "anthropic", "gemini")}


def request(number: int) -> ChatRequest:
    return ChatRequest("너는 끼니야.", (UserMessage(f"5천원으로 뭐 먹지? ({number})"),), max_tokens=200)


def openai_provider(api_key: str, base_url: str, connect_timeout_s: float = 1.0) -> OpenAIProvider:
    return OpenAIProvider(
        api_key=api_key,
        base_url=base_url,
        model="gpt-bench",
        connect_timeout_s=connect_timeout_s,
        read_timeout_s=30.0,
        keepalive_connections=DEFAULTS.keepalive_connections,
    )


def anthropic_provider(api_key: str, base_url: str, connect_timeout_s: float = 1.0) -> AnthropicProvider:
    return AnthropicProvider(
        api_key=api_key,
        base_url=base_url,
        model="claude-bench",
        connect_timeout_s=connect_timeout_s,
        read_timeout_s=30.0,
        keepalive_connections=DEFAULTS.keepalive_connections,
    )


def router_of(providers: Sequence[Provider], settings: RouterSettings) -> Router:
    kv = InProcessStore("bench-llm:")
    return Router(providers, settings, ledger=SpendLedger(kv, PRICING), cache=ResponseCache(kv, 0))


async def timed_direct(client: openai.AsyncOpenAI, number: int) -> tuple[float, float]:
    started = time.perf_counter()
    first = 0.0
    stream = await client.chat.completions.create(
        model="gpt-bench",
        messages=[
            {"role": "system", "content": "너는 끼니야."},
            {"role": "user", "content": f"5천원으로 뭐 먹지? ({number})"},
        ],
        stream=True,
        stream_options={"include_usage": True},
        max_completion_tokens=200,
    )
    async with stream:
        async for chunk in stream:
            if not first and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - started
    return first * 1000, (time.perf_counter() - started) * 1000


async def timed_route(router: Router, number: int) -> tuple[float, float]:
    started = time.perf_counter()
    first = 0.0
    async for event in router.stream(request(number)):
        if not first and isinstance(event, TextChunk) and event.text:
            first = time.perf_counter() - started
    return first * 1000, (time.perf_counter() - started) * 1000


async def overhead(count: int) -> list[list[object]]:
    async with FakeOpenAI() as fake:
        fake.default = ModelTurn(text=TEXT, pieces=8)
        client = openai.AsyncOpenAI(api_key=API_KEY, base_url=fake.base_url, max_retries=0)
        router = router_of([openai_provider(fake.api_key, fake.base_url)], RouterSettings(order="openai"))
        direct: list[tuple[float, float]] = []
        routed: list[tuple[float, float]] = []
        for number in range(30):  # warm both connection pools
            await timed_direct(client, number)
            await timed_route(router, number)
        gc.collect()
        for number in range(count):  # interleaved, so that drift of the machine hits both alike
            direct.append(await timed_direct(client, number))
            routed.append(await timed_route(router, number))
        await client.close()
        await router.aclose()
    rows: list[list[object]] = []
    for label, index in (("whole request", 1), ("time to first token", 0)):
        d = [item[index] for item in direct]
        r = [item[index] for item in routed]
        rows.append([label, median(d), median(r), median(r) - median(d), percentile(r, 95) - percentile(d, 95)])
    return rows


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


async def failover(runs: int) -> list[list[object]]:
    rows: list[list[object]] = []
    defaults = RouterSettings(order="openai,anthropic")
    fast_first_token = defaults.model_copy(update={"first_token_timeout_s": 1.0})
    no_retries = defaults.model_copy(update={"retries": 0})
    cases = [
        ("first answers (no failure)", "ok", defaults),
        ("first: 500, default retries (2, jittered)", "500", defaults),
        ("first: 500, retries 0", "500", no_retries),
        ("first: connection refused, retries 0", "refused", no_retries),
        ("first: no first token (timeout 1 s)", "hang", fast_first_token),
    ]
    async with FakeOpenAI() as bad, FakeAnthropic() as good:
        good.default = ModelTurn(text=TEXT, pieces=8)
        bad.default = ModelTurn(text=TEXT, pieces=8)
        for label, mode, settings in cases:
            times: list[float] = []
            for number in range(runs):
                base = closed_port() if mode == "refused" else None
                first = openai_provider(bad.api_key, base or bad.base_url)
                second = anthropic_provider(good.api_key, good.base_url)
                router = router_of([first, second], settings.model_copy(update={"breaker_failures": 100}))
                if mode == "500":  # every attempt the router makes at the first provider fails
                    bad.fail(
                        "*", 500, {"error": {"message": "boom", "type": "server_error"}}, times=settings.retries + 1
                    )
                if mode == "hang":
                    bad.script(ModelTurn(text=TEXT, first_delay_s=30))
                _, total = await timed_route(router, number)
                times.append(total)
                await router.aclose()
            rows.append([label, median(times), max(times)])
        # Once the breaker is open the failing provider costs nothing.
        first = openai_provider(bad.api_key, closed_port())
        second = anthropic_provider(good.api_key, good.base_url)
        router = router_of([first, second], no_retries.model_copy(update={"breaker_failures": 1}))
        await timed_route(router, 0)  # opens the breaker
        times = [(await timed_route(router, number))[1] for number in range(1, runs + 1)]
        rows.append(["first: breaker open (skipped)", median(times), max(times)])
        await router.aclose()
    return rows


def _serve_fakes(urls: Queue[dict[str, str]], stop: Event) -> None:
    """A child process: the three fakes, each waiting 1-2 s before its first token, until ``stop`` is set."""

    async def serve() -> None:
        async with FakeOpenAI() as o, FakeAnthropic() as a, FakeGemini() as g:
            for fake in (o, a, g):
                fake.default = ModelTurn(text=TEXT, pieces=12, first_delay_s=(1.0, 2.0), chunk_delay_s=0.02)
            urls.put({"openai": o.base_url, "anthropic": a.base_url, "gemini": g.base_url})
            await asyncio.to_thread(stop.wait)

    asyncio.run(serve())


@dataclass(slots=True)
class Wave:
    """What one wave of concurrent conversations gave, seen from the router's process."""

    answered: int
    wall_s: float
    first_token_ms: list[float]
    cpu_s: float
    failures: Counter[str]


async def wave(router: Router, conversations: int) -> Wave:
    failures: Counter[str] = Counter()
    started, cpu = time.perf_counter(), time.process_time()
    results = await asyncio.gather(*(_conversation(router, n, failures) for n in range(conversations)))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    answered = [first for done, first in results if done]
    return Wave(len(answered), wall, answered, cpu, failures)


def concurrent_providers(where: dict[str, str]) -> list[Provider]:
    """The three providers exactly as the app builds them from settings (timeouts, connection pool)."""
    sections: dict[str, ProviderSettings] = {
        "openai": OpenAISettings(api_key=SecretStr(API_KEY), base_url=where["openai"], model="gpt-bench"),
        "anthropic": AnthropicSettings(
            api_key=SecretStr(ANTHROPIC_KEY), base_url=where["anthropic"], model="claude-bench"
        ),
        "gemini": GeminiSettings(api_key=SecretStr(GEMINI_KEY), base_url=where["gemini"], model="gemini-bench"),
    }
    return build_providers(sections, RouterSettings())


async def concurrent(conversations: int) -> list[list[object]]:
    """Each conversation streams one answer, all at once. The fakes run in a process of their own, as a vendor would,
    so the CPU, memory and queueing measured here are the router's and the SDKs' alone.

    Per provider: a first wave opens the connections a busy replica keeps alive; the second is timed (wall, first
    token, CPU); the resident memory's peak over both is taken against what the process held before them (freed
    memory is kept by the allocator, so a provider measured later may reuse what an earlier one grew). A third wave
    runs under tracemalloc for the Python heap's peak; tracemalloc slows it down several times over, so nothing else
    is read from it."""
    context = multiprocessing.get_context("spawn")
    urls: Queue[dict[str, str]] = context.Queue()
    stop = context.Event()
    child = context.Process(target=_serve_fakes, args=(urls, stop), daemon=True)
    child.start()
    try:
        where = await asyncio.to_thread(urls.get, True, 60)
        rows: list[list[object]] = []
        for provider in concurrent_providers(where):
            router = router_of([provider], RouterSettings(order=provider.name))
            gc.collect()
            rss_before = reset_peak_rss()
            await wave(router, conversations)
            timed = await wave(router, conversations)
            rss_peak = peak_rss() - rss_before
            gc.collect()
            tracemalloc.start()
            heap_before = tracemalloc.get_traced_memory()[0]
            await wave(router, conversations)
            heap_peak = tracemalloc.get_traced_memory()[1] - heap_before
            tracemalloc.stop()
            rows.append(
                [
                    provider.name,
                    f"{timed.answered}/{conversations}",
                    timed.wall_s,
                    conversations / timed.wall_s,
                    percentile(timed.first_token_ms, 50),
                    percentile(timed.first_token_ms, 95),
                    timed.cpu_s * 1000 / conversations,
                    rss_peak / MIB,
                    heap_peak / MIB,
                    heap_peak / conversations / 1024,
                    ", ".join(f"{what} x{count}" for what, count in timed.failures.most_common(3)) or "none",
                ]
            )
            await router.aclose()
        return rows
    finally:
        stop.set()
        child.join(10)


MIB = 1024 * 1024


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def reset_peak_rss() -> int:
    """Reset the kernel's high-water mark of this process's resident memory (Linux) and return the current RSS."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")
    return _status_kib("VmRSS")


def peak_rss() -> int:
    """This process's highest resident memory since `reset_peak_rss`."""
    return _status_kib("VmHWM")


async def _conversation(router: Router, number: int, failures: Counter[str]) -> tuple[bool, float]:
    """(answered, ms to the first token); a conversation no provider answered adds its attempts to ``failures``."""
    started = time.perf_counter()
    first = 0.0
    try:
        async for event in router.stream(request(number)):
            if not first and isinstance(event, TextChunk):
                first = (time.perf_counter() - started) * 1000
            if isinstance(event, RoundDone):
                return True, first
    except NoProviderAnswered as error:
        failures.update(f"{a.outcome}: {a.detail}" if a.detail else a.outcome for a in error.attempts)
    return False, first


PARTS = ("overhead", "failover", "concurrent")


async def main(count: int, conversations: int, parts: Sequence[str] = PARTS) -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if "overhead" in parts:
        print_table(
            f"Router overhead over a direct AsyncOpenAI call to the same fake ({count} streamed requests, medians)",
            ["measure", "direct ms", "router ms", "added ms (p50)", "added ms (p95)"],
            await overhead(count),
        )
    if "failover" in parts:
        print_table(
            "Failover to the second provider (time to the whole answer, 5 runs each)",
            ["first provider", "median ms", "max ms"],
            await failover(5),
        )
    if "concurrent" in parts:
        print_table(
            f"{conversations} concurrent streamed conversations, providers (another process) answering in 1-2 s; "
            "CPU and memory of the router's process only",
            [
                "provider",
                "answered",
                "wall s",
                "conv/s",
                "first token p50 ms",
                "p95 ms",
                "CPU ms/conv",
                "RSS peak +MiB",
                "heap peak MiB",
                "heap KiB/conv",
                "not answered (why)",
            ],
            await concurrent(conversations),
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=PARTS, help="run only these parts")
    options = parser.parse_args()
    asyncio.run(main(options.requests, options.conversations, options.only))

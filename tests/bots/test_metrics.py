"""Model-path metrics come from each turn's Final.meta: every provider tried, tokens and cost."""

from __future__ import annotations

from prometheus_client import generate_latest

from bots.http.metrics import Metrics
from dialogue.messages import ModelMeta


def test_a_turn_that_fell_over_to_the_second_provider_counts_both_attempts() -> None:
    metrics = Metrics()
    metrics.model_usage(
        ModelMeta(
            provider="anthropic",
            attempts=(("openai", "rate_limit"), ("anthropic", "ok")),
            tokens_in=300,
            tokens_out=40,
            cost_usd=0.0005,
        )
    )
    metrics.model_usage(None)  # an offline turn records nothing
    text = generate_latest(metrics.registry).decode()
    assert 'kkini_provider_calls_total{outcome="rate_limit",provider="openai"} 1.0' in text
    assert 'kkini_provider_calls_total{outcome="ok",provider="anthropic"} 1.0' in text
    assert 'kkini_provider_tokens_total{direction="in",provider="anthropic"} 300.0' in text
    assert 'kkini_provider_cost_usd_total{provider="anthropic"} 0.0005' in text
    assert 'provider="openai"' not in text.split("kkini_provider_tokens")[1]

"""``kkini nlu parse`` and ``kkini eval nlu`` through click's runner, groups imported directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import dialogue.nlu.understander as understander_module
from bots.cli.nlu import eval_group
from bots.cli.nlu import nlu as nlu_group
from dialogue.nlu.understander import OfflineNLU


@pytest.fixture(autouse=True)
def shared_understander(monkeypatch: pytest.MonkeyPatch, nlu: OfflineNLU) -> None:
    # The commands build their own understander; reuse the session's to keep the suite fast.
    monkeypatch.setattr(understander_module, "OfflineNLU", lambda: nlu)


def test_parse_answers_each_line_in_order_unescaped() -> None:
    lines = [
        {"text": "5천원으로 떡볶이 먹을 수 있어?"},
        {"text": "3명", "context": ["친구들이랑 먹을 데"]},
        {"text": "장바구니 비워줘"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    result = CliRunner().invoke(nlu_group, ["parse"], input=stdin)
    assert result.exit_code == 0, result.output
    out = result.stdout.strip().splitlines()
    assert len(out) == 3
    assert "떡볶이" in out[0]  # UTF-8, not \\uXXXX escapes
    first, second, third = (json.loads(line) for line in out)
    assert first["intent"] in {"food_request", "budget_inquiry"}
    assert first["entities"] == {"budget": 5000, "food_type": "떡볶이"}
    assert set(first) == {"intent", "confidence", "entities"}
    assert second == {"intent": "group_dining", "confidence": second["confidence"], "entities": {"party_size": 3}}
    assert third["intent"] == "cart_clear" and third["entities"] == {}


def test_parse_reports_a_malformed_line_and_carries_on() -> None:
    stdin = 'not json\n{"context": []}\n{"text": "안녕", "context": "x"}\n{"text": "안녕"}\n'
    result = CliRunner().invoke(nlu_group, ["parse"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [set(line) for line in out[:3]] == [{"error"}, {"error"}, {"error"}]
    assert out[3]["intent"] == "general_chat"


def test_eval_nlu_prints_the_metrics(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps(case, ensure_ascii=False)
            for case in [
                {"text": "치킨 먹고 싶다", "intent": "food_request", "entities": {"food_type": "치킨"}},
                {"text": "카드 잔액 알려줘", "intent": "balance_inquiry", "entities": {}},
                {"text": "오늘 비 와?", "intent": "general_chat", "entities": {}},
            ]
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(eval_group, ["nlu", str(cases)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {
        "intent_accuracy",
        "entity_precision",
        "entity_recall",
        "entity_f1",
        "cases",
        "per_intent",
        "per_entity",
        "errors",
    } <= set(report)
    assert report["cases"] == 3
    assert report["intent_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["errors"][0]["text"] == "오늘 비 와?"
    assert report["entity_f1"] == 1.0


def test_eval_nlu_rejects_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(eval_group, ["nlu", str(tmp_path / "missing.jsonl")])
    assert result.exit_code != 0


def test_eval_nlu_reports_several_files_and_a_table(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.jsonl").write_text(
            json.dumps({"text": "장바구니 보여줘", "intent": "cart_view", "entities": {}, "style": "casual"}) + "\n",
            encoding="utf-8",
        )
    files = [str(tmp_path / "one.jsonl"), str(tmp_path / "two.jsonl")]
    result = CliRunner().invoke(eval_group, ["nlu", *files])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"one.jsonl", "two.jsonl"}
    table = CliRunner().invoke(eval_group, ["nlu", "--table", *files])
    assert table.exit_code == 0, table.output
    assert "confusion" in table.stdout and "casual" in table.stdout

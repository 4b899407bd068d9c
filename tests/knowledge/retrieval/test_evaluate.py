"""Scoring a searcher on labelled FAQ cases, with a scripted searcher."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from knowledge.retrieval.evaluate import FaqCase, evaluate, load_cases
from knowledge.types import Hit, SearchResult


class ScriptedSearcher:
    """Answers each query with a fixed ranking and scope decision."""

    def __init__(self, script: dict[str, tuple[list[str], bool]]) -> None:
        self.script = script
        self.histories: list[tuple[str, ...]] = []

    def search(self, query: str, *, k: int = 5, history: Sequence[str] = ()) -> SearchResult:
        self.histories.append(tuple(history))
        ranking, in_scope = self.script[query]
        hits = tuple(Hit(entry_id=e, question=e, score=1.0 / (i + 1)) for i, e in enumerate(ranking[:k]))
        return SearchResult(hits=hits, in_scope=in_scope, scope_score=0.9 if in_scope else 0.1, query=query)


def test_metrics_follow_the_definitions() -> None:
    searcher = ScriptedSearcher(
        {
            "first": (["A", "B"], True),
            "third": (["X", "Y", "B", "Z"], True),
            "missed": (["X", "Y", "Z", "W", "V", "B"], True),
            "refused": (["C"], False),
            "off-ok": (["Q"], False),
            "off-bad": (["Q"], True),
            "para": (["Q"], False),
        }
    )
    cases = [
        FaqCase("first", ("A",)),
        FaqCase("third", ("B", "nothing")),
        FaqCase("missed", ("B",)),
        FaqCase("refused", ("C",)),
        FaqCase("off-ok", in_scope=False),
        FaqCase("off-bad", in_scope=False),
        FaqCase("para", in_scope=True, history=("earlier",)),
    ]
    metrics = evaluate(searcher, cases).as_dict()
    assert metrics["recall_at_1"] == pytest.approx(2 / 4)
    assert metrics["recall_at_5"] == pytest.approx(3 / 4)
    assert metrics["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 6 + 1) / 4, abs=1e-4)
    assert metrics["off_topic_rejection"] == pytest.approx(1 / 2)
    assert metrics["false_refusals"] == pytest.approx(2 / 5)
    assert metrics["counts"]["with_expected"] == 4 and metrics["counts"]["should_answer"] == 5
    failed = {case["query"]: case["problems"] for case in metrics["failed"]}
    assert failed == {
        "third": ["expected at rank 3"],
        "missed": ["expected at rank 6"],
        "refused": ["refused"],
        "off-bad": ["answered off-topic"],
        "para": ["refused"],
    }
    assert ("earlier",) in searcher.histories


def test_an_empty_set_has_no_rates() -> None:
    metrics = evaluate(ScriptedSearcher({}), []).as_dict()
    assert metrics["recall_at_1"] is None and metrics["off_topic_rejection"] is None


def test_load_cases_reads_both_kinds_and_names_a_bad_line(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        "\n".join(
            [
                json.dumps({"query": "정산은?", "expected_questions": ["정산은 언제 되나요?"]}, ensure_ascii=False),
                "",
                json.dumps({"query": "날씨", "in_scope": False}, ensure_ascii=False),
                json.dumps({"query": "그건?", "in_scope": True, "history": ["정산은?"]}, ensure_ascii=False),
            ]
        ),
        encoding="utf-8",
    )
    cases = load_cases(good)
    assert cases == [
        FaqCase("정산은?", ("정산은 언제 되나요?",)),
        FaqCase("날씨", in_scope=False),
        FaqCase("그건?", in_scope=True, history=("정산은?",)),
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "ok"}\n{"expected_questions": []}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_cases(bad)

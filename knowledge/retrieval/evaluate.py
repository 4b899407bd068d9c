"""Scoring a searcher on a labelled FAQ set (the format of ../shared/eval/faq_dev.jsonl).

A case is ``{"query", "expected_questions": [original question, ...]}`` (in scope, with answers) or
``{"query", "in_scope": true|false}``; optional ``"history"`` (earlier questions, oldest first). Recall@k counts a
case when any expected question is among the first k results, by the original question string; MRR uses the first
expected question found in the first ``depth`` results; off-topic rejection is the share of ``in_scope: false``
cases declared out of scope; false refusals the share of in-scope cases (expected questions, or ``in_scope: true``)
declared out of scope.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.types import Searcher, SearchResult

_FAILED_SHOWN = 200


@dataclass(frozen=True, slots=True)
class FaqCase:
    query: str
    expected: tuple[str, ...] = ()
    in_scope: bool | None = None
    """True/False when labelled; None is read as True for cases with expected questions."""
    history: tuple[str, ...] = ()
    kind: str = ""
    """What sort of question it is ("paraphrase", "short", "chitchat" ...), when the set says."""

    @property
    def should_answer(self) -> bool:
        return bool(self.expected) or self.in_scope is True


def load_cases(path: Path) -> list[FaqCase]:
    """Read a JSON-lines file of cases; raises ValueError naming the line of a malformed one."""
    cases: list[FaqCase] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            query = raw["query"]
            expected = raw.get("expected_questions") or []
            in_scope = raw.get("in_scope")
            history = raw.get("history") or []
            kind = raw.get("kind") or ""
            if not isinstance(query, str) or not isinstance(expected, list) or not isinstance(history, list):
                raise TypeError("query must be a string, expected_questions and history lists")
            if in_scope is not None and not isinstance(in_scope, bool):
                raise TypeError("in_scope must be true or false")
            if not isinstance(kind, str):
                raise TypeError("kind must be a string")
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"line {number}: {error}") from None
        cases.append(FaqCase(query, tuple(map(str, expected)), in_scope, tuple(map(str, history)), kind))
    return cases


@dataclass(slots=True)
class FaqReport:
    cases: int = 0
    with_expected: int = 0
    off_topic: int = 0
    hits_at_1: int = 0
    hits_at_5: int = 0
    reciprocal_ranks: float = 0.0
    rejected_off_topic: int = 0
    should_answer: int = 0
    refused: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    kinds: dict[str, FaqReport] = field(default_factory=dict)
    """The same scores for each ``kind`` of case, when the set has kinds."""

    def as_dict(self) -> dict[str, Any]:
        def share(part: int | float, whole: int) -> float | None:
            return round(part / whole, 4) if whole else None

        return {
            "recall_at_1": share(self.hits_at_1, self.with_expected),
            "recall_at_5": share(self.hits_at_5, self.with_expected),
            "mrr": share(self.reciprocal_ranks, self.with_expected),
            "off_topic_rejection": share(self.rejected_off_topic, self.off_topic),
            "false_refusals": share(self.refused, self.should_answer),
            "counts": {
                "cases": self.cases,
                "with_expected": self.with_expected,
                "off_topic": self.off_topic,
                "should_answer": self.should_answer,
                "hits_at_1": self.hits_at_1,
                "hits_at_5": self.hits_at_5,
                "rejected_off_topic": self.rejected_off_topic,
                "refused": self.refused,
            },
            "ms_per_query": round(1000 * self.seconds / self.cases, 2) if self.cases else None,
            "latency_ms": _latency(self.latencies_ms),
            "by_kind": {kind: report.summary() for kind, report in sorted(self.kinds.items())},
            "failed_shown": min(len(self.failed), _FAILED_SHOWN),
            "failed_total": len(self.failed),
            "failed": self.failed[:_FAILED_SHOWN],
        }

    def summary(self) -> dict[str, Any]:
        """The scores and counts without the failed cases and the kinds."""
        found = self.as_dict()
        return {key: found[key] for key in (*_SCORES, "counts")}


_SCORES = ("recall_at_1", "recall_at_5", "mrr", "off_topic_rejection", "false_refusals")


def _latency(values: Sequence[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)

    return {"p50": at(0.5), "p95": at(0.95), "max": round(ordered[-1], 2)}


def evaluate(searcher: Searcher, cases: Sequence[FaqCase], *, depth: int = 10) -> FaqReport:
    """Search every case and score the results (``depth`` results are fetched for MRR; recall uses 1 and 5); the
    latency is each whole ``search`` call, query encoding included."""
    report = FaqReport()
    for case in cases:
        started = time.perf_counter()
        result = searcher.search(case.query, k=depth, history=case.history)
        elapsed = time.perf_counter() - started
        report.seconds += elapsed
        report.latencies_ms.append(1000 * elapsed)
        if case.kind:
            report.kinds.setdefault(case.kind, FaqReport())
        _score(report, case, result)
        if case.kind:
            _score(report.kinds[case.kind], case, result)
    return report


def _score(report: FaqReport, case: FaqCase, result: SearchResult) -> None:
    report.cases += 1
    found = [hit.entry_id for hit in result.hits]
    problems: list[str] = []
    if case.expected:
        report.with_expected += 1
        rank = next((i for i, entry_id in enumerate(found, 1) if entry_id in case.expected), None)
        report.hits_at_1 += rank == 1
        report.hits_at_5 += rank is not None and rank <= 5
        report.reciprocal_ranks += 1 / rank if rank else 0.0
        if rank != 1:
            problems.append(f"expected at rank {rank}" if rank else "expected not found")
    if case.should_answer:
        report.should_answer += 1
        if not result.in_scope:
            report.refused += 1
            problems.append("refused")
    if case.in_scope is False:
        report.off_topic += 1
        if result.in_scope:
            problems.append("answered off-topic")
        else:
            report.rejected_off_topic += 1
    if problems:
        report.failed.append(
            {
                "query": case.query,
                "problems": problems,
                "expected": list(case.expected),
                "got": found[:3],
                "in_scope": result.in_scope,
                "scope_score": round(result.scope_score, 3),
            }
        )

"""Scoring an Understander against labelled cases, exactly as ../shared/spec/nlu.md defines it.

- Intent accuracy: a case counts when the returned intent is the listed one or one of the listed ones.
- Entities: precision, recall and F1 over (entity, value) pairs; a list entity (dietary_restrictions) gives one pair
  per element. Where a scalar entity's label is a list, any one listed value is accepted (and the entity counts as
  one expected pair). Extracted pairs of an entity type that the case does not list count against precision.
  menu_items are left out of the score.

Beside the spec's scores the report gives each intent's precision and recall, a confusion table (labelled intent ->
returned intent) and, where cases carry a ``style`` (casual, typo, followup, ...), the scores per style.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialogue.nlu.types import Understander

LIST_ENTITIES = frozenset({"dietary_restrictions"})
UNSCORED = frozenset({"menu_items"})


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled message: its text, earlier messages, accepted intents and expected entities."""

    text: str
    intents: tuple[str, ...]
    entities: Mapping[str, Any]
    context: tuple[str, ...] = ()
    style: str | None = None


@dataclass(slots=True)
class PairCounts:
    """True positives, false positives and false negatives of (entity, value) pairs."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: PairCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def scores(self) -> dict[str, float]:
        """precision, recall and f1 (1.0 where nothing was expected and nothing extracted)."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def case_from_json(row: Mapping[str, Any]) -> Case:
    """A Case from one JSON line of the labelled format."""
    intent = row["intent"]
    intents = tuple(intent) if isinstance(intent, list) else (intent,)
    style = row.get("style")
    return Case(
        str(row["text"]),
        intents,
        dict(row.get("entities") or {}),
        tuple(row.get("context") or ()),
        str(style) if style else None,
    )


def load_cases(path: Path) -> list[Case]:
    """Every case of a JSON-lines file; blank lines are skipped."""
    with path.open(encoding="utf-8") as handle:
        return [case_from_json(json.loads(line)) for line in handle if line.strip()]


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def entity_pairs(expected: Mapping[str, Any], got: Mapping[str, Any]) -> dict[str, PairCounts]:
    """Pair counts per entity type for one case."""
    counts: dict[str, PairCounts] = {}
    for name in (set(expected) | set(got)) - UNSCORED:
        tally = PairCounts()
        if name in LIST_ENTITIES:
            want = Counter(map(_key, _values(expected.get(name, []))))
            have = Counter(map(_key, _values(got.get(name, []))))
            tally.tp = sum((want & have).values())
            tally.fp = sum((have - want).values())
            tally.fn = sum((want - have).values())
        else:
            accepted = {_key(v) for v in _values(expected[name])} if name in expected else set()
            if name in got:
                hit = _key(got[name]) in accepted
                tally.tp, tally.fp = int(hit), int(not hit)
                tally.fn = int(bool(accepted) and not hit)
            else:
                tally.fn = int(bool(accepted))
        counts[name] = tally
    return counts


def _key(value: Any) -> str:
    # Labels write ints as ints; an extractor that returns "5000" for 5000 still matches.
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str | int) else str(value)


@dataclass(slots=True)
class StyleScores:
    """Intent hits and entity pairs of the cases of one style."""

    cases: int = 0
    correct: int = 0
    entities: PairCounts = field(default_factory=PairCounts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "intent_accuracy": round(self.correct / self.cases, 4) if self.cases else 0.0,
            "entity_f1": self.entities.scores()["f1"],
        }


@dataclass(slots=True)
class Report:
    """Aggregate scores and the cases the understander got wrong."""

    cases: int = 0
    correct: int = 0
    entities: PairCounts = field(default_factory=PairCounts)
    per_entity: dict[str, PairCounts] = field(default_factory=lambda: defaultdict(PairCounts))
    confusion: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    """Labelled intent (the first listed) -> returned intent, counting a returned intent that is listed as a hit."""
    predicted: Counter[str] = field(default_factory=Counter)
    predicted_right: Counter[str] = field(default_factory=Counter)
    per_style: dict[str, StyleScores] = field(default_factory=lambda: defaultdict(StyleScores))
    errors: list[dict[str, Any]] = field(default_factory=list)
    """Cases whose intent was wrong."""
    entity_errors: list[dict[str, Any]] = field(default_factory=list)
    """Cases whose intent was right but whose entities were not."""

    def as_dict(self) -> dict[str, Any]:
        """The metrics as the ``kkini eval nlu`` JSON."""
        scores = self.entities.scores()
        per_intent = {}
        for intent in sorted(self.confusion):
            row = self.confusion[intent]
            total = sum(row.values())
            made = self.predicted[intent]
            per_intent[intent] = {
                "cases": total,
                "accuracy": round(row[intent] / total, 4) if total else 0.0,
                "precision": round(self.predicted_right[intent] / made, 4) if made else 1.0,
                "confused_with": {k: v for k, v in row.most_common() if k != intent},
            }
        return {
            "cases": self.cases,
            "intent_accuracy": round(self.correct / self.cases, 4) if self.cases else 0.0,
            "entity_precision": scores["precision"],
            "entity_recall": scores["recall"],
            "entity_f1": scores["f1"],
            "per_intent": per_intent,
            "per_entity": {
                name: {**c.scores(), "tp": c.tp, "fp": c.fp, "fn": c.fn} for name, c in sorted(self.per_entity.items())
            },
            "per_style": {name: scores.as_dict() for name, scores in sorted(self.per_style.items())},
            "confusion": {gold: dict(row.most_common()) for gold, row in sorted(self.confusion.items())},
            "errors": self.errors,
            "entity_errors": self.entity_errors,
        }


def evaluate(understander: Understander, cases: Iterable[Case]) -> Report:
    """Parse every case and score intents and entities."""
    report = Report()
    for case in cases:
        result = understander.parse(case.text, case.context)
        report.cases += 1
        hit = result.intent in case.intents
        report.correct += hit
        report.confusion[case.intents[0]][case.intents[0] if hit else result.intent] += 1
        report.predicted[result.intent] += 1
        report.predicted_right[result.intent] += hit
        pairs = entity_pairs(case.entities, result.entities)
        style = report.per_style[case.style] if case.style else None
        if style is not None:
            style.cases += 1
            style.correct += hit
        wrong_entities = {name: c.scores() for name, c in pairs.items() if c.fp or c.fn}
        for name, tally in pairs.items():
            report.entities.add(tally)
            report.per_entity[name].add(tally)
            if style is not None:
                style.entities.add(tally)
        if not hit:
            report.errors.append(_error(case, result.intent, result.entities))
        elif wrong_entities:
            report.entity_errors.append(_error(case, result.intent, result.entities))
    return report


def _error(case: Case, intent: str, entities: Mapping[str, Any]) -> dict[str, Any]:
    expected = {k: v for k, v in case.entities.items() if k not in UNSCORED}
    got = {k: v for k, v in entities.items() if k not in UNSCORED}
    row: dict[str, Any] = {"text": case.text, "expected_intent": _one_or_list(case.intents), "intent": intent}
    if case.context:
        row["context"] = list(case.context)
    if expected != got:
        row["expected_entities"], row["entities"] = expected, got
    return row


def _one_or_list(values: Sequence[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def summary(name: str, report: Report) -> str:
    """A plain-text view of one report: totals, each intent's recall and precision, styles, the confusion table."""
    data = report.as_dict()
    lines = [
        f"{name}: {data['cases']} cases, intent accuracy {data['intent_accuracy']:.3f}, "
        f"entity P/R/F1 {data['entity_precision']:.3f}/{data['entity_recall']:.3f}/{data['entity_f1']:.3f}",
        f"  {'intent':<18}{'cases':>6}{'recall':>8}{'prec.':>8}  confused with",
    ]
    for intent, row in data["per_intent"].items():
        confused = ", ".join(f"{k} {v}" for k, v in row["confused_with"].items())
        lines.append(f"  {intent:<18}{row['cases']:>6}{row['accuracy']:>8.3f}{row['precision']:>8.3f}  {confused}")
    if data["per_style"]:
        lines.append(f"  {'style':<18}{'cases':>6}{'intent':>8}{'ent.F1':>8}")
        for style, row in data["per_style"].items():
            lines.append(f"  {style:<18}{row['cases']:>6}{row['intent_accuracy']:>8.3f}{row['entity_f1']:>8.3f}")
    labels = sorted(set(data["confusion"]) | {p for row in data["confusion"].values() for p in row})
    short = {label: label[:5] for label in labels}
    lines.append("  confusion (row: labelled, column: returned)")
    lines.append("  " + " " * 18 + "".join(f"{short[label]:>6}" for label in labels))
    for gold, row in data["confusion"].items():
        cells = "".join(f"{row.get(label, 0) or '.':>6}" for label in labels)
        lines.append(f"  {gold:<18}{cells}")
    return "\n".join(lines)

"""``kkini knowledge ingest|search`` and ``kkini eval faq`` through click, on a small JSONL FAQ."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bots.cli.knowledge import faq_eval, knowledge
from tests.knowledge.index.support import SMALL_FAQ, shared_kiwi

CLI = click.Group("kkini", commands={"knowledge": knowledge, "faq": faq_eval})


@pytest.fixture
def faq_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KKINI_DATA_DIR", str(tmp_path / "var"))
    path = tmp_path / "faq.jsonl"
    rows = [{"question": e.id, "answer": e.answer, "related": list(e.related)} for e in SMALL_FAQ]
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    return path


def _run(*args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(CLI, list(args), input=stdin, obj={"kiwi": shared_kiwi()}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_ingest_twice_then_search(faq_file: Path) -> None:
    first = json.loads(_run("knowledge", "ingest", "--collection", "faq", str(faq_file)))
    assert (first["total"], first["added"], first["embedded"]) == (12, 12, 24)  # questions and passages
    again = json.loads(_run("knowledge", "ingest", "--collection", "faq", str(faq_file)))
    assert (again["unchanged"], again["embedded"]) == (12, 0)

    lines = [
        json.dumps({"query": "택배비 설정은 어떻게 해요?"}, ensure_ascii=False),
        "not json",
        json.dumps({"query": "그건 얼마나 걸려?", "history": ["회원가입은 어떻게 해?"]}, ensure_ascii=False),
        json.dumps({"query": 3}),
        json.dumps({"query": "정산", "history": "no"}),
    ]
    out = [
        json.loads(line)
        for line in _run("knowledge", "search", "--collection", "faq", "-k", "2", stdin="\n".join(lines)).splitlines()
    ]
    assert len(out) == 5
    assert out[0]["in_scope"] is True
    assert out[0]["results"][0]["question"] == "배송비는 어떻게 설정하나요?"
    assert set(out[0]["results"][0]) == {"question", "score"} and len(out[0]["results"]) == 2
    assert "error" in out[1] and "error" in out[3] and "error" in out[4]
    assert out[2]["results"][0]["question"] == "가입 심사는 얼마나 걸리나요?"


def test_seller_collection_is_searched_behind_the_seller_gate(faq_file: Path) -> None:
    _run("knowledge", "ingest", "--collection", "seller", str(faq_file))
    lines = "\n".join(
        json.dumps({"query": q}, ensure_ascii=False) for q in ("정산은 언제 되나요?", "오늘 서울 날씨 어때?")
    )
    out = [json.loads(line) for line in _run("knowledge", "search", "--collection", "seller", stdin=lines).splitlines()]
    assert out[0]["in_scope"] is True and out[1]["in_scope"] is False


def test_eval_faq_prints_metrics(faq_file: Path, tmp_path: Path) -> None:
    _run("knowledge", "ingest", "--collection", "faq", str(faq_file))
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps(case, ensure_ascii=False)
            for case in (
                {"query": "판매자 탈퇴 방법", "expected_questions": ["스마트스토어센터 판매자 탈퇴는 어떻게 하나요?"]},
                {"query": "리뷰는 어디 보여요", "expected_questions": ["구매자가 작성한 리뷰는 어디에 노출되나요?"]},
                {"query": "오늘 날씨", "in_scope": False},
            )
        ),
        encoding="utf-8",
    )
    metrics = json.loads(_run("faq", str(cases), "--collection", "faq"))
    assert metrics["recall_at_1"] == 1.0 and metrics["recall_at_5"] == 1.0 and metrics["mrr"] == 1.0
    assert metrics["off_topic_rejection"] == 0.0  # no gate for a collection that is no assistant's
    assert metrics["counts"]["cases"] == 3


def test_errors_are_reported_not_raised(faq_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    obj = {"kiwi": shared_kiwi()}
    missing = runner.invoke(CLI, ["knowledge", "search", "--collection", "nothing"], input="", obj=obj)
    assert missing.exit_code == 1 and "no collection" in missing.output
    bad = tmp_path / "bad.pkl"
    bad.write_bytes(b"\x80\x04garbage")
    broken = runner.invoke(CLI, ["knowledge", "ingest", "--collection", "faq", str(bad)], obj=obj)
    assert broken.exit_code == 1 and "Error" in broken.output
    absent = runner.invoke(CLI, ["knowledge", "ingest", "--collection", "faq", str(tmp_path / "none.csv")], obj=obj)
    assert absent.exit_code == 2

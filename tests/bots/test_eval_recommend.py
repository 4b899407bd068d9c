"""`kkini eval recommend` as a developer runs it: kkini's own conversations through the real engine on the offline
default, every rule at 0, and a file of one's own with a clear error when it is malformed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bots.cli import main


def test_kkinis_own_conversations_break_no_rule(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "recommend", "--json"], env={"KKINI_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["conversations"] >= 30 and report["lists"] >= 30
    assert report["violations"] == 0, report["examples"]
    assert set(report["rules"]) >= {"off_request", "over_meal_amount", "invented_budget", "card_unexplained"}


def test_a_malformed_file_is_named_with_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "mine.json"
    bad.write_text(
        json.dumps(
            {
                "conversations": [
                    {
                        "name": "x",
                        "user": "demo07",
                        "at": "2026-11-23T12:30",
                        "turns": [{"say": "뭐 먹지", "near": "없는역"}],
                    }
                ]
            }
        )
    )
    result = CliRunner().invoke(main, ["eval", "recommend", str(bad)], env={"KKINI_DATA_DIR": str(tmp_path)})
    assert result.exit_code != 0
    assert "없는역" in result.output and "Traceback" not in result.output

"""`kkini demo` replays its scripted conversations exactly as the transcripts in docs/demo record them.

The meal demos are replayed here. The seller demo needs the whole SmartStore FAQ embedded (minutes on two cores, far
more than a test may take), so `.ci/run` checks it after the suite with `kkini demo --check --only seller-faq`.
"""

from __future__ import annotations

from pathlib import Path

from kiwipiepy import Kiwi

from bots.demo import DEMOS, replay_all
from bots.settings import Settings
from tests.conftest import REPO_ROOT

DEMO_DIR = REPO_ROOT / "docs" / "demo"
MEAL_DEMOS = tuple(demo for demo in DEMOS if demo.assistant == "meal")


def test_the_demos_cover_what_the_product_brief_asks_for() -> None:
    assert len(DEMOS) >= 4
    assert {demo.assistant for demo in DEMOS} == {"meal", "seller"}
    assert {demo.name for demo in DEMOS} == {path.stem for path in DEMO_DIR.glob("*.md")}


def test_ci_checks_the_seller_demo_against_the_whole_faq() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "kkini demo --check --only seller-faq" in ci


async def test_a_fresh_replay_of_the_meal_demos_matches_the_committed_transcripts(
    knowledge_dir: Path, kiwi: Kiwi
) -> None:
    settings = Settings(_env_file=None, data_dir=knowledge_dir)
    transcripts = await replay_all(settings, MEAL_DEMOS, kiwi=kiwi)
    assert set(transcripts) == {demo.name for demo in MEAL_DEMOS}
    for name, text in transcripts.items():
        recorded = (DEMO_DIR / f"{name}.md").read_text(encoding="utf-8")
        assert text == recorded, f"docs/demo/{name}.md is stale: run `kkini demo` and review the diff"

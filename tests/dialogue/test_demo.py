"""`kkini demo` replays its scripted conversations exactly as the transcripts in docs/demo record them."""

from __future__ import annotations

from pathlib import Path

from kiwipiepy import Kiwi

from bots.demo import DEMOS, replay_all
from bots.settings import Settings
from tests.conftest import REPO_ROOT

DEMO_DIR = REPO_ROOT / "docs" / "demo"


def test_the_demos_cover_what_the_product_brief_asks_for() -> None:
    assert len(DEMOS) >= 4
    assert {demo.assistant for demo in DEMOS} == {"meal", "seller"}
    assert {demo.name for demo in DEMOS} == {path.stem for path in DEMO_DIR.glob("*.md")}


async def test_a_fresh_replay_matches_the_committed_transcripts(
    knowledge_dir: Path, kiwi: Kiwi, shared_dir: Path
) -> None:
    seller_faq = shared_dir / "data" / "smartstore_faq" / "final_result.pkl"
    settings = Settings(_env_file=None, data_dir=knowledge_dir, knowledge={"seller_faq_path": seller_faq})
    transcripts = await replay_all(settings, DEMOS, kiwi=kiwi)
    for name, text in transcripts.items():
        recorded = (DEMO_DIR / f"{name}.md").read_text(encoding="utf-8")
        assert text == recorded, f"docs/demo/{name}.md is stale: run `kkini demo` and review the diff"

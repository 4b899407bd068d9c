"""Regenerate the README's phone screenshot of the web chat: the sample burger order with its two changes.

    uv run python -m tests.browser.screenshot [--out docs/web-chat-phone.png]

Starts ``kkini serve`` on a temporary data dir (the seller assistant too when ``../shared`` is there, so the page
shows no install note), opens the chat in Debian's chromium (or ``KKINI_TEST_CHROMIUM``) at 390x844, and saves what
the phone shows.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.chat import VIEWPORTS, WebChat
from tests.browser.server import CHROMIUM_ARGS, CHROMIUM_ENV, REPO_ROOT, KkiniServer, chromium_path, write_seller_faq

ORDER = ("불고기버거 세트 하나 주세요", "감자튀김 양념감자로 바꿔줘", "콜라 사이다로")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "web-chat-phone.png")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        raise SystemExit(f"no chromium: apt-get install chromium fonts-noto-cjk, or set {CHROMIUM_ENV}")
    shared = Path(os.environ.get("KKINI_TEST_SHARED_DIR", REPO_ROOT.parent / "shared"))
    with tempfile.TemporaryDirectory(prefix="kkini-screenshot-") as folder:
        seller = None
        if (shared / "data" / "smartstore_faq").is_dir():
            seller = write_seller_faq(shared, Path(folder) / "seller.jsonl")
        with KkiniServer(Path(folder) / "var", seller) as server, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
            context = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul", **VIEWPORTS["phone"])
            chat = WebChat(context.new_page())
            chat.open(server.url)
            for text in ORDER:
                chat.send(text)
            chat.page.get_by_role("textbox", name="메시지").blur()
            args.out.parent.mkdir(parents=True, exist_ok=True)
            chat.page.screenshot(path=str(args.out))
            browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

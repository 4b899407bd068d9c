"""Browser fixtures: one ``kkini serve`` and one chromium for the package's tests, a fresh visitor per page.

Chromium is Debian's package (``apt-get install chromium fonts-noto-cjk``; `.ci/run` installs it), or the binary
in ``KKINI_TEST_CHROMIUM``; Playwright never downloads a browser here. Without one the tests are skipped, and under
``CI=true`` they fail. A failed test leaves a screenshot of each page it opened in ``var/browser-failures/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser.chat import VIEWPORTS, WebChat
from tests.browser.server import CHROMIUM_ARGS, CHROMIUM_ENV, REPO_ROOT, KkiniServer, chromium_path, write_seller_faq
from tests.conftest import IN_CI

FAILURES_DIR = REPO_ROOT / "var" / "browser-failures"
SERVER_ERROR = re.compile(r'"level": "(ERROR|CRITICAL)"|^Traceback')
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()

OpenChat = Callable[..., WebChat]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so a fixture's teardown knows whether the test failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def save_failure_screenshots(pages: list[Page], test_id: str, folder: Path = FAILURES_DIR) -> list[Path]:
    """A full-page PNG of each page, named after the test; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_id).strip("_")
    saved = []
    for number, page in enumerate(pages, start=1):
        path = folder / f"{stem}-{number}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    return saved


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    # Package scope: the driver (and its event loop) is gone before the rest of the suite's asyncio tests run.
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        message = (
            f"no chromium: install Debian's (apt-get install chromium fonts-noto-cjk) or set {CHROMIUM_ENV} "
            "to a Chromium binary"
        )
        if IN_CI:
            pytest.fail(message + " (CI=true requires the browser tests)", pytrace=False)
        pytest.skip(message)
    launched = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def kkini(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[KkiniServer]:
    """The server, with both assistants ready: the meal one over the sample data, the seller one over the returns
    part of the SmartStore FAQ."""
    folder = tmp_path_factory.mktemp("browser")
    seller_faq = write_seller_faq(shared_dir, folder / "seller.jsonl")
    with KkiniServer(folder / "var", seller_faq) as server:
        yield server


@pytest.fixture
def open_chat(request: pytest.FixtureRequest, browser: Browser, kkini: KkiniServer) -> Iterator[OpenChat]:
    """``open_chat("phone")``: a new visitor (own context, so own session cookie) with the chat page open. An
    uncaught error in the page's script, or an error that the server logs meanwhile, fails the test."""
    pages: list[Page] = []
    script_errors: list[str] = []
    logged_before = len(kkini.lines)

    def open_page(viewport: str = "desktop") -> WebChat:
        context = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul", **VIEWPORTS[viewport])
        context.set_default_timeout(15_000)
        page = context.new_page()
        pages.append(page)
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        chat = WebChat(page)
        chat.open(kkini.url)
        return chat

    yield open_page
    report = request.node.stash.get(REPORTS, {}).get("call")
    try:
        if report is not None and report.failed and pages:
            for path in save_failure_screenshots(pages, request.node.nodeid):
                print(f"screenshot of the failed test: {path}")
    finally:
        for page in pages:
            page.context.close()
    assert not script_errors, f"the page's script failed: {script_errors}"
    server_errors = [line for line in kkini.lines[logged_before:] if SERVER_ERROR.search(line)]
    assert not server_errors, f"kkini serve logged errors: {server_errors}"

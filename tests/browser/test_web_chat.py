"""The web chat in a real browser, on a desktop and a phone viewport: each assistant, streamed answers, buttons, an
order with changes, the FAQ sources under an answer."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chat import text_of, won
from tests.browser.conftest import OpenChat, save_failure_screenshots

VIEWPORT_NAMES = ["desktop", "phone"]


def assert_streamed(bubble_text: str, writes: list[str]) -> None:
    """The answer was shown in growing parts before it was whole, and what stays is the whole answer."""
    assert len(writes) >= 3, writes
    assert all(later.startswith(earlier) for earlier, later in pairwise(writes)), writes
    assert len(writes[0]) < len(bubble_text), writes
    assert writes[-1] == bubble_text


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_a_new_visitor_answers_the_onboarding_with_a_quick_reply(open_chat: OpenChat, viewport: str) -> None:
    chat = open_chat(viewport)
    chat.pick("급식카드 도우미")
    reply = chat.send("안녕")
    expect(reply).to_contain_text("처음 오셨네요!")
    expect(chat.buttons("빠른 답장")).to_have_text(["강남", "마포·홍대", "춘천", "건너뛰기"])

    answer = chat.press("강남")
    expect(chat.page.locator(".msg.me").last.locator(".text")).to_have_text("강남")
    expect(answer).to_contain_text("못 먹는 음식")
    expect(chat.buttons("빠른 답장")).to_contain_text(["매운 거 못 먹어요", "없어요"])
    expect(chat.buttons("빠른 답장").first).to_be_enabled()
    expect(chat.page.get_by_role("textbox", name="메시지")).to_be_focused()


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_a_meal_faq_answer_streams_in_with_its_sources(open_chat: OpenChat, viewport: str) -> None:
    chat = open_chat(viewport)
    reply = chat.send("편의점에서도 급식카드 쓸 수 있어?")
    shown = text_of(reply)
    assert "편의점" in shown
    assert_streamed(shown, chat.writes(reply))

    sources = reply.locator("xpath=following-sibling::*[1]")
    expect(sources).to_have_class("sources")
    expect(sources).to_contain_text("출처:")
    expect(sources.locator("span").first).to_contain_text("편의점에서도 급식카드를 쓸 수 있어요?")

    # A first visit ends with the onboarding question; from the second answer on, FAQ follow-ups are offered.
    expect(chat.buttons("빠른 답장")).to_contain_text(["강남", "건너뛰기"])
    second = chat.send("급식카드 잔액은 어떻게 확인해?")
    expect(second.locator("xpath=following-sibling::*[1]")).to_contain_text("잔액은 어떻게 확인해요?")
    follow_ups = chat.buttons("이어서 물어보기")
    expect(follow_ups.first).to_contain_text("알려드릴까요?")
    asked = follow_ups.first.inner_text()
    answer = chat.press(asked)
    expect(chat.page.locator(".msg.me").last.locator(".text")).to_have_text(asked)
    assert text_of(answer).strip() not in ("", "…")
    expect(answer.locator("xpath=following-sibling::*[1]")).to_have_class("sources")


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_an_order_of_the_set_with_two_changes_comes_to_7500_won(open_chat: OpenChat, viewport: str) -> None:
    chat = open_chat(viewport)
    added = chat.send("불고기버거 세트 하나 주세요")
    expect(added).to_contain_text("불고기버거 세트 1개를 담았어요")
    expect(added).to_contain_text(won("6,900"))

    fries = chat.send("감자튀김 양념감자로 바꿔줘")
    expect(fries).to_contain_text("+600원")
    expect(fries).to_contain_text("장바구니 합계는 7,500원")

    drink = chat.send("콜라 사이다로")
    expect(drink).to_contain_text("사이다")
    expect(drink).to_contain_text("장바구니 합계는 7,500원")

    cart = chat.press("장바구니 보기")
    expect(cart).to_contain_text("양념감자")
    expect(cart).to_contain_text("사이다")
    expect(cart).to_contain_text(won("7,500"))
    expect(cart).not_to_contain_text(won("6,900"))
    if viewport == "phone":
        # Nothing wider than the phone: the page never scrolls sideways.
        assert chat.page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_the_seller_assistant_answers_from_the_smartstore_faq(open_chat: OpenChat, viewport: str) -> None:
    chat = open_chat(viewport)
    expect(chat.page.locator("#note")).to_be_hidden()  # both assistants installed: no note on how to install one
    chat.pick("판매자 FAQ")
    reply = chat.send("반품 배송비는 누가 내나요?")
    shown = text_of(reply)
    assert "반품배송비" in shown or "반품 배송비" in shown
    assert_streamed(shown, chat.writes(reply))
    sources = reply.locator("xpath=following-sibling::*[1]")
    expect(sources).to_contain_text("반품배송비는 누가 부담하나요?")
    expect(chat.buttons("이어서 물어보기").first).to_contain_text("자세히 보기")

    chat.page.reload()  # the choice of assistant is kept
    expect(chat.page.get_by_role("combobox", name="도우미 고르기")).to_have_value("seller")


def test_a_failure_screenshot_is_a_png_named_after_the_test(open_chat: OpenChat, tmp_path: Path) -> None:
    chat = open_chat("phone")
    pages: list[Page] = [chat.page]
    (saved,) = save_failure_screenshots(pages, "tests/browser/x.py::test_y[phone]", tmp_path)
    assert saved.name == "tests_browser_x.py_test_y_phone-1.png"
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

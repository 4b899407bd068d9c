"""The web chat for people who use a keyboard, a screen reader or a dim screen: names, focus, contrast (WCAG AA)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chat import WebChat
from tests.browser.conftest import OpenChat

# For each element that shows text of its own (and each placeholder): its colour against what lies behind it,
# alpha-composited up the ancestors, as WCAG 2 computes contrast. Disabled controls are exempt, as WCAG says.
CONTRAST = """
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, below) => {
    const a = top[3] + below[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + below[i] * below[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) layers.push(parse(getComputedStyle(node).backgroundColor));
    let colour = [255, 255, 255, 1];  // the canvas
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const large = (style) => {
    const px = parseFloat(style.fontSize);
    return px >= 24 || (px >= 18.66 && Number(style.fontWeight) >= 700);
  };
  const checked = [];
  const check = (el, what, style) => {
    const behind = background(el);
    const fg = over(parse(style.color), behind);
    const needed = large(style) ? 3 : 4.5;
    checked.push({what, ratio: Math.round(ratio(fg, behind) * 100) / 100, needed});
  };
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".visually-hidden") || el.closest("script, style") || el.disabled) continue;
    const rect = el.getBoundingClientRect();
    if (!rect.width || !rect.height || getComputedStyle(el).visibility === "hidden") continue;
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
    const label = el.tagName + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "");
    if (own || el.tagName === "SELECT") check(el, `${label}: ${(el.innerText || "").slice(0, 30)}`, getComputedStyle(el));
    if (el.placeholder) check(el, `${label}::placeholder`, getComputedStyle(el, "::placeholder"));
  }
  return checked;
}
"""


def converse(chat: WebChat) -> None:
    """A conversation that puts each kind of element on the page: bubbles, quick replies, follow-ups, sources."""
    chat.send("편의점에서도 급식카드 쓸 수 있어?")
    chat.send("급식카드 잔액은 어떻게 확인해?")
    expect(chat.buttons("이어서 물어보기").first).to_be_visible()


def focused(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {tag: el.tagName, id: el.id, text: el.innerText || "", outline: style.outlineStyle,
                  width: parseFloat(style.outlineWidth), colour: style.outlineColor};
        }"""
    )
    return found


def test_the_main_controls_are_found_by_role_and_every_control_has_a_name(open_chat: OpenChat) -> None:
    chat = open_chat("desktop")
    page = chat.page
    expect(page).to_have_title("끼니 채팅")
    assert page.locator("html").get_attribute("lang") == "ko"
    expect(page.get_by_role("heading", name="끼니", level=1)).to_be_visible()
    expect(page.get_by_role("combobox", name="도우미 고르기")).to_be_visible()
    expect(page.get_by_role("textbox", name="메시지")).to_be_visible()
    expect(page.get_by_role("button", name="보내기", exact=True)).to_be_visible()
    expect(page.get_by_role("form", name="메시지 보내기")).to_be_visible()
    expect(page.get_by_role("main")).to_have_count(1)
    converse(chat)
    # Recommendation cards depend on the hour (open now), so the page's own renderer draws two here: their
    # buttons share a label, and each one's name says which shop it picks.
    page.evaluate(
        """cards([1, 2].map((n) => ({title: `가게 ${n}`, description: "김밥 3,000원",
                                     buttons: [{label: "여기로 갈래요", payload: `select:${n}`}]})))"""
    )
    card = page.get_by_role("group", name="가게 2", exact=True)
    expect(card.get_by_role("button", name="여기로 갈래요 (가게 2)", exact=True)).to_be_visible()

    controls = page.locator("button, input, select, textarea")
    assert controls.count() >= 8  # the three of the form and header, and the buttons the answers brought
    for index in range(controls.count()):
        expect(controls.nth(index)).to_have_accessible_name(re.compile(r"\S"))
    # Who says what is spoken, not only shown by the bubble's side and colour.
    expect(page.locator(".msg.me").first).to_have_text(re.compile(r"^나: "))
    expect(page.locator(".msg.bot").last).to_have_text(re.compile(r"^끼니: "))
    expect(page.get_by_role("log", name="대화 내용")).to_have_attribute("aria-busy", "false")


def test_the_keyboard_alone_reaches_every_control_in_order_with_a_visible_focus(open_chat: OpenChat) -> None:
    chat = open_chat("desktop")
    page = chat.page
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "assistant"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "text"
    page.keyboard.type("안녕")
    page.keyboard.press("Enter")  # sends, as the button does
    expect(page.locator(".msg.me .text")).to_have_text(["안녕"])
    expect(chat.buttons("빠른 답장").first).to_be_enabled()

    # From the top: the picker, the answer's buttons as they read, then the message box and 보내기.
    page.locator("h1").click()
    order = []
    for _ in range(7):
        page.keyboard.press("Tab")
        now = focused(page)
        order.append(now["id"] or now["text"])
        assert now["outline"] == "solid" and now["width"] >= 2, now
        assert now["colour"] == "rgb(17, 17, 17)", now
    assert order == ["assistant", "강남", "마포·홍대", "춘천", "건너뛰기", "text", "send"]

    # A quick reply pressed from the keyboard answers like a click.
    page.get_by_role("button", name="강남", exact=True).focus()
    page.keyboard.press("Enter")
    expect(chat.bot_messages.last).to_contain_text("못 먹는 음식")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_text_contrast_meets_wcag_aa(open_chat: OpenChat, viewport: str) -> None:
    chat = open_chat(viewport)
    converse(chat)
    checked: list[dict[str, Any]] = chat.page.evaluate(CONTRAST)
    whats = " | ".join(item["what"] for item in checked)
    for kind in ("H1", "BUTTON.choice", "BUTTON#send", "SELECT", "::placeholder", "sources", "SPAN.text"):
        assert kind in whats, f"{kind} was not checked: {whats}"
    failing = [item for item in checked if item["ratio"] < item["needed"]]
    assert not failing, failing

"""The web chat page as a person uses it: find the controls by role and name, type, press, read the answers."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

# Installed before the page's own script: records every text written into a bot bubble after it is on the page, so a
# test can tell an answer that streamed in (several growing writes) from one put in whole.
RECORD_WRITES = """
window.__kkiniWrites = new Map();
new MutationObserver((records) => {
  for (const record of records) {
    const target = record.target;
    if (!(target instanceof Element) || !target.matches(".msg.bot > .text")) continue;
    for (const node of record.addedNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      const writes = window.__kkiniWrites.get(target) || [];
      writes.push(node.data);
      window.__kkiniWrites.set(target, writes);
    }
  }
}).observe(document, {childList: true, subtree: true});
"""

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
"""Browser context options by name; the phone is an iPhone 12-14 sized screen with touch."""
ASSISTANT_PICKER = "도우미 고르기"
MESSAGE_BOX = "메시지"
SEND = "보내기"


class WebChat:
    """One visitor's chat page (its own browser context, so its own session cookie and user)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.log = page.get_by_role("log", name="대화 내용")
        self.bot_messages = page.locator(".msg.bot")

    def open(self, url: str) -> None:
        self.page.add_init_script(RECORD_WRITES)
        self.page.goto(url)
        expect(self.bot_messages.first).to_contain_text("안녕하세요! 끼니예요.")

    def pick(self, label: str) -> None:
        """Choose an assistant in the picker by the label people see."""
        picker = self.page.get_by_role("combobox", name=ASSISTANT_PICKER)
        expect(picker.get_by_role("option", name=label)).to_be_enabled()
        picker.select_option(label=label)

    def send(self, text: str) -> Locator:
        """Type ``text``, press 보내기, and return the answer's bubble once the answer is complete."""
        before = self.bot_messages.count()
        self.page.get_by_role("textbox", name=MESSAGE_BOX).fill(text)
        self.page.get_by_role("button", name=SEND, exact=True).click()
        return self._answer(before)

    def press(self, label: str) -> Locator:
        """Press the last button named ``label`` (a quick reply or follow-up) and return the answer to it."""
        before = self.bot_messages.count()
        button = self.log.get_by_role("button", name=label, exact=True).last
        expect(button).to_be_enabled()
        button.click()
        return self._answer(before)

    def _answer(self, before: int) -> Locator:
        # The page marks the log busy before it adds the answer's bubble, and not busy once the stream has ended.
        expect(self.bot_messages).to_have_count(before + 1)
        expect(self.log).to_have_attribute("aria-busy", "false")
        return self.bot_messages.nth(before)

    def writes(self, bubble: Locator) -> list[str]:
        """Every text the page wrote into ``bubble`` while its answer came in, in order."""
        found: Any = bubble.locator(".text").evaluate("el => window.__kkiniWrites.get(el) || []")
        return [str(text) for text in found]

    def buttons(self, group: str) -> Locator:
        """The buttons of the last button group named ``group`` (빠른 답장, 이어서 물어보기)."""
        return self.log.get_by_role("group", name=group, exact=True).last.get_by_role("button")


def text_of(bubble: Locator) -> str:
    """What a bubble shows (not the speaker name kept for screen readers)."""
    return bubble.locator(".text").inner_text()


def won(amount: str) -> re.Pattern[str]:
    """An amount as the replies write it ("7,500원"), not part of a larger number."""
    return re.compile(rf"(?<![\d,]){re.escape(amount)}원")

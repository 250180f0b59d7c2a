"""Meeting notes in a real browser on the sandbox page (`python -m meetbot_sandbox --provider
daily`): `/meet Design review --notes`, the card's consent line, the host joins and ends the
session, "Transcript ready" and "Summary ready" on the room panel, and the card's thread shows
the transcript file and the notes reply, which the host deletes after the confirmation.

MEETBOT_NOTES_SCREENSHOT names where the thread's screenshot is saved (default: tmp)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from tests.plugins.sandbox import running_sandbox
from tests.test_sandbox_browser import CHROMIUM, UPDATES_MS, opened_page

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")


async def test_the_notes_thread_in_the_browser(
    redis_url: str, redis: object, tmp_path: Path
) -> None:
    expect.set_options(timeout=UPDATES_MS)
    screenshot = Path(os.environ.get("MEETBOT_NOTES_SCREENSHOT") or tmp_path / "notes.png")
    async with (
        running_sandbox(redis_url, "meetbot_sandbox", "--provider", "daily") as url,
        async_playwright() as playwright,
        opened_page(playwright, url, height=900) as page,
    ):
        messages = page.locator("#messages")
        await page.fill("#composer-input", "/meet Design review --notes")
        await page.press("#composer-input", "Enter")
        card = messages.locator("> .message.from-bot:not(.ephemeral)").filter(
            has_text="Design review"
        )
        await expect(card).to_contain_text("Notes on: this meeting is transcribed")

        await page.click("#open-dm")
        await expect(messages).to_contain_text("Notes on: this meeting is transcribed")
        await messages.get_by_role("link", name="Join as host").click()
        await page.click("[data-channel='C0GENERAL']")
        room = page.locator(".room").filter(has_text="Design review")
        await expect(card).to_contain_text("Live")
        await room.get_by_role("button", name="End session").click()
        await expect(card).to_contain_text("Ended")

        await room.get_by_role("button", name="Transcript ready").click()
        thread = card.locator(".replies")
        await expect(thread).to_contain_text("Meeting notes: Design review")
        await expect(thread).to_contain_text(".vtt")
        await room.get_by_role("button", name="Summary ready").click()
        await expect(thread).to_contain_text("Key points")
        await expect(thread).to_contain_text("Action items")
        await card.scroll_into_view_if_needed()
        await page.screenshot(path=str(screenshot))

        await thread.get_by_role("button", name="Delete notes").click()
        dialog = page.locator("dialog.confirm-dialog")
        await expect(dialog).to_contain_text("Delete these notes?")
        await dialog.get_by_role("button", name="Delete").click()
        await expect(thread).to_contain_text("were deleted by")
        await expect(thread).not_to_contain_text("Key points")

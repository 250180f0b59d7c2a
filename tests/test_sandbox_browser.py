"""A person tries meetbot without Slack: the sandbox page in a real (headless) Chromium.

`python -m bot` runs with no credentials at all, exactly as after cloning; the browser only
does what a person does (types, clicks, reads). Debian's /usr/bin/chromium drives it (`make
test` installs it); nothing is downloaded. The story runs on each provider the sandbox can
emulate. The Meetings run's last screenshot goes to the test's temporary directory, or to
MEETBOT_SCREENSHOT when set (`make screenshot` writes docs/sandbox.png so).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import Page, Playwright, async_playwright, expect

from tests.plugins.sandbox import running_sandbox

CHROMIUM = Path("/usr/bin/chromium")


@asynccontextmanager
async def opened_page(
    playwright: Playwright, url: str, *, height: int = 820
) -> AsyncIterator[Page]:
    """Debian's chromium, headless, on the sandbox page at `url`; closed afterwards."""
    # Chromium's own sandbox needs user namespaces, which root in a container lacks.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
    try:
        page = await browser.new_page(viewport={"width": 1360, "height": height})
        await page.goto(url)
        yield page
    finally:
        await browser.close()


UPDATES_MS = 15_000  # card updates are coalesced (one chat.update per card every 2 s)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="no /usr/bin/chromium: `make test` installs it (apt-get install chromium) as root",
)


@dataclass(frozen=True)
class Story:
    """What differs between the providers, as a person on the page sees it."""

    provider: str
    command: str
    join_link: re.Pattern[str]  # the card's Join button
    host_secret: str  # the host link's query parameter that must never reach a channel
    records_by_itself: bool  # the room was made with --record: the host link starts it
    recording_link: re.Pattern[str]


# meetbot's own link, which fetches a fresh download link at each click (bot.recordings).
OUR_RECORDING_LINK = re.compile(r"/recordings/[\w-]+\.[\w-]{22}$")

MEETINGS = Story(
    "meetings",
    "/meet Demo",
    re.compile(r"^https://meetings\.vonage\.com/\d+$"),
    "participant_token",
    records_by_itself=False,
    recording_link=OUR_RECORDING_LINK,
)
DAILY = Story(
    "daily",
    "/meet Demo --record",
    re.compile(r"^http://127\.0\.0\.1:\d+/mb-[\w-]+\?t=[\w.-]+$"),
    "t",
    records_by_itself=True,
    recording_link=OUR_RECORDING_LINK,
)


@pytest.mark.parametrize("story", [MEETINGS, DAILY], ids=lambda story: story.provider)
async def test_meet_demo_from_the_page_to_the_recording_in_the_thread(
    story: Story, redis_url: str, redis: object, tmp_path: Path
) -> None:
    expect.set_options(timeout=UPDATES_MS)
    screenshot = Path(os.environ.get("MEETBOT_SCREENSHOT") or tmp_path / "sandbox.png")
    async with (
        running_sandbox(redis_url, "meetbot_sandbox", "--provider", story.provider) as url,
        async_playwright() as playwright,
        opened_page(playwright, url) as page,
    ):
        await run_the_story(page, story)
        if story is MEETINGS:
            await page.screenshot(path=str(screenshot))


async def run_the_story(page: Page, story: Story) -> None:
    messages = page.locator("#messages")
    await expect(page.locator("#pane-title")).to_have_text("# general")
    await expect(page.locator("#provider")).to_contain_text(
        "Daily" if story is DAILY else "Meetings"
    )
    await page.fill("#composer-input", story.command)
    await page.press("#composer-input", "Enter")

    ack = messages.locator(".message.ephemeral")
    await expect(ack).to_contain_text("Starting Demo")
    await expect(ack).to_contain_text("Only visible to you")
    card = messages.locator("> .message.from-bot:not(.ephemeral)").filter(has_text="Demo")
    join = card.get_by_role("link", name="Join", exact=True)
    await expect(join).to_have_attribute("href", story.join_link)

    await page.click("#open-dm")
    await expect(messages).to_contain_text("You're the host of Demo")
    host_link = messages.get_by_role("link", name="Join as host")
    (secret,) = parse_qs(urlsplit(await host_link.get_attribute("href") or "").query)[
        story.host_secret
    ]
    await host_link.click()  # the person joins their room with the host link
    await page.click("[data-channel='C0GENERAL']")
    await expect(card).to_be_visible()
    assert secret not in await messages.inner_html(), "no host link in #general"

    room = page.locator(".room").filter(has_text="Demo")
    await expect(room).to_contain_text("Alice Example (host)")
    await expect(card).to_contain_text("Live")
    if not story.records_by_itself:
        await room.get_by_role("button", name="Record", exact=True).click()
    await expect(card).to_contain_text("Recording")
    await room.get_by_role("button", name="End session").click()
    await expect(card).to_contain_text("Ended")
    await expect(card).to_contain_text("lasted less than a minute")
    await expect(card.get_by_role("link", name="Join", exact=True)).to_have_count(0)

    await room.get_by_role("button", name="Recording ready").click()
    thread = card.locator(".replies")
    await expect(thread).to_contain_text("The recording of Demo is ready")
    recording = thread.get_by_role("link", name="Open recording")
    await expect(recording).to_have_attribute("href", story.recording_link)


async def test_the_shortcut_modal_and_app_home_in_the_browser(
    redis_url: str, redis: object
) -> None:
    expect.set_options(timeout=UPDATES_MS)
    async with (
        running_sandbox(redis_url) as url,
        async_playwright() as playwright,
        opened_page(playwright, url) as page,
    ):
        await expect(page.locator("#pane-title")).to_have_text("# general")
        await page.click("#global-shortcut")
        modal = page.locator("#modal")
        await expect(modal.locator("h2")).to_have_text("Start a meeting")
        await modal.get_by_role("button", name="Start").click()
        await expect(modal).to_contain_text("Give the meeting a title.")

        await modal.get_by_label("Title").fill("Roadmap")
        await modal.get_by_label("Post the card in").select_option("C0DESIGN")
        await modal.get_by_role("button", name="Start").click()
        await expect(page.locator("#modal-backdrop")).to_be_hidden()
        await page.click("[data-channel='C0DESIGN']")
        await expect(page.locator("#messages")).to_contain_text("Roadmap")

        await page.click("#open-home")
        await expect(page.locator("#messages")).to_contain_text("Roadmap")
        await expect(page.locator("#messages a[href*='participant_token']")).to_have_count(1)

        # The same modal schedules a standup: Repeat and At, read back as Slack would.
        await page.click("[data-channel='C0GENERAL']")
        await page.click("#global-shortcut")
        await modal.get_by_label("Title").fill("Team standup")
        await modal.get_by_label(re.compile(r"^Repeat\b")).select_option("every weekday")
        await modal.get_by_label(re.compile(r"^At\b")).fill("09:30")
        await modal.get_by_role("button", name="Start").click()
        await expect(page.locator("#modal-backdrop")).to_be_hidden()
        await expect(page.locator("#messages")).to_contain_text(
            "scheduled Team standup here, every weekday at 09:30"
        )
        # The next run in the reader's zone (Alice: Europe/Berlin), not the browser's (UTC).
        await expect(page.locator("#messages time").last).to_contain_text("09:30")

        # Delete in App Home asks first, as Slack does with the button's `confirm`.
        await page.click("#open-home")
        home = page.locator("#messages")
        await expect(home).to_contain_text("Team standup")
        await home.get_by_role("button", name="Delete").click()
        dialog = page.locator("dialog.confirm-dialog")
        await expect(dialog).to_contain_text("Delete this standup?")
        await dialog.get_by_role("button", name="Keep it").click()
        await expect(dialog).to_have_count(0)
        await page.click("[data-channel='C0GENERAL']")
        await page.click("#open-home")
        await expect(home).to_contain_text("Team standup")
        await home.get_by_role("button", name="Delete").click()
        await dialog.get_by_role("button", name="Delete").click()
        await expect(home).not_to_contain_text("Team standup")


async def test_meet_settings_changes_a_default_that_the_next_card_shows(
    redis_url: str, redis: object
) -> None:
    """Issue 17: Alice (the sandbox's workspace owner) opens `/meet settings` in #general,
    turns recording on by default and saves; her next `/meet` card says so."""
    expect.set_options(timeout=UPDATES_MS)
    async with (
        running_sandbox(redis_url) as url,
        async_playwright() as playwright,
        opened_page(playwright, url) as page,
    ):
        await expect(page.locator("#pane-title")).to_have_text("# general")
        await page.fill("#composer-input", "/meet settings")
        await page.press("#composer-input", "Enter")
        modal = page.locator("#modal")
        await expect(modal.locator("h2")).to_have_text("Meeting settings")
        await expect(modal).to_contain_text("Never changed")
        await expect(modal).to_contain_text("Workspace policy")

        await modal.get_by_label("Record meetings").check()
        await modal.get_by_role("button", name="Save").click()
        await expect(page.locator("#modal-backdrop")).to_be_hidden()

        await page.fill("#composer-input", "/meet Weekly")
        await page.press("#composer-input", "Enter")
        card = page.locator("#messages > .message.from-bot:not(.ephemeral)").filter(
            has_text="Weekly"
        )
        await expect(card).to_contain_text("Recording on (channel default)")

        await page.fill("#composer-input", "/meet settings")
        await page.press("#composer-input", "Enter")
        await expect(modal).to_contain_text("Last changed by")
        await expect(modal.get_by_label("Record meetings")).to_be_checked()


async def test_the_host_ends_the_meeting_from_the_cards_menu(redis_url: str, redis: object) -> None:
    """Issue 17 on Daily: Alice joins her room, then picks "End meeting for everyone" in the
    card's ⋯ menu; she is put out of the room and the card says who ended it."""
    expect.set_options(timeout=UPDATES_MS)
    async with (
        running_sandbox(redis_url, "meetbot_sandbox", "--provider", "daily") as url,
        async_playwright() as playwright,
        opened_page(playwright, url) as page,
    ):
        await expect(page.locator("#pane-title")).to_have_text("# general")
        await page.fill("#composer-input", "/meet Wrap up")
        await page.press("#composer-input", "Enter")
        messages = page.locator("#messages")
        card = messages.locator("> .message.from-bot:not(.ephemeral)").filter(has_text="Wrap up")
        await page.click("#open-dm")
        await messages.get_by_role("link", name="Join as host").click()
        await page.click("[data-channel='C0GENERAL']")
        await expect(card).to_contain_text("Live")

        await card.locator("select.overflow").select_option(label="End meeting for everyone")

        await expect(card).to_contain_text("Ended by")
        await expect(card.get_by_role("link", name="Join", exact=True)).to_have_count(0)
        await expect(card.locator("select.overflow")).to_have_count(0)
        room = page.locator(".room").filter(has_text="Wrap up")
        await expect(room).not_to_contain_text("Alice Example (host)")


async def _inside_the_window(page: Page, selector: str) -> None:
    """Every element matching `selector` is visible and wholly inside the 1,360x820 window."""
    boxes = [
        await page.locator(selector).nth(i).bounding_box()
        for i in range(await page.locator(selector).count())
    ]
    assert boxes, f"nothing matches {selector}"
    for box in boxes:
        assert box is not None, f"{selector} is not rendered"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1360, (selector, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= 820, (selector, box)


async def test_the_page_stays_usable_after_many_messages_and_a_long_host_link(
    redis_url: str, redis: object
) -> None:
    """Issue 18: the message pane scrolls and follows the newest message with the composer in
    view; the host-link DM's buttons stay on screen though the host URL is 300 characters
    long; the composer is only where typing goes somewhere (channels)."""
    expect.set_options(timeout=UPDATES_MS)
    async with (
        running_sandbox(redis_url) as url,
        async_playwright() as playwright,
        opened_page(playwright, url) as page,
    ):
        await expect(page.locator("#pane-title")).to_have_text("# general")
        for i in range(20):
            await page.fill("#composer-input", f"Message number {i + 1}")
            await page.press("#composer-input", "Enter")
            await expect(page.locator("#messages .message").last).to_contain_text(
                f"Message number {i + 1}"
            )
        await _inside_the_window(page, "#composer")
        await _inside_the_window(page, "#messages .message >> nth=-1")

        await page.fill("#composer-input", "/meet Demo")
        await page.press("#composer-input", "Enter")
        await expect(page.locator("#messages .message.from-bot").last).to_contain_text("Demo")
        await page.click("#open-dm")
        await expect(page.locator("#pane-title")).to_have_text("meetbot · Messages")
        dm = page.locator("#messages .message").last
        await expect(dm.get_by_role("link", name="Join as host")).to_be_visible()
        await _inside_the_window(page, "#messages .message >> nth=-1 >> .btn")
        await expect(page.locator("#composer")).to_be_hidden()

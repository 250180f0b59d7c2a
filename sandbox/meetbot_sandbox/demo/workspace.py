"""Who and what is in the sandbox's Slack workspace, and how the composer's text becomes the
text Slack sends for a command with `should_escape: true` (manifest.yml)."""

from __future__ import annotations

import re

from meetbot_sandbox.slack.state import FakeSlackState

GENERAL, DESIGN, PRIVATE = "C0GENERAL", "C0DESIGN", "G0LEADERS"
# The first person is who the page starts as; each has a zone, so cards show local times.
PEOPLE = (
    ("U0ALICE", "alice", "Alice Example", "Europe/Berlin"),
    ("U0BOB", "bob", "Bob Example", "America/New_York"),
    ("U0CHEN", "chen", "Chen Example", "Asia/Singapore"),
)
# Who may change what in `/meet settings`: Alice owns the workspace (defaults and policy
# everywhere), Bob created #design (its defaults), Chen is a guest (reads them only).
OWNER, DESIGN_CREATOR, GUEST = "U0ALICE", "U0BOB", "U0CHEN"
_MENTION = re.compile(r"(?<![\w<])([@#])([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)


def seed_workspace(state: FakeSlackState) -> None:
    """#general with the bot in it, #design without (the bot joins it by itself), a private
    channel it cannot join (the card goes through the command's response_url), and people
    (an owner, a channel's creator, a guest: what `/meet settings` lets each change)."""
    state.add_channel(GENERAL, "general", creator=OWNER)
    state.add_channel(DESIGN, "design", member=False, creator=DESIGN_CREATOR)
    state.add_channel(PRIVATE, "leadership", private=True, member=False, creator=OWNER)
    for user_id, name, real_name, tz in PEOPLE:
        state.add_user(
            user_id,
            name,
            tz,
            real_name=real_name,
            is_owner=user_id == OWNER,
            is_restricted=user_id == GUEST,
        )
    # conversations.members: who is in each channel (the bot's notes mention them by name).
    bot = state.workspace.bot_user_id
    state.members[GENERAL] = [bot, *(user_id for user_id, *_ in PEOPLE)]
    state.members[DESIGN] = [DESIGN_CREATOR, OWNER]
    state.members[PRIVATE] = [OWNER]
    state.add_user_message(GENERAL, "Can we look at the release checklist today?", user="U0BOB")


def escape_mentions(text: str, state: FakeSlackState) -> str:
    """`@bob` -> `<@U0BOB|bob>` and `#design` -> `<#C0DESIGN|design>` for known names, as Slack
    rewrites a command's text before sending it; unknown names stay as typed."""
    users = {user.name: user.id for user in state.users.values() if not user.is_bot}
    channels = {c.name: c.id for c in state.channels.values() if not c.is_im and not c.is_mpim}

    def replace(match: re.Match[str]) -> str:
        sigil, name = match.group(1), match.group(2)
        known = (users if sigil == "@" else channels).get(name.lower())
        return match.group(0) if known is None else f"<{sigil}{known}|{name.lower()}>"

    return _MENTION.sub(replace, text)

"""Why a request for notes is refused before anything is created (asked by
`MeetingService.start_meeting` through its `notes_check`): the provider cannot transcribe, or
the conversation is a DM meetbot cannot post in (its notes would have nowhere to go but one
person's DM). The workspace policy's "notes allowed" is checked at the ack (`bot.settings`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.domain.inputs import StartMeeting, Workspace
from bot.domain.rooms import Capability, RoomProvider
from bot.i18n import N_, Text

CanPost = Callable[[Workspace, str], Awaitable[bool]]

# Each a Text, so the refusal around it translates it too: the product names stay, the words
# around them ("The") are the language's.
PROVIDER_LABELS = {"meetings": Text(N_("The Vonage Meetings API")), "daily": Text(N_("Daily"))}


def provider_refusal(provider: RoomProvider) -> str | None:
    if Capability.NOTES in provider.capabilities:
        return None
    label = PROVIDER_LABELS.get(provider.name) or provider.name
    # A Text: the creator reads it in their language (`user_message`).
    return Text(
        N_(
            ":no_entry: %(provider)s, the video provider meetbot uses here, cannot transcribe"
            " meetings, so `--notes` is not available. Nothing was created: start the meeting"
            " without it."
        ),
        provider=label,
    )


DM_REFUSAL = Text(
    N_(
        ":no_entry: I can't take notes in this conversation: it is a direct message I'm not"
        " part of, so there is no thread to post the notes in. Nothing was created: start the"
        " meeting with `--notes` from a channel I'm in."
    )
)


def notes_check(
    provider: RoomProvider, can_post: CanPost
) -> Callable[[StartMeeting], Awaitable[str | None]]:
    async def check(req: StartMeeting) -> str | None:
        if refusal := provider_refusal(provider):
            return refusal
        if req.channel_id.startswith("D") and not await can_post(req.workspace, req.channel_id):
            return DM_REFUSAL
        return None

    return check

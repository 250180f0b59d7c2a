"""Which host actions a meeting offers, who may take them, and why one is refused. Pure.

Refusals are mrkdwn shown privately (an ephemeral reply, a DM, or a modal field error) and say
exactly what is wrong, so nothing is half-applied and nobody guesses. They are `Text`: made
before the reader is known, shown in the reader's language (`Translator.text`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from bot.domain.meeting import Meeting, MeetingStatus
from bot.domain.rooms import Capability, RoomKind
from bot.hostctl.actions import HostAction
from bot.i18n import N_, Text
from bot.settings.model import Role, WorkspacePolicy
from bot.settings.policy import length_refusal
from bot.slack.limits import expiry_problem

EXTEND_STEP = timedelta(days=30)
# One whole sentence per action, not a verb slotted into one: word order differs by language.
_NOT_ALLOWED = {
    HostAction.END: N_(
        ":no_entry: Only the meeting's host (%(host)s) or a workspace admin can end this"
        " meeting. Nothing was changed."
    ),
    HostAction.EXTEND_30: N_(
        ":no_entry: Only the meeting's host (%(host)s) or a workspace admin can extend this"
        " room. Nothing was changed."
    ),
    HostAction.LOBBY_ON: N_(
        ":no_entry: Only the meeting's host (%(host)s) or a workspace admin can turn the lobby"
        " on. Nothing was changed."
    ),
    HostAction.LOBBY_OFF: N_(
        ":no_entry: Only the meeting's host (%(host)s) or a workspace admin can turn the lobby"
        " off. Nothing was changed."
    ),
}
_NOT_ALLOWED[HostAction.EXTEND_TO] = _NOT_ALLOWED[HostAction.EXTEND_30]
_ALREADY_ENDED = N_(":information_source: This meeting has already ended. Nothing was changed.")
# How a picked date is named in a refusal ("That date is in the past.").
THAT_DATE = N_("That date")


def is_over(meeting: Meeting) -> bool:
    """Closed from Slack, expired, or an instant room whose one session ended."""
    return (
        meeting.closed_at is not None
        or meeting.status is MeetingStatus.EXPIRED
        or (meeting.status is MeetingStatus.ENDED and meeting.kind is RoomKind.INSTANT)
    )


def offered(
    meeting: Meeting, capabilities: Collection[Capability], now: datetime
) -> list[HostAction]:
    """The menu's options: what the provider can do and makes sense in the meeting's state."""
    if meeting.room_id is None or is_over(meeting):
        return []
    if meeting.expires_at is not None and meeting.expires_at <= now:
        return []
    actions = []
    if Capability.END in capabilities and meeting.status in (
        MeetingStatus.OPEN,
        MeetingStatus.LIVE,
    ):
        actions.append(HostAction.END)
    if Capability.EXTEND in capabilities and meeting.kind is RoomKind.LONG_TERM:
        actions += [HostAction.EXTEND_30, HostAction.EXTEND_TO]
    switchable = meeting.kind is RoomKind.LONG_TERM or Capability.LOBBY_INSTANT in capabilities
    if Capability.LOBBY in capabilities and switchable:
        actions.append(HostAction.LOBBY_OFF if meeting.lobby else HostAction.LOBBY_ON)
    return actions


def may_act(meeting: Meeting, user_id: str, role: Role | None, team_id: str) -> bool:
    """The meeting's host, or an admin or owner of the meeting's own workspace (Slack says
    who is one, per workspace: an admin of a partner's workspace is not ours)."""
    if user_id == meeting.creator_id:
        return True
    return role is not None and role.is_admin and team_id == meeting.team_id


def not_allowed(action: HostAction, meeting: Meeting) -> Text:
    return Text(_NOT_ALLOWED[action], host=f"<@{meeting.creator_id}>")


def state_refusal(action: HostAction, meeting: Meeting, now: datetime) -> Text | None:
    """Why `action` does not apply to the meeting as it is now, or None."""
    if meeting.room_id is None:
        return Text(
            N_(
                ":hourglass_flowing_sand: This meeting's room is still being made: try again in"
                " a moment."
            )
        )
    if meeting.closed_at is not None:
        if meeting.closed_by:
            return Text(
                N_(
                    ":information_source: This meeting has already ended by %(user)s."
                    " Nothing was changed."
                ),
                user=f"<@{meeting.closed_by}>",
            )
        return Text(_ALREADY_ENDED)
    if meeting.status is MeetingStatus.EXPIRED or (
        meeting.expires_at is not None and meeting.expires_at <= now
    ):
        return Text(N_(":information_source: This room has expired. Nothing was changed."))
    if action is HostAction.END and meeting.status is MeetingStatus.ENDED:
        return Text(_ALREADY_ENDED)
    if action.extends and meeting.kind is not RoomKind.LONG_TERM:
        return Text(
            N_(
                ":information_source: An instant room cannot be extended: it closes 10 minutes"
                " after everyone has left. Start a long-term room with `/meet Title --for 30d`."
            )
        )
    if action.lobby and meeting.lobby == (action is HostAction.LOBBY_ON):
        if meeting.lobby:
            return Text(N_(":information_source: The lobby is already on. Nothing was changed."))
        return Text(N_(":information_source: The lobby is already off. Nothing was changed."))
    return None


def extend_target(meeting: Meeting, now: datetime) -> datetime:
    """Extend by 30 days: from the room's current end (or now, if that has passed)."""
    base = meeting.expires_at if meeting.expires_at and meeting.expires_at > now else now
    return base + EXTEND_STEP


def extend_problem(
    meeting: Meeting, until: datetime, policy: WorkspacePolicy, *, now: datetime, given: str
) -> Text | None:
    """Why the room cannot end at `until`: in the past, too far (the provider's year, the
    workspace's longest room), or not later than it ends already."""
    problem = expiry_problem(until, now=now, given=given) or length_refusal(
        policy, until, now=now, given=given
    )
    if problem is not None:
        return problem
    if meeting.expires_at is not None and until <= meeting.expires_at:
        return Text(
            N_("%(given)s is not after the room's current end (%(end)s UTC): pick a later date."),
            given=given,
            end=f"{meeting.expires_at:%Y-%m-%d %H:%M}",
        )
    return None

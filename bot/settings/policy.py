"""The checks a start request meets and what a channel's defaults add to it. Pure.

Every refusal names the policy that refused and who can change it, so the person knows whom to
ask; the texts are mrkdwn, shown privately (an ephemeral reply, a modal field error or a DM).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.rooms import RoomKind
from bot.i18n import N_, Text
from bot.settings.model import (
    HOME_ONLY,
    LOBBY,
    LONG_TERM,
    NOTES,
    RECORD,
    ChannelDefaults,
    Role,
    StartRule,
    WorkspacePolicy,
)
from bot.slack.limits import end_of_day_utc

WHO_CHANGES_POLICY = N_("Workspace admins and owners can change it with `/meet settings`.")
_WHO_CHANGES = Text(WHO_CHANGES_POLICY)  # a Text: translated with the message it ends
# Catalog messages: translated where shown (the settings modal, App Home).
START_RULE_TEXT = {
    StartRule.EVERYONE: N_("Everyone"),
    StartRule.MEMBERS: N_("Full members only (no guests)"),
    StartRule.ADMINS: N_("Workspace admins and owners only"),
}


def start_refusal(policy: WorkspacePolicy, role: Role) -> Text | None:
    """Why `role` may not start a meeting or schedule a standup here, or None."""
    if role.is_partner and not policy.partners_may_start:
        return Text(
            N_(
                ":no_entry: People from a partner organisation can join meetings from this"
                " workspace's cards but not start them: the workspace policy *Partner"
                " organisations may start meetings* is off. %(who_changes)s"
            ),
            who_changes=_WHO_CHANGES,
        )
    if policy.who_may_start is StartRule.ADMINS and not role.is_admin:
        return Text(
            N_(
                ":no_entry: Only workspace admins and owners may start meetings here: that is the"
                " workspace policy *Who may start meetings*. %(who_changes)s"
            ),
            who_changes=_WHO_CHANGES,
        )
    if policy.who_may_start is StartRule.MEMBERS and role.is_guest and not role.is_admin:
        return Text(
            N_(
                ":no_entry: Guests may not start meetings here: the workspace policy *Who may"
                " start meetings* is set to full members only. %(who_changes)s"
            ),
            who_changes=_WHO_CHANGES,
        )
    return None


def recording_refusal(policy: WorkspacePolicy) -> Text | None:
    if policy.recording_allowed:
        return None
    return Text(
        N_(
            ":no_entry: Recording is off in this workspace: the workspace policy *Allow"
            " recording* is off. %(who_changes)s"
        ),
        who_changes=_WHO_CHANGES,
    )


def notes_refusal(policy: WorkspacePolicy) -> Text | None:
    if policy.notes_allowed:
        return None
    return Text(
        N_(
            ":no_entry: Meeting notes are off in this workspace: the workspace policy *Allow"
            " meeting notes* is off. %(who_changes)s"
        ),
        who_changes=_WHO_CHANGES,
    )


def latest_end(policy: WorkspacePolicy, now: datetime) -> datetime:
    """The latest a long-term room may end under the policy (the end of that day, UTC)."""
    return end_of_day_utc((now + timedelta(days=policy.longest_days)).date())


def length_refusal(
    policy: WorkspacePolicy, expires_at: datetime, *, now: datetime, given: str
) -> Text | None:
    """Why a room ending at `expires_at` is too long for the policy, or None (the provider's
    own year is `bot.slack.limits`' to check)."""
    if policy.max_length_days is None or expires_at <= latest_end(policy, now):
        return None
    until = latest_end(policy, now).strftime("%Y-%m-%d")
    return Text(
        N_(
            ":no_entry: %(given)s is past the longest a room may last here, %(days)s days"
            " (until %(until)s): the workspace policy *Longest long-term room*. %(who_changes)s"
        ),
        given=given,
        days=str(policy.longest_days),
        until=until,
        who_changes=_WHO_CHANGES,
    )


def may_edit_defaults(role: Role, creator_id: str | None) -> bool:
    return role.is_admin or (creator_id is not None and role.user_id == creator_id)


def defaults_reason(creator_id: str | None) -> Text:
    """Why someone may not change a channel's defaults (the modal, read-only; the DM of a
    refused save)."""
    if creator_id:
        return Text(
            N_(
                "Only workspace admins and owners and the channel's creator (%(creator)s) can"
                " change these."
            ),
            creator=f"<@{creator_id}>",
        )
    return Text(N_("Only workspace admins and owners can change these."))


@dataclass(frozen=True)
class Effective:
    """A start request's settings once the channel's defaults and the policy are applied;
    `defaulted` names those that came from a channel default (the card says so)."""

    record: bool
    kind: RoomKind
    expires_at: datetime | None
    home_only: bool
    lobby: bool
    defaulted: tuple[str, ...]
    notes: bool = False


def apply_defaults(
    *,
    record: bool,
    kind: RoomKind,
    expires_at: datetime | None,
    defaults: ChannelDefaults,
    policy: WorkspacePolicy,
    now: datetime,
    notes: bool = False,
) -> Effective:
    """What was asked, completed by the channel's defaults within the policy. Something asked
    for explicitly is never overridden; a default the policy forbids is left out (a default set
    before the policy changed), and a default length is cut to the policy's longest."""
    defaulted: list[str] = []
    if not record and defaults.record and policy.recording_allowed:
        record = True
        defaulted.append(RECORD)
    if kind is RoomKind.INSTANT and defaults.long_term:
        kind = RoomKind.LONG_TERM
        expires_at = now + timedelta(days=min(defaults.length_days, policy.longest_days))
        defaulted.append(LONG_TERM)
    if defaults.home_only:
        defaulted.append(HOME_ONLY)
    if defaults.lobby:
        defaulted.append(LOBBY)
    if not notes and defaults.notes and policy.notes_allowed:
        notes = True
        defaulted.append(NOTES)
    return Effective(
        record=record and policy.recording_allowed,
        kind=kind,
        expires_at=expires_at,
        home_only=defaults.home_only,
        lobby=defaults.lobby,
        defaulted=tuple(defaulted),
        notes=notes and policy.notes_allowed,
    )


def ask_within_policy(
    *,
    record: bool,
    kind: RoomKind,
    expires_at: datetime | None,
    defaults: ChannelDefaults,
    policy: WorkspacePolicy,
    now: datetime,
    given: str,
    notes: bool = False,
) -> Effective | str:
    """What a start request becomes with the channel's defaults, or the refusal of what it
    asks for explicitly: recording where the policy forbids it, a room past the longest."""
    if record and (refusal := recording_refusal(policy)):
        return refusal
    if notes and (refusal := notes_refusal(policy)):
        return refusal
    if expires_at is not None and (
        refusal := length_refusal(policy, expires_at, now=now, given=given)
    ):
        return refusal
    return apply_defaults(
        record=record,
        kind=kind,
        expires_at=expires_at,
        defaults=defaults,
        policy=policy,
        now=now,
        notes=notes,
    )

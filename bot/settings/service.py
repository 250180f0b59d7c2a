"""Use cases of channel defaults and workspace policy: open the `/meet settings` modal, save a
submission, and meet a start request with the policy and the channel's defaults
(`bot.domain.ports.ChannelSettings`, which `bot.meet.service` and `bot.standups.service` call).

Who someone is comes from Slack (users.info, conversations.info), never from a payload: cached
for a short while for reading and starting (`SLACK_ROLE_TTL`), asked afresh before a save.
Everything here runs after the ack (the modal) or in the worker (saving, starting).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any, Protocol, TypeVar

from bot.domain.clock import Clock
from bot.domain.inputs import StartMeeting, Workspace
from bot.domain.message import Message
from bot.domain.ports import Posted, SlackUser
from bot.errors import SlackAuthBroken, SlackError, SlackRateLimited, SlackUnavailable
from bot.i18n import DEFAULT_LANGUAGE, N_, Text, language_of, translator
from bot.meet.blocks import section
from bot.settings.modal import SettingsForm, settings_modal
from bot.settings.model import Change, ChannelDefaults, Role, WorkspacePolicy
from bot.settings.policy import (
    START_RULE_TEXT,
    apply_defaults,
    defaults_reason,
    may_edit_defaults,
    start_refusal,
)
from bot.settings.store import SettingsStore

log = logging.getLogger(__name__)

_Record = TypeVar("_Record", ChannelDefaults, WorkspacePolicy)


class SettingsSlack(Protocol):
    """What this feature asks of Slack (implemented by `bot.slack.web.SlackWeb`)."""

    async def user_info(self, ws: Workspace, user_id: str) -> SlackUser: ...

    async def channel_creator(self, ws: Workspace, channel: str) -> str | None: ...

    async def open_view(self, ws: Workspace, trigger_id: str, view: dict[str, Any]) -> None: ...

    async def post(
        self,
        ws: Workspace,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        marker: str | None = None,
    ) -> Posted: ...


class SettingsService:
    def __init__(self, *, slack: SettingsSlack, store: SettingsStore, clock: Clock) -> None:
        self.slack = slack
        self.store = store
        self.clock = clock

    async def role(
        self, ws: Workspace, user_id: str, *, fresh: bool = False, known: SlackUser | None = None
    ) -> Role:
        """Who `user_id` is in `ws`, as Slack said at most SLACK_ROLE_TTL ago (`fresh`: now)."""
        if known is None and not fresh:
            cached = await self.store.cached_role(ws.team_id, user_id)
            if cached is not None:
                return cached
        try:
            role = Role.of(known or await self.slack.user_info(ws, user_id))
        except SlackError as exc:
            if exc.error != "user_not_found":
                raise  # Slack's trouble: the job retries
            # Slack does not know them here: the least a member may do (not an admin, a guest).
            log.info("users.info does not know %s in %s: treated as a guest", user_id, ws.team_id)
            role = Role(user_id=user_id, is_guest=True)
        await self.store.cache_role(ws.team_id, role)
        return role

    async def creator(self, ws: Workspace, channel_id: str) -> str | None:
        known, creator = await self.store.cached_creator(ws.team_id, channel_id)
        if not known:
            creator = await self.slack.channel_creator(ws, channel_id)
            await self.store.cache_creator(ws.team_id, channel_id, creator)
        return creator

    # --- the modal --------------------------------------------------------------------------

    async def open_modal(
        self, ws: Workspace, trigger_id: str, user_id: str, channel_id: str
    ) -> None:
        """The modal as this person may use it (runs right after the ack: the trigger lasts 3 s)."""
        role, creator = await asyncio.gather(self.role(ws, user_id), self.creator(ws, channel_id))
        defaults, policy = await self.store.for_channel(ws.team_id, channel_id)
        # In their Slack language: users.info gave it with their role (no second call).
        t = translator(language_of(role.locale))
        view = settings_modal(
            channel_id,
            defaults,
            policy,
            edit_defaults=may_edit_defaults(role, creator),
            edit_policy=role.is_admin,
            creator_id=creator,
            t=t,
        )
        await self.slack.open_view(ws, trigger_id, view)

    async def save(self, ws: Workspace, user_id: str, submission: str, form: SettingsForm) -> str:
        """Apply a submission once, all of it or nothing; what happened, for the job's log."""
        role = await self.role(ws, user_id, fresh=True)
        creator = None
        if form.defaults is not None and not role.is_admin:
            creator = await self.creator(ws, form.channel_id)
        refused: list[Text] = []
        if form.policy is not None and not role.is_admin:
            refused.append(
                Text(
                    N_(
                        "only workspace admins and owners can change the workspace policy, and"
                        " Slack does not list you as one now."
                    )
                )
            )
        if form.defaults is not None and not may_edit_defaults(role, creator):
            refused.append(defaults_reason(creator))
        if refused:
            return await self._refuse(ws, user_id, submission, form.channel_id, refused)
        current_defaults, current_policy = await self.store.for_channel(ws.team_id, form.channel_id)
        change = Change(by=user_id, at=self.clock())
        defaults = _changed(form.defaults, current_defaults, change)
        policy = _changed(form.policy, current_policy, change)
        if not await self.store.apply(
            submission, ws.team_id, form.channel_id, defaults=defaults, policy=policy
        ):
            return "duplicate"
        if defaults is not None:
            log.info(
                "channel defaults of %s in %s changed by %s: %s",
                form.channel_id,
                ws.team_id,
                user_id,
                _describe_defaults(defaults),
            )
        if policy is not None:
            log.info(
                "workspace policy of %s changed by %s: %s",
                ws.team_id,
                user_id,
                _describe_policy(policy),
            )
        return "saved" if defaults or policy else "unchanged"

    async def _refuse(
        self, ws: Workspace, user_id: str, submission: str, channel_id: str, reasons: list[Text]
    ) -> str:
        """Tell the person privately (a DM: a modal has no response_url), once; change nothing."""
        if await self.store.was_applied(submission):
            return "duplicate"
        log.info(
            "settings of %s in %s not saved: %s may not change them",
            channel_id,
            ws.team_id,
            user_id,
        )
        t = translator(await self.language_of(ws, user_id))
        # Each reason is a sentence of its own (the first after the colon starts lowercase).
        text = t.gettext(
            ":no_entry: Your changes to the meeting settings of %(channel)s were not saved:"
            " %(reasons)s Nothing was changed.",
            channel=f"<#{channel_id}>",
            reasons=" ".join(t.text(reason) for reason in reasons),
        )
        await self.slack.post(ws, user_id, Message(text=text, blocks=[section(text)]))
        await self.store.apply(submission, ws.team_id, channel_id, defaults=None, policy=None)
        return "refused"

    # --- start requests (bot.domain.ports.ChannelSettings) ----------------------------------

    async def language_of(self, ws: Workspace, user_id: str) -> str:
        """The language `user_id` reads meetbot in: their Slack locale (users.info, the answer
        their role is cached with), English where we have no catalog or Slack cannot say.

        The locale is kept longer than the role (`SLACK_LOCALE_TTL`) and refreshed with every
        role lookup (each start asks), so an App Home refresh or an invitation costs no
        users.info call for someone Slack was asked about lately."""
        locale = await self.store.cached_locale(ws.team_id, user_id)
        if locale is not None:
            return language_of(locale)
        try:
            role = await self.role(ws, user_id)
        except (SlackUnavailable, SlackRateLimited, SlackAuthBroken):
            raise  # Slack's trouble or the installation's: the job retries
        except SlackError as exc:
            log.info("no locale for %s in %s (%s): English", user_id, ws.team_id, exc.error)
            return DEFAULT_LANGUAGE
        return language_of(role.locale)

    async def start_refusal(
        self, ws: Workspace, user_id: str, *, known: SlackUser | None = None
    ) -> str | None:
        policy, cached = await self.store.policy_and_cached_role(ws.team_id, user_id)
        if not policy.needs_role:
            return None  # nothing to ask Slack: everyone, partner organisations included
        if known is None and cached is not None:
            return start_refusal(policy, cached)
        # Not cached (just read): straight to Slack.
        return start_refusal(policy, await self.role(ws, user_id, known=known, fresh=True))

    async def with_channel_defaults(
        self, req: StartMeeting, *, recording: bool = True
    ) -> StartMeeting:
        defaults, policy = await self.store.for_channel(req.workspace.team_id, req.channel_id)
        if not recording:
            defaults = dataclasses.replace(defaults, record=False, notes=False)
        effective = apply_defaults(
            record=req.record,
            kind=req.kind,
            expires_at=req.expires_at,
            defaults=defaults,
            policy=policy,
            now=self.clock(),
            notes=req.notes,
        )
        return dataclasses.replace(
            req,
            record=effective.record,
            kind=effective.kind,
            expires_at=effective.expires_at,
            home_only=effective.home_only,
            lobby=effective.lobby,
            defaulted=effective.defaulted,
            language=defaults.language,
            notes=effective.notes,
        )


def _changed(submitted: _Record | None, current: _Record, change: Change) -> _Record | None:
    """The record to write: the submitted values with who changed them, or None if they are
    what is stored already (saving an unchanged form is no change)."""
    if submitted is None or submitted.same_values(current):
        return None
    return dataclasses.replace(submitted, changed=change)


def _describe_defaults(d: ChannelDefaults) -> str:
    return (
        f"record={d.record} long_term={d.long_term} length_days={d.length_days}"
        f" home_only={d.home_only} lobby={d.lobby} notes={d.notes} language={d.language}"
    )


def _describe_policy(p: WorkspacePolicy) -> str:
    return (
        f"who_may_start={START_RULE_TEXT[p.who_may_start]!r} recording_allowed={p.recording_allowed}"
        f" max_length_days={p.max_length_days} partners_may_start={p.partners_may_start}"
        f" notes_allowed={p.notes_allowed}"
    )

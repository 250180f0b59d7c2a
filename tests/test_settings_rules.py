"""The pure rules of channel defaults and workspace policy: what a default adds, what the
policy refuses, who is a partner, and how the modal reads back. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.ports import SlackUser
from bot.domain.rooms import RoomKind
from bot.settings.modal import last_changed
from bot.settings.model import Change, ChannelDefaults, Role, StartRule, WorkspacePolicy
from bot.settings.policy import apply_defaults, length_refusal, start_refusal

NOW = datetime(2025, 12, 3, 9, 0, tzinfo=UTC)


def test_a_default_never_overrides_what_was_asked_for() -> None:
    defaults = ChannelDefaults(record=True, long_term=True, length_days=10)
    asked = NOW + timedelta(days=3)

    effective = apply_defaults(
        record=False,
        kind=RoomKind.LONG_TERM,
        expires_at=asked,
        defaults=defaults,
        policy=WorkspacePolicy(),
        now=NOW,
    )

    assert (effective.kind, effective.expires_at) == (RoomKind.LONG_TERM, asked)
    assert effective.record and effective.defaulted == ("record",)


def test_a_default_the_policy_forbids_or_shortens_gives_way_to_the_policy() -> None:
    defaults = ChannelDefaults(record=True, long_term=True, length_days=90)
    policy = WorkspacePolicy(recording_allowed=False, max_length_days=30)

    effective = apply_defaults(
        record=False,
        kind=RoomKind.INSTANT,
        expires_at=None,
        defaults=defaults,
        policy=policy,
        now=NOW,
    )

    assert not effective.record and "record" not in effective.defaulted
    assert effective.expires_at == NOW + timedelta(days=30)


@pytest.mark.parametrize(
    ("rule", "role", "refused"),
    [
        (StartRule.EVERYONE, Role("U1", is_guest=True), False),
        (StartRule.MEMBERS, Role("U1", is_guest=True), True),
        (StartRule.MEMBERS, Role("U1"), False),
        (StartRule.ADMINS, Role("U1"), True),
        (StartRule.ADMINS, Role("U1", is_admin=True), False),
    ],
)
def test_who_may_start(rule: StartRule, role: Role, refused: bool) -> None:
    refusal = start_refusal(WorkspacePolicy(who_may_start=rule, partners_may_start=True), role)

    assert (refusal is not None) is refused
    if refusal:
        assert "*Who may start meetings*" in refusal and "`/meet settings`" in refusal


def test_a_partner_is_whom_slack_calls_external() -> None:
    partner = Role.of(SlackUser("W3", is_external=True))

    assert not Role.of(SlackUser("U1")).is_partner and partner.is_partner
    assert start_refusal(WorkspacePolicy(), partner) is not None
    assert start_refusal(WorkspacePolicy(partners_may_start=True), partner) is None


def test_a_room_past_the_longest_names_the_last_day_allowed() -> None:
    policy = WorkspacePolicy(max_length_days=30)

    refusal = length_refusal(policy, NOW + timedelta(days=60), now=NOW, given="`--for 60d`")

    assert refusal is not None and "until 2026-01-02" in refusal
    assert length_refusal(policy, NOW + timedelta(days=29), now=NOW, given="x") is None


def test_last_changed_uses_slacks_date_formatting() -> None:
    line = last_changed(Change(by="U0ANA", at=NOW))

    assert (
        line
        == f"Last changed by <@U0ANA> on <!date^{int(NOW.timestamp())}^{{date_short}}|3 Dec 2025>"
    )


def test_records_written_before_a_field_existed_read_as_its_default() -> None:
    assert ChannelDefaults.from_json('{"record": true}') == ChannelDefaults(record=True)
    assert WorkspacePolicy.from_json('{"who_may_start": "nobody"}') == WorkspacePolicy()

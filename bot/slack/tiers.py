"""Slack's published Web API rate limits, as the budgets meetbot paces its calls by. Pure.

Slack applies limits "per API method per app per workspace"
(https://docs.slack.dev/apis/web-api/rate-limits): Tier 2 "20+ per minute", Tier 3 "50+",
Tier 4 "100+", each with some burst it does not size. chat.postMessage is special: "1 message
per second to a specific channel ... limits governing your app's relationship with the entire
workspace above that, limiting posting to several hundred messages per minute"
(https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting). Tiers per method:
slackapi/java-slack-sdk `metadata/web-api/rate_limit_tiers.json`, kept by Slack's SDK team.

We take the floor of each published figure ("20+" is 20, "several hundred" is 300) and a
burst one request below what the fake Slack grants for it (`meetbot_sandbox.slack.rate_limits`),
so jitter between our clock and Slack's never turns a paced call into a 429. A call draws from
every bucket `buckets_for` names; each bucket is shared by all replicas (`bot.slack.pacing`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """`per_minute` on average, up to `burst` at once (a token bucket of `burst` tokens)."""

    per_minute: float
    burst: int

    @property
    def interval(self) -> float:
        """Seconds between two calls at the steady rate."""
        return 60.0 / self.per_minute


# Bursts: Tier 2 "occasional bursts", Tier 3 "sporadic bursts are welcome", Tier 4 "generous
# burst behavior" (rate-limits page); sizes are ours (slackdump, for one, bursts 3 and 4).
TIER_2 = Rate(20, 3)
TIER_3 = Rate(50, 10)
TIER_4 = Rate(100, 20)
# auth.test: "This method allows hundreds of requests per minute"
# (https://docs.slack.dev/reference/methods/auth.test); java-slack-sdk assumes 600.
AUTH_TEST = Rate(600, 20)
# chat.postMessage, one channel: "1 per second; short bursts >1 allowed. If you attempt
# bursts, there is no guarantee that messages will be stored or displayed" (rate-limits page):
# so we never burst in a channel.
POST_PER_CHANNEL = Rate(60, 1)
# chat.postMessage, the whole workspace: "several hundred messages per minute. Generous burst
# behavior is also granted." Kept as a calendar (`Bucket.calendar`): 5 posts in each second.
POST_PER_WORKSPACE = Rate(300, 1)

METHOD_TIERS: dict[str, Rate] = {
    "chat.update": TIER_3,
    "chat.postEphemeral": TIER_4,
    "chat.delete": TIER_3,
    "conversations.open": TIER_3,
    "conversations.join": TIER_3,
    "conversations.info": TIER_3,
    # Lower for commercially distributed non-Marketplace apps created since 2025-05-29
    # (https://docs.slack.dev/changelog/2025/05/29/rate-limit-changes-for-non-marketplace-apps);
    # meetbot reads history only to find its own post after a crash.
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "conversations.members": TIER_4,
    # Meeting notes (issue 16): https://docs.slack.dev/reference/methods/files.getUploadURLExternal
    "files.getUploadURLExternal": TIER_4,
    "files.completeUploadExternal": TIER_4,
    "files.delete": TIER_3,
    "views.open": TIER_4,
    "views.publish": TIER_4,
    "views.update": TIER_4,
    "views.push": TIER_4,
    "users.info": TIER_4,
    # The SDK's list says Tier 2; calls.add's own page has said Tier 3: the lower one.
    "calls.add": TIER_2,
    "calls.update": TIER_2,
    "calls.end": TIER_2,
    "calls.participants.add": TIER_2,
    "calls.participants.remove": TIER_2,
    "auth.test": AUTH_TEST,
}
# A method missing above is paced as Tier 2, the tier "most methods" have (rate-limits page).
DEFAULT = TIER_2


@dataclass(frozen=True)
class Bucket:
    """One limit a call counts against: `name` is unique within a workspace.

    `calendar`: counted per one-second window (at most the rate's share of each second)
    instead of as a token bucket. A token bucket takes turns in order; but a post waiting
    behind its busy channel takes a workspace turn far ahead, and in a token bucket that would
    hold back every post to other channels until then. A calendar lets them use the seconds
    in between."""

    name: str
    rate: Rate
    calendar: bool = False


def buckets_for(method: str, channel: str | None = None) -> tuple[Bucket, ...]:
    """Every limit a call of `method` (to `channel`, for chat.postMessage) counts against."""
    if method == "chat.postMessage":
        per_workspace = Bucket("chat.postMessage", POST_PER_WORKSPACE, calendar=True)
        if channel is None:
            return (per_workspace,)
        return (Bucket(f"chat.postMessage:{channel}", POST_PER_CHANNEL), per_workspace)
    return (Bucket(method, METHOD_TIERS.get(method, DEFAULT)),)

"""Prometheus metrics, on a registry the composition root owns (no global registry)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.slack_requests = Counter(
            "meetbot_slack_requests",
            "Requests from Slack on /slack/events, by HTTP status.",
            ["status"],
            registry=registry,
        )
        self.ack_seconds = Histogram(
            "meetbot_slack_ack_seconds",
            "Time from a Slack request arriving to our answer.",
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=registry,
        )
        self.callbacks = Counter(
            "meetbot_provider_callbacks",
            "Provider callbacks received, by outcome.",
            ["outcome"],
            registry=registry,
        )
        # Signed Daily webhooks answered 200 but not applied (bot.cards.daily_route): "unreadable"
        # (counted once per Daily event id) or "not followed" (every delivery of such a type).
        self.daily_unusable = Counter(
            "meetbot_daily_webhooks_unusable",
            "Signed Daily webhook events meetbot could not use, by event type and reason.",
            ["type", "reason"],
            registry=registry,
        )

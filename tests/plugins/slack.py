"""Fixtures for the fake Slack Web API (owned by the Slack fake work)."""

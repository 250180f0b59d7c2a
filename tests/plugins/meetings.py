"""Fixtures for the Meetings API client (owned by the client work)."""

"""Fixtures for the Meetings API emulator (owned by the emulator work)."""

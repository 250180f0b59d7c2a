"""Daily (daily.co): the live room provider behind `bot.domain.rooms.RoomProvider` (issue 9).

`client.DailyClient` speaks Daily's REST API (errors mapped by type in `responses`, every call
taken from the account's shared budget, `DAILY_LIMITS`), `provider.DailyProvider` maps it onto
our own types with links whose meeting tokens it signs itself (`tokens`, the domain id from
`domain`), and `webhooks` verifies Daily's signed webhooks and maps them to
`bot.domain.rooms.RoomEvent`; `room_hints` remembers which room a room-less event belongs to.
Daily's documented bodies are kept in tests/fixtures/daily/ (sources in its README).
"""

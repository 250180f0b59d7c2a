"""Daily (daily.co): the live room provider behind `bot.domain.rooms.RoomProvider` (issue 9).

`client.DailyClient` speaks Daily's REST API, `provider.DailyProvider` maps it onto our own
types, and `webhooks` verifies Daily's signed webhooks and maps them to `bot.domain.rooms.RoomEvent`.
"""

"""Channel defaults and workspace policy (issue 17): the records and their Redis store, the
pure checks a start request meets, the `/meet settings` modal, and the use case that opens and
saves it. Listeners: `bot.slack.settings_listeners`; the checks run where starts are acked
(`bot.slack.commands`, `bot.slack.shortcuts`) and run (`bot.meet.service`, `bot.standups.service`).
"""

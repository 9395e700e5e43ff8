"""The Slack edge of the bot: the Bolt app, its listeners, Block Kit builders and UI strings.

Importing this package pulls in nothing from Slack's SDK; ``bot.slack.app`` does, and only `kpi-advisor serve` and
the tests import it, so `kpi-advisor check` stays fast.
"""

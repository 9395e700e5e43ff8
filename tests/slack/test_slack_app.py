import logging

from bot.settings import Settings
from bot.slack.app import create_app
from bot.store import make_engine


def test_building_the_app_with_a_token_in_the_environment_logs_no_warning(monkeypatch, caplog):
    """Bolt warns that SLACK_BOT_TOKEN "will be unused" when a client is given; for us that is by design."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    settings = Settings(
        signing_secret="s", bot_token="xoxb-1", app_token=None, client_id=None, client_secret=None,
        slack_api_url="http://127.0.0.1:9/api/", database_url="sqlite://", port=0,
    )  # fmt: skip
    with caplog.at_level(logging.WARNING):
        create_app(settings, make_engine("sqlite://"))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text

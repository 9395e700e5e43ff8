"""The Bolt app factory: an AsyncApp with our listeners, a Web API client with retries, and single- or multi-
workspace authorisation.

Why async: every Slack request must be acknowledged within 3 s, and the sync Bolt adapters hold a thread (or the
event loop) per request while polling for the ack; AsyncApp under uvicorn answers hundreds of requests per second
on one core, and the synchronous database work runs on worker threads (``BotContext.db``).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.settings import Settings
from bot.slack.context import BotContext, log_failure
from bot.slack.listeners import register_listeners

log = logging.getLogger(__name__)


def make_web_client(settings: Settings) -> AsyncWebClient:
    """A Web API client for ``SLACK_API_URL`` that retries on rate limits (honouring Retry-After) and dropped
    connections. Listeners only call it after acknowledging, so those retries never delay an ack.

    It holds no token: Bolt gives each request a copy carrying the token its authorisation found.
    """
    return AsyncWebClient(
        base_url=settings.slack_api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )


class SingleWorkspaceAuthorize(AsyncAuthorize):
    """Authorisation for one bot token: auth.test once (at start-up via ``check``), then the cached answer.

    Bolt's default would call auth.test on the first request, before its ack; doing it at start-up also turns a
    revoked or mistyped token into a clear start-up error instead of a bot that silently never answers. Being an
    ``AsyncAuthorize`` (not a plain function) spares every request Bolt's argument matching for callables.
    """

    def __init__(self, client: AsyncWebClient, token: str) -> None:
        self._client = client
        self._token = token
        self._identity: Any = None
        self._lock = asyncio.Lock()

    async def check(self) -> Any:
        """Call auth.test (once) and return its answer; raises SlackApiError for a refused token."""
        async with self._lock:
            if self._identity is None:
                self._identity = await self._client.auth_test(token=self._token)
            return self._identity

    async def __call__(self, *, user_id: str | None = None, **_: Any) -> AuthorizeResult:
        identity = self._identity or await self.check()
        return AuthorizeResult(
            enterprise_id=identity.get("enterprise_id"),
            team_id=identity.get("team_id"),
            bot_id=identity.get("bot_id"),
            bot_user_id=identity.get("user_id"),
            bot_token=self._token,
            user_id=user_id,  # the person behind the request, not the bot
            bot_scopes=identity.headers.get("x-oauth-scopes"),
        )


class _TokenFromEnvironmentNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when ``authorize`` and a token-less client are given,
    then warns that the token "will be unused" at every start of every worker. Unused is what we intend (the
    authorizer hands the token to each request's client), so the warning only misleads whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


class _UnhandledRequestNotice(logging.Filter):
    """Bolt's warning for a request no listener takes quotes parts of its body (ids, the type, what was typed into
    a menu) and a page of sample code. The log keeps one fixed line: whoever can sign a request could otherwise
    write whatever they like into it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Unhandled request"):
            record.msg, record.args = "no listener for a signed request: answered 404", None
        return True


_BOLT_LOG = logging.getLogger("bot.slack.bolt")
_BOLT_LOG.addFilter(_TokenFromEnvironmentNotice())
_BOLT_LOG.addFilter(_UnhandledRequestNotice())

_AUTHORIZERS: weakref.WeakKeyDictionary[AsyncApp, SingleWorkspaceAuthorize] = weakref.WeakKeyDictionary()


def create_app(settings: Settings, engine: Engine, client: AsyncWebClient | None = None) -> AsyncApp:
    """Build the app: listeners registered, authorisation configured, nothing started."""
    client = client or make_web_client(settings)
    common: dict[str, Any] = {
        "client": client,
        "signing_secret": settings.signing_secret or None,
        # The response goes out as soon as a listener returns (no 10 ms ack polling); listeners put everything
        # slow behind the ack with BotContext.after_ack.
        "process_before_response": True,
        # Over HTTP the gate (bot.slack.gate) verifies every request before dispatching it; Bolt's own check would
        # repeat it and, on failure, log the unsigned body in full. Socket Mode needs no signature.
        "request_verification_enabled": False,
        # Middleware for features we do not use (workflow functions, AI assistant threads): less work per request.
        "attaching_function_token_enabled": False,
        "attaching_conversation_kwargs_enabled": False,
        "ignoring_self_assistant_message_events_enabled": False,
        "logger": _BOLT_LOG,
    }
    if settings.oauth:
        from bot.slack.oauth import oauth_settings

        app = AsyncApp(oauth_settings=oauth_settings(settings, engine), **common)
    else:
        token = settings.bot_token or ""
        authorizer = SingleWorkspaceAuthorize(client, token)
        app = AsyncApp(authorize=authorizer, **common)
        _AUTHORIZERS[app] = authorizer
    bot = BotContext(engine=engine)
    register_listeners(app, bot)

    @app.error
    async def log_error(error: Exception, body: dict) -> None:
        log_failure(log, f"a listener for {body.get('type') or body.get('command')}", error)

    return app


async def check_token(app: AsyncApp) -> str | None:
    """In single-workspace mode, verify the bot token with auth.test and return the team id (None in OAuth mode)."""
    authorizer = _AUTHORIZERS.get(app)
    if authorizer is None:
        return None
    identity = await authorizer.check()
    return identity.get("team_id")

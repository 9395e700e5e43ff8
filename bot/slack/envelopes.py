"""What a Slack request body may look like before Bolt sees it: parsed once, cleaned, and checked against the shape
of every request type the app handles.

Bolt guesses a body's format (JSON when it starts with ``{``, an interaction when the text merely contains the word
"payload" — so `/kpi check payload …` became an empty request) and reads fields such as ``team.id``,
``authorizations[0]`` or ``actions[0].action_id`` without checking their types, so a malformed body raised inside
Bolt and became a 500. Here the body is read by its declared content type only, and the fields Bolt and the
listeners rely on are declared as pydantic models; anything else gets a 400 that names the field (never its value).

The models check structure, not meaning: whether a button value or a date is one of ours is each listener's job.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, TypeAdapter, ValidationError

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
FORM_FIELDS_MAX = 100  # a slash command has about a dozen; an interaction one (payload)
REPLACEMENT = "\ufffd"

# A JSON string escape that decodes to NUL or to half of a surrogate pair (a lone one cannot be stored or sent).
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BadBody(ValueError):
    """A body that is not a Slack request of a kind we handle; the message says why, for the 400 answer."""

    status = 400


class UnsupportedContentType(BadBody):
    """Slack sends only form-encoded or JSON bodies."""

    status = 415


# Slack's ids (T…, U…, W…, C…, D…, G…, E…, B…) are upper-case letters and digits; the store keeps them in
# 32-character columns, so a longer or stranger one is refused here rather than by PostgreSQL after the ack.
SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,32}$")]
# Where answers go after the ack: a URL, or every later respond() fails with no word to the person.
ResponseUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/]+/\S*$")]


class _Shape(BaseModel):
    """Fields are checked for type only where declared; Slack adds fields all the time, so extras are allowed."""

    model_config = ConfigDict(extra="allow", strict=True)


class _Ref(_Shape):
    id: SlackId | None = None
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None


class _Authorization(_Shape):
    team_id: SlackId | None = None
    user_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    is_enterprise_install: bool | None = None


class _View(_Shape):
    id: SlackId | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    team_id: SlackId | None = None
    app_installed_team_id: SlackId | None = None


class _State(_Shape):
    values: dict[str, dict[str, dict[str, Any]]]


class _SubmittedView(_View):
    type: str
    callback_id: str
    state: _State


class _ResponseUrl(_Shape):
    response_url: ResponseUrl


class _Action(_Shape):
    action_id: str
    block_id: str | None = None


class _RevokedTokens(_Shape):
    """``tokens_revoked``: the user ids whose user (``oauth``) and bot tokens Slack revoked."""

    oauth: list[SlackId] | None = None
    bot: list[SlackId] | None = None


class _Event(_Shape):
    type: str
    user: SlackId | _Ref | None = None
    channel: SlackId | _Ref | None = None
    channel_type: str | None = None
    text: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    event_ts: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    tab: str | None = None
    team: SlackId | None = None
    user_team: SlackId | None = None
    message: dict[str, Any] | None = None
    previous_message: dict[str, Any] | None = None
    tokens: _RevokedTokens | None = None


class _Envelope(_Shape):
    """What Bolt's context extraction and matchers read in every JSON body (events and interactions)."""

    type: str
    team: SlackId | _Ref | None = None
    user: SlackId | _Ref | None = None
    channel: SlackId | _Ref | None = None
    enterprise: SlackId | _Ref | None = None
    authorizations: list[_Authorization] | None = None
    team_id: SlackId | None = None
    user_id: SlackId | None = None
    channel_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    is_enterprise_install: bool | None = None
    is_ext_shared_channel: bool | None = None
    event: _Event | None = None
    view: _View | None = None
    message: dict[str, Any] | None = None
    container: dict[str, Any] | None = None
    trigger_id: str | None = None
    response_url: ResponseUrl | None = None
    response_urls: list[_ResponseUrl] | None = None
    thread_ts: str | None = None
    callback_id: str | None = None
    actions: list[_Action] | None = None
    # Bolt takes any body with a "command" key for a slash command, whatever its type.
    command: str | None = None
    text: str | None = None


class _UrlVerification(_Envelope):
    type: Literal["url_verification"]
    challenge: str


class _EventCallback(_Envelope):
    type: Literal["event_callback"]
    event: _Event
    event_id: str | None = None


class _BlockActions(_Envelope):
    type: Literal["block_actions"]
    actions: list[_Action] = Field(min_length=1)
    trigger_id: str


class _ViewSubmission(_Envelope):
    type: Literal["view_submission"]
    view: _SubmittedView


class _ViewClosed(_Envelope):
    type: Literal["view_closed"]
    view: _View


class _BlockSuggestion(_Envelope):
    """Options for a select menu: Bolt names the action id and the typed value in its warning when unhandled."""

    type: Literal["block_suggestion"]
    action_id: str
    block_id: str | None = None
    value: str | None = None


class _OtherJson(_Envelope):
    """Request types the app has no listener for (shortcuts, app_rate_limited…): Bolt answers them 404."""

    type: str


class _SlashCommand(_Shape):
    command: str
    text: str = ""
    team_id: SlackId
    user_id: SlackId
    trigger_id: str
    channel_id: SlackId | None = None
    response_url: ResponseUrl | None = None


_KINDS = ("url_verification", "event_callback", "block_actions", "view_submission", "view_closed", "block_suggestion")


def _kind(body: Any) -> str:
    kind = body.get("type") if isinstance(body, dict) else None
    return kind if kind in _KINDS else "other"


# Parts of a pydantic error location that name a union member rather than a field.
_NOT_A_FIELD = (*_KINDS, "other", "str", "constrained-str")
_JSON_BODY: TypeAdapter[Any] = TypeAdapter(
    Annotated[
        Annotated[_UrlVerification, Tag("url_verification")]
        | Annotated[_EventCallback, Tag("event_callback")]
        | Annotated[_BlockActions, Tag("block_actions")]
        | Annotated[_ViewSubmission, Tag("view_submission")]
        | Annotated[_ViewClosed, Tag("view_closed")]
        | Annotated[_BlockSuggestion, Tag("block_suggestion")]
        | Annotated[_OtherJson, Tag("other")],
        Discriminator(_kind),
    ]
)
_FORM_BODY: TypeAdapter[Any] = TypeAdapter(_SlashCommand)


@dataclass(frozen=True)
class SlackBody:
    """A checked request: its kind, the parsed body, and the same body as the JSON text handed on to Bolt."""

    kind: str
    body: dict[str, Any]
    text: str


def read_body(text: str, content_type: str | None) -> SlackBody:
    """Parse ``text`` by its content type, replace what no database or Slack API accepts (NUL, lone surrogates)
    with U+FFFD, and check its shape; raise BadBody with a reason a developer can act on.

    Bolt gets the result as JSON whatever the wire format was: one format it parses without guessing.
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == JSON:
        return _checked(_JSON_BODY, _json_object(text), text, _SUSPECT_ESCAPE.search(text) is not None)
    if media != FORM:
        raise UnsupportedContentType(f"the content type must be {FORM} or {JSON}")
    try:
        fields = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=FORM_FIELDS_MAX))
    except ValueError:
        raise BadBody(f"more than {FORM_FIELDS_MAX} form fields") from None
    if "payload" in fields:
        payload = fields["payload"]
        return _checked(_JSON_BODY, _json_object(payload), payload, _SUSPECT_ESCAPE.search(payload) is not None)
    return _checked(_FORM_BODY, fields, None, "%00" in text or "\x00" in text)


def _checked(shape: TypeAdapter[Any], body: dict[str, Any], json_text: str | None, suspect: bool) -> SlackBody:
    """Clean ``body`` if ``suspect`` (it may hold NUL or lone surrogates), check its shape, and pair it with the
    JSON text for Bolt (``json_text`` as received when nothing changed)."""
    if suspect or json_text is None:
        try:
            body = _cleaned(body) if suspect else body
            json_text = json.dumps(body, ensure_ascii=False)
        except RecursionError:
            raise BadBody("the body is nested too deeply") from None
    try:
        shape.validate_python(body)
    except ValidationError as error:
        # The deepest error names the field best: for "team": {"id": …} it is team.id, not the str alternative.
        first = max(error.errors(include_url=False, include_input=False, include_context=False), key=_depth)
        where = ".".join(str(part) for part in first["loc"] if part not in _NOT_A_FIELD and str(part)[:1] != "_")
        raise BadBody(f"{where or 'body'}: {first['msg']}") from None
    kind = "command" if shape is _FORM_BODY else _kind(body)
    return SlackBody(kind, body, json_text)


def _depth(error: Any) -> int:
    return len(error["loc"])


def _json_object(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except RecursionError:
        raise BadBody("the body is nested too deeply") from None
    except ValueError:
        raise BadBody("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadBody("the body must be a JSON object")
    return body


def _cleaned(value: Any) -> Any:
    """``value`` with every NUL and lone surrogate replaced: PostgreSQL refuses NUL in text, and no UTF-8 encoder
    (psycopg, sqlite3, Slack's API) accepts half a surrogate pair. U+FFFD keeps the spot visible."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value

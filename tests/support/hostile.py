"""A seeded generator of hostile requests to ``POST /slack/events``: every request type the app handles, made
valid, then bent (fields deleted, retyped, nested, huge, strange text), plus unsigned, mis-signed and oversized ones.

Every free text carries ``MARKER``, so a test can check that no body reached the log. Ids and types stay free of it:
Bolt names an unhandled action or callback id in its warning, which is about Slack's ids, not anyone's text.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

from tests.support.fake_slack import (
    BOT_USER_ID,
    HOME_TEAM,
    block_action_payload,
    command_body,
    signed_headers,
    view_submission_payload,
)

MARKER = "HOSTILE-7f3a"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

ACTIONS = ("check_share", "check_save", "check_why", "checkin_value", "checkin_target_ok", "checkin_revise")
ACTIONS += ("checkin_snooze", "unknown_action")
ACTIONS += ("home_add", "home_check", "home_value", "home_open", "home_page", "home_filter", "kpi_edit")
CALLBACKS = ("kpi_add", "kpi_edit", "checkin_value_modal", "checkin_revise_modal", "unknown_modal")
CALLBACKS += ("home_check_goal", "home_checked_goal", "home_value_modal")
SUBCOMMANDS = ("check", "add", "list", "show", "update", "edit", "archive", "cadence", "pause", "resume", "review")
SUBCOMMANDS += ("help", "visa", "lägg till", "", "nonsense")
WEIRD_TEXT = (
    "\ud800",
    "\udfff x",
    "\x00",
    "a\x00b",
    "²:1:en",
    "１２３",
    "٣",
    "9" * 40,
    "-1",
    "1e999",
    "NaN",
    "2027-02-30",
    "1900-01-01",
    "<!channel> <@U0ANN> <#C1|x>",
    "' OR 1=1 --",
    "%00%ff",
    "\u202e\u200b",
    "🙂" * 50,
    "x" * 5000,
    "payload",
    "{",
    "",
    " ",
)
WEIRD_VALUES: tuple[Any, ...] = (None, True, 0, -1, 2**31, 2**63, 2**70, 1.5, [], {}, [[]], {"a": {"b": []}}, "")


EVENT_KINDS = (
    *("app_mention", "message", "message", "app_home_opened", "reaction_added", "app_rate_limited"),
    *("tokens_revoked", "app_uninstalled"),
)


@dataclass(frozen=True)
class HostileRequest:
    """One request: what kind it is (for coverage), the body bytes and headers."""

    kind: str
    body: bytes
    headers: dict[str, str | bytes]


class HostileRequests:
    """Requests for a signing ``secret``, reproducible from ``seed``."""

    def __init__(self, secret: str, seed: int, response_url: str) -> None:
        self.secret = secret
        self.random = random.Random(seed)
        self.response_url = response_url

    def text(self) -> str:
        """Free text: sometimes a goal, sometimes strange, always with the marker."""
        r = self.random
        parts = [r.choice(WEIRD_TEXT) for _ in range(r.randint(0, 3))]
        if r.random() < 0.5:
            parts.append(r.choice(("Get 40 enquiries a month by June", "Öka försäljningen med 10 %", "flere følgere")))
        parts.insert(r.randint(0, len(parts)), MARKER)
        return " ".join(parts)

    def value(self) -> Any:
        r = self.random
        return r.choice((*WEIRD_VALUES, self.text(), f"{r.randint(0, 3)}:{r.randint(0, 3)}:en"))

    def mutate(self, payload: Any, depth: int = 0) -> Any:
        """Change one random spot of ``payload``: delete a key, retype a value, or replace text."""
        r = self.random
        if isinstance(payload, dict) and payload:
            key = r.choice(list(payload))
            roll = r.random()
            if roll < 0.2:
                return {k: v for k, v in payload.items() if k != key}
            if roll < 0.5 or depth > 6:
                return {**payload, key: self.value()}
            return {**payload, key: self.mutate(payload[key], depth + 1)}
        if isinstance(payload, list) and payload:
            index = r.randrange(len(payload))
            return [*payload[:index], self.mutate(payload[index], depth + 1), *payload[index + 1 :]]
        return self.value()

    def signed(self, kind: str, body: str, content_type: str, **sign: Any) -> HostileRequest:
        headers = signed_headers(self.secret, body, content_type=content_type, **sign)
        return HostileRequest(kind, body.encode(), headers)

    def command(self) -> HostileRequest:
        r = self.random
        text = f"{r.choice(SUBCOMMANDS)} {r.choice(('', '1', '#2', '99999999999', '²'))} {self.text()}".strip()
        if r.random() < 0.2:
            text = f"{r.choice(('pause', 'cadence'))} 1 {r.choice(('until 1900-01-01', 'daily 00:00', 'weekly x'))}"
        # A lone surrogate goes on the wire as the bytes it would be (%ED%A0%80), as a hostile client could send it.
        body = command_body("TEXT", response_url=self.response_url).replace(
            "text=TEXT", "text=" + quote_plus(text.encode("utf-8", "surrogatepass"))
        )
        if r.random() < 0.3:  # a form field missing, or one more
            pairs = [p for p in body.split("&") if r.random() > 0.15] + [f"x{r.randint(0, 9)}={r.randint(0, 9)}"]
            return self.signed("slash_command_bent", "&".join(pairs), FORM)
        return self.signed("slash_command", body, FORM)

    def interaction(self, payload: dict, kind: str) -> HostileRequest:
        if self.random.random() < 0.6:
            payload = self.mutate(payload)
        return self.signed(kind, urlencode({"payload": json.dumps(payload)}), FORM)

    def block_action(self) -> HostileRequest:
        r = self.random
        payload = block_action_payload(r.choice(ACTIONS), self.value(), response_url=self.response_url)
        return self.interaction(payload, "block_actions")

    def view_submission(self) -> HostileRequest:
        r = self.random
        values = {
            "name": {"value": {"type": "plain_text_input", "value": self.text()}},
            "goal": {"value": {"type": "plain_text_input", "value": self.text()}},
            "owner": {"value": {"type": "users_select", "selected_user": r.choice(("U0ANN", self.value()))}},
            "target": {"value": {"type": "plain_text_input", "value": r.choice(("12", "1 200", self.text()))}},
            "deadline": {"value": {"selected_date": r.choice(("2027-06-30", "2027-02-30", "1900-01-01", "x"))}},
            "value": {"value": {"type": "plain_text_input", "value": r.choice(("12", self.text()))}},
            "reason": {"value": {"type": "plain_text_input", "value": self.text()}},
            "checkin_time": {"value": {"selected_time": r.choice(("09:00", "99:99", "", None))}},
        }
        meta = {"lang": r.choice(("en", "sv", "nb", "xx")), "number": r.choice((1, 2, 2**40)), "checkin": 1}
        meta["goal"] = self.text()  # what the Home tab's checked-goal form carries on
        metadata = json.dumps(self.mutate(meta) if r.random() < 0.3 else meta)
        payload = view_submission_payload(r.choice(CALLBACKS), values, private_metadata=metadata)
        return self.interaction(payload, "view_submission")

    def view_closed(self) -> HostileRequest:
        payload = view_submission_payload(self.random.choice(CALLBACKS), {})
        payload["type"] = "view_closed"
        return self.interaction(payload, "view_closed")

    def other_interaction(self) -> HostileRequest:
        r = self.random
        kind = r.choice(("shortcut", "message_action", "block_suggestion"))
        payload = {
            "type": kind,
            "team": {"id": HOME_TEAM},
            "user": {"id": "U0ANN"},
            "callback_id": "x",
            "action_id": "y",
            "value": self.text(),
            "trigger_id": "t",
        }
        return self.interaction(payload, kind)

    def event(self) -> HostileRequest:
        r = self.random
        kind = r.choice(EVENT_KINDS)
        if kind == "app_rate_limited":
            body = {"token": "t", "type": "app_rate_limited", "team_id": HOME_TEAM, "minute_rate_limited": 1}
            return self.signed(kind, json.dumps(body), JSON)
        ts = f"{r.randint(1, 10**9)}.{r.randint(0, 999999):06d}"
        event: dict[str, Any] = {"type": kind, "user": "U0ANN", "text": self.text(), "ts": ts, "channel": "D0ANN"}
        if kind == "message":
            event["channel_type"] = r.choice(("im", "channel", "group", None))
            event["channel"] = "D0ANN" if event["channel_type"] == "im" else "C0GENERAL"
            if r.random() < 0.5:
                event["thread_ts"] = ts
        if kind == "app_mention":
            event["text"] = f"<@{BOT_USER_ID}> {event['text']}"
        if kind == "app_home_opened":
            event["tab"] = r.choice(("home", "messages", None))
        if kind == "tokens_revoked":
            event["tokens"] = r.choice(({"bot": [BOT_USER_ID]}, {"oauth": ["U0ANN"]}, {"bot": self.value()}))
        body = {
            "token": "legacy",
            "team_id": HOME_TEAM,
            "api_app_id": "A0KPI",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{uuid.UUID(int=r.getrandbits(128)).hex[:12].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": HOME_TEAM, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        if r.random() < 0.5:
            body = self.mutate(body)
        # ASCII escapes on the wire: a lone surrogate or NUL arrives as \\ud800 or \\u0000, as a hostile sender would.
        return self.signed("event_callback", json.dumps(body), JSON)

    def url_verification(self) -> HostileRequest:
        body = {"token": "t", "challenge": self.random.choice(("abc", self.text())), "type": "url_verification"}
        if self.random.random() < 0.3:
            body = self.mutate(body)
        return self.signed("url_verification", json.dumps(body), JSON)

    def unsigned(self) -> HostileRequest:
        """Requests anyone can send: no or a wrong signature, a bad timestamp, bodies that are not Slack's."""
        r = self.random
        body = r.choice(
            (
                b"text=\xff",
                b"payload=x",
                b"payload=[]",
                b"{not json",
                b"[" * 5000,
                self.command().body,
                json.dumps({"type": "url_verification", "challenge": MARKER}).encode(),
                bytes(r.getrandbits(8) for _ in range(r.randint(0, 300))),
            )
        )
        content_type = r.choice((FORM, JSON, "text/plain", ""))
        ts = str(int(time.time()))
        choice = r.randrange(5)
        if choice == 0:
            headers = {"Content-Type": content_type}
        elif choice == 1:
            headers = {
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": "v0=" + "0" * 64,
            }
        elif choice == 2:
            bad_ts = r.choice(("abc", "1e9", "-5", "", "١٢".encode()))
            headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": bad_ts, "X-Slack-Signature": "v0=x"}
        elif choice == 3:  # signed, but too long ago
            return self.signed("unsigned", body.decode("latin-1"), content_type, timestamp=int(time.time()) - 600)
        else:  # signed, but the body may not be Slack's
            text = body.decode("utf-8", "replace")
            return self.signed("signed_junk", text, content_type or FORM)
        return HostileRequest("unsigned", body, headers)

    def oversized(self) -> HostileRequest:
        return HostileRequest("oversized", MARKER.encode() * (3 * 1024 * 1024 // len(MARKER)), {"Content-Type": FORM})

    def requests(self, count: int) -> Iterator[HostileRequest]:
        """``count`` requests in a reproducible mix (a few oversized ones, since each is 3 MB)."""
        makers = (
            (self.command, 25),
            (self.block_action, 20),
            (self.view_submission, 15),
            (self.view_closed, 3),
            (self.other_interaction, 3),
            (self.event, 20),
            (self.url_verification, 3),
            (self.unsigned, 11),
        )
        weights = [w for _, w in makers]
        for index in range(count):
            if index % 1000 == 999:
                yield self.oversized()
                continue
            maker = self.random.choices([m for m, _ in makers], weights)[0]
            yield maker()

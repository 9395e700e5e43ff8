"""A local fake of Slack's side: the Web API the bot calls, and request signing for what Slack sends the bot.

The fake listens on port 0 (so tests can run in parallel), records every call with its parsed arguments, and
answers ``{"ok": true, ...}`` like Slack. Response URLs point at it too (``/response/<id>``), and so do the upload
URLs of files.getUploadURLExternal (``/upload/<file id>``): the bytes posted there are kept in ``uploads``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
HOME_TEAM = "T0AAA"


@dataclass
class Call:
    """One request the bot made: the API method (or ``response_url``), its arguments and headers."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    """The default listen backlog (5) drops connections when a client opens a hundred at once (the check-in
    fan-out does), and the kernel's SYN retries then stall them for seconds: not a delay Slack would cause."""

    request_queue_size = 1024


class FakeSlack:
    """A threaded HTTP server playing the Slack Web API and response URLs."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.locales: dict[str, str] = {}
        self.failures: dict[str, str] = {}
        self.timezones: dict[str, str] = {}
        # The workspace's members as users.list returns them, served in pages of ``limit`` with a next_cursor.
        self.members: list[dict[str, Any]] = []
        # Messages as Slack keeps them, per channel (oldest first): what conversations.history reads back.
        self.messages: dict[str, list[dict[str, Any]]] = {}
        # With a value, chat.postMessage allows one message per this many seconds per channel, else 429.
        self.post_interval: float | None = None
        self._last_post: dict[str, float] = {}
        self._last_ts = 0.0
        # Files uploaded through files_upload_v2: file id -> the bytes posted to its upload URL.
        self.uploads: dict[str, bytes] = {}
        self._lock = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if parsed.path.startswith("/upload/"):
                    self._upload(parsed.path.rsplit("/", 1)[-1], raw)
                    return
                args: dict[str, Any] = dict(parse_qsl(parsed.query))
                if raw:
                    if "json" in (self.headers.get("Content-Type") or ""):
                        args.update(json.loads(raw))
                    else:
                        args.update(dict(parse_qsl(raw.decode())))
                path = parsed.path.strip("/")
                method = "response_url" if path.startswith("response/") else path.rsplit("/", 1)[-1]
                retry_after = fake.rate_limited(method, args)
                if retry_after is not None:
                    fake.record(Call("rate_limited", {"method": method, **args}, dict(self.headers.items())))
                    data = json.dumps({"ok": False, "error": "ratelimited"}).encode()
                    self.send_response(429)
                    self.send_header("Retry-After", str(retry_after))
                else:
                    body = fake.answer(method, args)
                    fake.record(Call(method, args, dict(self.headers.items())))
                    data = json.dumps(body).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _upload(self, file_id: str, raw: bytes) -> None:
                """Step two of files_upload_v2: the file's bytes, posted to the URL step one gave."""
                fake.uploads[file_id] = raw
                fake.record(Call("file_upload", {"file_id": file_id, "size": len(raw)}, dict(self.headers.items())))
                data = f"OK - {len(raw)}".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle
            do_POST = _handle

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL to give the bot as SLACK_API_URL (ends with a slash)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def response_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/response/{uuid.uuid4().hex}"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method in self.failures:
            return {"ok": False, "error": self.failures[method]}
        if method == "oauth.v2.access":
            return self.installed(args)
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": HOME_TEAM, "team": "Home"}
        if method == "users.info":
            user = args.get("user", "")
            found = {"id": user, "locale": self.locales.get(user, "en-US")}
            if user in self.timezones:
                found["tz"] = self.timezones[user]
            return {"ok": True, "user": found}
        if method == "users.list":
            return self.users_page(args)
        if method == "chat.postMessage":
            return {"ok": True, "channel": args.get("channel"), "ts": self.keep_message(args)}
        if method == "chat.update":
            return self.update_message(args)
        if method == "conversations.history":
            return self.history(args)
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            return {"ok": True, "view": {"id": "V" + uuid.uuid4().hex[:8].upper()}}
        if method == "files.getUploadURLExternal":
            file_id = "F" + uuid.uuid4().hex[:10].upper()
            base = self.url.removesuffix("api/")
            return {"ok": True, "file_id": file_id, "upload_url": f"{base}upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = json.loads(args.get("files") or "[]")
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        return {"ok": True}

    def installed(self, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: the code ``<team id>-<anything>`` installs the app into that team."""
        team = str(args.get("code", "")).split("-", 1)[0]
        return {
            "ok": True,
            "app_id": "A0FAKE",
            "authed_user": {"id": "U0INSTALLER"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": f"xoxb-{team}-installed",
            "bot_user_id": BOT_USER_ID,
            "team": {"id": team, "name": f"Team {team}"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def users_page(self, args: dict[str, Any]) -> dict[str, Any]:
        """users.list: ``limit`` members from the ``cursor`` on, and the cursor of the next page (empty at the end)."""
        start = int(args.get("cursor") or 0)
        limit = max(1, int(args.get("limit") or 100))
        page = self.members[start : start + limit]
        after = start + limit
        cursor = str(after) if after < len(self.members) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def rate_limited(self, method: str, args: dict[str, Any]) -> int | None:
        """Seconds to wait (for Retry-After) when this post comes too soon after the channel's last one."""
        if method != "chat.postMessage" or self.post_interval is None:
            return None
        channel = str(args.get("channel"))
        with self._lock:
            now = time.monotonic()
            last = self._last_post.get(channel)
            if last is not None and now - last < self.post_interval:
                return max(1, math.ceil(self.post_interval - (now - last)))
            self._last_post[channel] = now
            return None

    def keep_message(self, args: dict[str, Any]) -> str:
        """Store a posted message (with its metadata, as Slack does) and return its unique ts."""
        with self._lock:
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            ts = f"{self._last_ts:.6f}"
            message = {"type": "message", "ts": ts, "text": args.get("text"), "blocks": args.get("blocks")}
            for key in ("metadata", "thread_ts"):
                if args.get(key):
                    value = args[key]
                    message[key] = json.loads(value) if isinstance(value, str) else value
            self.messages.setdefault(str(args.get("channel")), []).append(message)
            return ts

    def update_message(self, args: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            for message in self.messages.get(str(args.get("channel")), []):
                if message["ts"] == args.get("ts"):
                    message.update(text=args.get("text"), blocks=args.get("blocks"))
                    return {"ok": True, "channel": args.get("channel"), "ts": message["ts"]}
        return {"ok": False, "error": "message_not_found"}

    def history(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.history: newest first, since ``oldest``; metadata only with include_all_metadata."""
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        oldest = float(args.get("oldest") or 0)
        with self._lock:
            found = [dict(m) for m in self.messages.get(str(args.get("channel")), []) if float(m["ts"]) >= oldest]
        for message in found:
            if not with_metadata:
                message.pop("metadata", None)
        return {"ok": True, "messages": list(reversed(found)), "has_more": False}

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until ``count`` calls of ``method`` arrived (the bot makes them after acknowledging)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} {method} call(s) within {timeout}s; saw {seen}")
                self._lock.wait(left)
            return [c for c in self.calls if c.method == method]

    def settle(self, seconds: float = 0.5) -> None:
        """Give the bot time to make calls it should NOT make (used before asserting that none came)."""
        time.sleep(seconds)


def signed_headers(secret: str, body: str, *, timestamp: int | None = None, content_type: str | None = None) -> dict:
    """The headers Slack sends: ``X-Slack-Signature`` = v0=HMAC-SHA256(secret, "v0:{ts}:{body}")."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type or "application/x-www-form-urlencoded",
    }


def command_body(
    text: str,
    *,
    team_id: str = HOME_TEAM,
    user_id: str = "U0ANN",
    channel_id: str = "C0GENERAL",
    response_url: str = "https://hooks.example/response",
    command: str = "/kpi",
) -> str:
    """A slash command as Slack posts it (form-encoded)."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": team_id,
            "team_domain": team_id.lower(),
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0KPI",
            "response_url": response_url,
            "trigger_id": f"trigger.{uuid.uuid4().hex}",
        }
    )


def interaction_body(payload: dict) -> str:
    """An interaction (block_actions, view_submission) as Slack posts it: form field ``payload`` holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


def block_action_payload(
    action_id: str,
    value: str,
    *,
    team_id: str = HOME_TEAM,
    user_id: str = "U0ANN",
    channel_id: str = "C0GENERAL",
    response_url: str = "https://hooks.example/response",
    thread_ts: str | None = None,
) -> dict:
    """A button press; with ``thread_ts``, on a message the bot posted in that thread (as the coach's buttons are)."""
    in_thread: dict[str, Any] = {}
    if thread_ts:
        message_ts = f"{time.time():.6f}"
        container = {"type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": False}
        in_thread = {
            "container": {**container, "thread_ts": thread_ts},
            "message": {"type": "message", "ts": message_ts, "thread_ts": thread_ts, "text": ""},
        }
    return {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "a"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0KPI",
        "container": {"type": "message", "is_ephemeral": True, "channel_id": channel_id},
        "channel": {"id": channel_id, "name": "general"},
        "trigger_id": f"trigger.{uuid.uuid4().hex}",
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "check_actions", "value": value}],
        **in_thread,
    }


def view_submission_payload(
    callback_id: str, values: dict, *, private_metadata: str = "", team_id: str = HOME_TEAM, user_id: str = "U0ANN"
) -> dict:
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "a"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0KPI",
        "trigger_id": f"trigger.{uuid.uuid4().hex}",
        "view": {
            "id": "V0MODAL",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
            "team_id": team_id,
        },
    }


def event_body(event: dict, *, event_id: str, team_id: str = HOME_TEAM) -> str:
    """An Events API callback (JSON)."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team_id,
            "api_app_id": "A0KPI",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    )


def member(user_id: str, handle: str, real_name: str, display_name: str = "", **extra: Any) -> dict[str, Any]:
    """A workspace member in users.list's shape."""
    profile = {"real_name": real_name, "display_name": display_name}
    return {"id": user_id, "name": handle, "real_name": real_name, "deleted": False, "profile": profile, **extra}


def form_values(**fields: Any) -> dict:
    """Modal state values in Slack's shape for our KPI form (block id → {"value": element state})."""
    values: dict[str, Any] = {}
    for block_id, state in fields.items():
        values[block_id] = {"value": state}
    return values


def view_action_payload(
    action_id: str,
    value: str,
    *,
    view_type: str = "home",
    private_metadata: str = "",
    team_id: str = HOME_TEAM,
    user_id: str = "U0ANN",
    selected_option: str | None = None,
) -> dict:
    """A button pressed (or a menu option chosen) inside a view: the Home tab or a modal. Such a payload has the
    view, no channel and no response_url."""
    action: dict[str, Any] = {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
    if selected_option is not None:
        action = {"type": "static_select", "action_id": action_id, "block_id": "b"}
        action["selected_option"] = {"text": {"type": "plain_text", "text": selected_option}, "value": selected_option}
    return {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "a"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0KPI",
        "container": {"type": "view", "view_id": "V0HOME"},
        "view": {"id": "V0HOME", "type": view_type, "private_metadata": private_metadata, "team_id": team_id},
        "trigger_id": f"trigger.{uuid.uuid4().hex}",
        "actions": [action],
    }

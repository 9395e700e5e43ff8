"""Black box: `kpi-advisor serve --port N` as a real process, Slack's side played over real HTTP.

Signed slash commands, interactions and Events API callbacks go to the running server; its Web API calls go to a
fake Slack (SLACK_API_URL). Nothing of the bot is imported here except through the command line.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

import httpx
import pytest

from tests.support.fake_slack import (
    FakeSlack,
    block_action_payload,
    command_body,
    event_body,
    interaction_body,
    signed_headers,
)
from tests.support.serving import KPI_ADVISOR, serving
from tests.support.serving import free_port as _free_port

SECRET = "blackbox-signing-secret"


def _env(fake: FakeSlack, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN="xoxb-blackbox",
        SLACK_API_URL=fake.url,
        DATABASE_URL=f"sqlite:///{db}",
        **extra,
    )
    return env


class Bot:
    def __init__(self, base: str, fake: FakeSlack) -> None:
        self.http = httpx.Client(base_url=base, timeout=10)
        self.fake = fake

    def post(self, body: str, *, content_type: str | None = None, headers: dict | None = None, **sign):
        signed = signed_headers(SECRET, body, content_type=content_type, **sign)
        return self.http.post("/slack/events", content=body.encode(), headers={**signed, **(headers or {})})

    def command(self, text: str, **fields) -> httpx.Response:
        return self.post(command_body(text, response_url=self.fake.response_url(), **fields))

    def answer(self, text: str, **fields) -> str:
        response = self.command(text, **fields)
        assert response.status_code == 200, response.text
        return json.dumps(response.json(), ensure_ascii=False)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    fake = FakeSlack().start()
    try:
        with serving(_env(fake, tmp_path_factory.mktemp("blackbox") / "kpi.db")) as served:
            yield Bot(served.base, fake)
    finally:
        fake.stop()


def test_migrations_ran_and_health_is_reported(bot: Bot) -> None:
    assert bot.http.get("/healthz").json() == {"database": "ok"}


def test_help_and_check(bot: Bot) -> None:
    assert "/kpi check" in bot.answer("help")
    verdict = bot.answer("check Get 500 likes on our Instagram posts by the end of March")
    assert "/100" in verdict and "check_save" in verdict


def test_add_list_show_update_and_unknown(bot: Bot) -> None:
    assert "#1" in bot.answer("add Grow online sales from 120 to 150 orders per month by Q3 2027", team_id="TBOXA")
    assert "#1" in bot.answer("list", team_id="TBOXA")
    assert "Recorded" in bot.answer("update 1 130 first week", team_id="TBOXA")
    shown = bot.answer("show #1", team_id="TBOXA")
    assert "130" in shown and "first week" in shown
    assert "no KPI #42" in bot.answer("show 42", team_id="TBOXA")
    assert "not a number" in bot.answer("update 1 many", team_id="TBOXA")
    assert "/kpi help" in bot.answer("dance", team_id="TBOXA")


def test_another_workspace_can_neither_read_nor_write(bot: Bot) -> None:
    bot.answer("add Get 40 enquiries a month by June", team_id="TBOXC", user_id="U0CAT")
    for text in ("show 1", "update 1 999", "archive 1", "edit 1"):
        assert "no KPI #1" in bot.answer(text, team_id="TBOXD", user_id="U0CAT"), text
    shown = bot.answer("show 1", team_id="TBOXC")
    assert "999" not in shown and "archived" not in shown


def test_bad_and_stale_signatures_get_401_and_change_nothing(bot: Bot) -> None:
    body = command_body("add Sneaky goal of 10 leads", team_id="TBOXE")
    forged = signed_headers("wrong-secret", body)
    assert bot.http.post("/slack/events", content=body, headers=forged).status_code == 401
    assert bot.post(body, timestamp=int(time.time()) - 3600).status_code == 401
    assert "No KPIs" in bot.answer("list all", team_id="TBOXE")


def test_mention_and_dm_answered_in_their_threads_once(bot: Bot) -> None:
    before = len(bot.fake.of("chat.postMessage"))
    mention = {
        "type": "app_mention",
        "user": "U0ANN",
        "text": "<@UBOT0001> Fler följare <!channel>",
        "ts": "1700000001.000200",
        "channel": "C0BOX",
    }
    assert bot.post(event_body(mention, event_id="EvBox1"), content_type="application/json").status_code == 200
    posted = bot.fake.wait_for("chat.postMessage", before + 1)[-1].args
    assert posted["thread_ts"] == "1700000001.000200" and "<!channel>" not in json.dumps(posted)
    dm = {
        "type": "message",
        "channel_type": "im",
        "user": "U0ANN",
        "text": "Double newsletter sign-ups",
        "ts": "1700000002.000300",
        "channel": "D0BOX",
    }
    bot.post(event_body(dm, event_id="EvBox2"), content_type="application/json")
    posted = bot.fake.wait_for("chat.postMessage", before + 2)[-1].args
    assert posted["channel"] == "D0BOX" and posted["thread_ts"] == "1700000002.000300"
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    for event_id, event in (("EvBox1", mention), ("EvBox2", dm)):
        response = bot.post(event_body(event, event_id=event_id), content_type="application/json", headers=retry)
        assert response.status_code == 200
    bot.fake.settle(1.0)
    assert len(bot.fake.of("chat.postMessage")) == before + 2


def test_interaction_button_answers_through_the_response_url(bot: Bot) -> None:
    from bot.slack.blocks.check import button_value  # the value format is the bot's own; reuse it

    before = len(bot.fake.of("response_url"))
    payload = block_action_payload("check_why", button_value("Fler följare"), response_url=bot.fake.response_url())
    assert bot.post(interaction_body(payload)).status_code == 200
    assert "Målmodellen" in json.dumps(bot.fake.wait_for("response_url", before + 1)[-1].args, ensure_ascii=False)


def test_a_45000_character_goal_is_answered(bot: Bot) -> None:
    goal = ("Increase booked appointments from 40 to 60 per week by September <!here> " * 700)[:45_000]
    started = time.monotonic()
    response = bot.command(f"check {goal}")
    assert response.status_code == 200 and time.monotonic() - started < 3
    answer = response.json()
    assert len(answer["blocks"]) <= 50
    for block in answer["blocks"]:  # rendered text only: button values carry the goal back to us, unrendered
        shown = {k: v for k, v in block.items() if k != "elements"}
        assert "<!here>" not in json.dumps(shown) and len(json.dumps(shown)) < 3500


def test_missing_or_refused_configuration_stops_serve_with_one_line(tmp_path: Path) -> None:
    fake = FakeSlack().start()
    try:
        env = _env(fake, tmp_path / "kpi.db")
        del env["SLACK_SIGNING_SECRET"]
        missing = subprocess.run(
            [str(KPI_ADVISOR), "serve", "--port", "0"], env=env, capture_output=True, text=True, timeout=60
        )
        assert missing.returncode == 2 and missing.stderr.strip().count("\n") == 0
        assert "SLACK_SIGNING_SECRET" in missing.stderr and "Traceback" not in missing.stderr
        fake.failures["auth.test"] = "invalid_auth"
        refused = subprocess.run(
            [str(KPI_ADVISOR), "serve", "--port", str(_free_port())],
            env=_env(fake, tmp_path / "kpi.db"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == 2 and "invalid_auth" in refused.stderr
        assert refused.stderr.strip().splitlines()[-1].startswith("error:") and "Traceback" not in refused.stderr
        rules = tmp_path / "team-rules"
        rules.mkdir()
        (rules / "broken.yml").write_text("severity: loud\n", encoding="utf-8")
        broken = subprocess.run(
            [str(KPI_ADVISOR), "serve", "--port", str(_free_port())],
            env={**_env(fake, tmp_path / "kpi.db"), "KPI_ADVISOR_RULES_DIR": str(rules)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert broken.returncode == 2 and broken.stderr.strip().count("\n") == 0
        assert "broken.yml:1" in broken.stderr and "Traceback" not in broken.stderr
    finally:
        fake.stop()


def test_db_upgrade_command(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    done = subprocess.run([str(KPI_ADVISOR), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "revision" in done.stdout and (tmp_path / "new.db").exists()


def _worker_processes(pid: int) -> set[int]:
    """Children of ``pid`` started by multiprocessing's spawn (its resource tracker aside)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status and b"spawn_main" in command:
                found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts worker processes through /proc (Linux)")
def test_several_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    fake = FakeSlack().start()
    try:
        with serving(_env(fake, tmp_path / "kpi.db"), "--workers", "2") as served:
            deadline = time.monotonic() + 60
            workers = _worker_processes(served.process.pid)
            while len(workers) < 2:
                assert time.monotonic() < deadline, "two workers did not come up within 60 s"
                time.sleep(0.2)
                workers = _worker_processes(served.process.pid)
            bot = Bot(served.base, fake)
            for n in range(10):  # a new connection each time, so the kernel spreads them over the workers
                bot.http = httpx.Client(base_url=served.base, timeout=10)
                assert f"#{n + 1}" in bot.answer(f"add Get {40 + n} enquiries a month by June", team_id="TWORK")
            assert "#10" in bot.answer("list", team_id="TWORK")
    finally:
        fake.stop()
    assert served.exit_code == 0, served.output
    assert "Traceback" not in served.output and "ERROR" not in served.output, served.output
    assert not [pid for pid in workers if _running(pid)], "a worker outlived serve"


def test_oauth_install_then_the_new_workspace_is_served(tmp_path: Path) -> None:
    """Multi-workspace mode: /slack/install hands out a state, the redirect exchanges the code for a bot token and
    stores the installation; requests from that workspace are then authorised from the store, others are not."""
    fake = FakeSlack().start()
    env = _env(fake, tmp_path / "kpi.db", SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="oauth-secret")
    del env["SLACK_BOT_TOKEN"]
    try:
        with serving(env) as served:
            browser = httpx.Client(base_url=served.base, timeout=10, follow_redirects=False)
            install = browser.get("/slack/install")
            assert install.status_code == 200
            authorize_url = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', install.text)
            assert authorize_url, install.text[:500]
            query = dict(parse_qsl(urlparse(html.unescape(authorize_url.group(1))).query))
            assert query["client_id"] == "111.222" and "commands" in query["scope"]

            # The state cookie is marked Secure (Slack requires https in production); send it back by hand.
            cookie = {"Cookie": install.headers["set-cookie"].split(";", 1)[0]}
            for forged in ({"state": "forged"}, {"state": query["state"], "cookie": None}):
                headers = {} if "cookie" in forged else cookie
                params = {"code": "TNEW1-x", "state": forged["state"]}
                assert browser.get("/slack/oauth_redirect", params=params, headers=headers).status_code >= 400
            assert not fake.of("oauth.v2.access")
            params = {"code": "TNEW1-x", "state": query["state"]}
            finished = browser.get("/slack/oauth_redirect", params=params, headers=cookie)
            assert finished.status_code == 200, finished.text[:500]
            assert fake.of("oauth.v2.access")

            bot = Bot(served.base, fake)
            assert "#1" in bot.answer("add Get 40 enquiries a month by June", team_id="TNEW1")
            posted = bot.command("check Get 500 likes", team_id="TNOTINSTALLED")
            assert "#" not in posted.text and "/100" not in posted.text
    finally:
        fake.stop()


def _install_through_oauth(served_base: str, fake: FakeSlack, team: str) -> None:
    """Click through /slack/install and Slack's redirect as the installing admin of ``team`` would."""
    browser = httpx.Client(base_url=served_base, timeout=10, follow_redirects=False)
    install = browser.get("/slack/install")
    authorize_url = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', install.text)
    assert authorize_url, install.text[:500]
    state = dict(parse_qsl(urlparse(html.unescape(authorize_url.group(1))).query))["state"]
    cookie = {"Cookie": install.headers["set-cookie"].split(";", 1)[0]}
    finished = browser.get("/slack/oauth_redirect", params={"code": f"{team}-x", "state": state}, headers=cookie)
    assert finished.status_code == 200, finished.text[:500]


def _run_due(env: dict[str, str], days_ahead: int) -> str:
    now = (datetime.now(UTC) + timedelta(days=days_ahead)).isoformat()
    done = subprocess.run(
        [str(KPI_ADVISOR), "checkins", "run-due", "--now", now], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_uninstall_stops_the_workspaces_checkins_and_a_new_install_resumes_them(tmp_path: Path) -> None:
    """OAuth mode, as Slack plays it: a workspace installs the app and adds a KPI; Slack sends app_uninstalled and
    tokens_revoked; the workspace's token is gone from the store, its requests are refused and the scheduler posts
    nothing for it, while another workspace's check-in still goes out. Installing again brings its check-ins back."""
    fake = FakeSlack().start()
    env = _env(fake, tmp_path / "kpi.db", SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="oauth-secret")
    del env["SLACK_BOT_TOKEN"]
    try:
        with serving(env, "--no-checkins") as served:
            bot = Bot(served.base, fake)
            for team in ("TGOING", "TSTAYS"):
                _install_through_oauth(served.base, fake, team)
                assert "#1" in bot.answer("add Get 40 enquiries a month by June", team_id=team, channel_id=f"C{team}")
            for event in ({"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"bot": ["U0KPIBOT"]}}):
                body = event_body(event, event_id=f"Ev{event['type'].upper().replace('_', '')}", team_id="TGOING")
                assert bot.post(body, content_type="application/json").status_code == 200
            refused = bot.command("list", team_id="TGOING")
            assert "#1" not in refused.text

            summary = _run_due(env, 8)  # not even claimed and skipped: the workspace has no due times any more
            assert "posted 1," in summary and "skipped 0," in summary, summary
            posted = [call.args.get("channel") for call in fake.of("chat.postMessage") if call.args.get("metadata")]
            assert posted == ["CTSTAYS"]

            _install_through_oauth(served.base, fake, "TGOING")
            assert "#1" in bot.answer("list", team_id="TGOING")  # the register was kept
            assert "posted 2," in _run_due(env, 15)
            posted = [call.args.get("channel") for call in fake.of("chat.postMessage") if call.args.get("metadata")]
            assert sorted(posted[1:]) == ["CTGOING", "CTSTAYS"]
        assert "Traceback" not in served.output
    finally:
        fake.stop()


def test_the_log_never_holds_a_token_or_a_secret(tmp_path: Path) -> None:
    """Debug logging on, failures provoked (a refused signature, Slack refusing a call, an unknown KPI): the secrets
    the process was given appear nowhere in what it printed."""
    token, secret = "xoxb-1234567890-SECRETTOKENVALUE", "0123456789abcdef-signing-secret"
    fake = FakeSlack().start()
    try:
        env = {**_env(fake, tmp_path / "kpi.db"), "SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": secret}
        with serving(env, "--log-level", "debug") as served:
            base = served.base
            body = command_body("check Get 40 bookings a month by June")
            signed = signed_headers(secret, body, content_type=None)
            assert httpx.post(f"{base}/slack/events", content=body.encode(), headers=signed).status_code == 200
            forged = signed_headers("not-the-secret", body, content_type=None)
            assert httpx.post(f"{base}/slack/events", content=body.encode(), headers=forged).status_code == 401
            fake.failures["chat.postMessage"] = "not_in_channel"
            show = command_body("show 999")
            httpx.post(
                f"{base}/slack/events", content=show.encode(), headers=signed_headers(secret, show, content_type=None)
            )
            assert "kpi_requests_total" in httpx.get(f"{base}/metrics").text
        assert served.output, "the server printed nothing: the check below would prove nothing"
        assert token not in served.output and secret not in served.output
        assert "SECRETTOKENVALUE" not in served.output
    finally:
        fake.stop()

"""The processes bench/scale.py measures, one mode each (never run by hand):

    scale_child.py idle URL NOW CAPTURE               one tick when nothing is due: wall time and peak RSS
    scale_child.py plan URL NOW CAPTURE               claim the whole burst in batches and read each batch's history
    scale_child.py post URL NOW API START CAPTURE     one replica posting the burst (``run_due``), starting at START
    scale_child.py fake                               the fake Web API: prints its URL, then serves

A measured mode prints one JSON line; CAPTURE receives the distinct statements it issued (for EXPLAIN).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import pickle
import resource
import socket
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from bot.checkins.runner import run_due
from bot.checkins.tick import CLAIM_BATCH, claim_batch, worker_name
from bot.cli import _run_event_loop
from bot.settings import Settings
from bot.store import make_engine
from tests.support.explain import capture_statements

POST_INTERVAL = 1.0  # Slack: about one chat.postMessage per second per channel


def settings(url: str, api: str) -> Settings:
    """Multi-workspace (OAuth) mode: every team's bot token comes from the installation store."""
    from bench.scale_parts import CLIENT_ID

    return Settings("", None, None, CLIENT_ID, "secret", api, url, 0)


def rss_mb() -> float:
    """Peak RSS of this process (VmHWM). Not getrusage's ru_maxrss: that survives execve, so a child forked from
    the seeding parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def save(path: str, statements: list) -> None:
    distinct = {}
    for sql, params in statements:
        distinct.setdefault(sql, params)
    Path(path).write_bytes(pickle.dumps(list(distinct.items())))


def measured(mode: str, url: str, now: datetime, capture: str, api: str = "http://127.0.0.1:9/api/") -> dict:
    engine = make_engine(url)
    with capture_statements(engine) as statements:
        if mode == "idle":
            started = time.perf_counter()
            summary = _run_event_loop_result(run_due(settings(url, api), engine, now=now))
            cold = time.perf_counter() - started
            started = time.perf_counter()
            _run_event_loop_result(run_due(settings(url, api), engine, now=now))
            result = {"tick_s": cold, "warm_tick_s": time.perf_counter() - started, "summary": summary.line()}
        else:  # plan
            worker, claimed, batches = worker_name(), 0, 0
            started = time.perf_counter()
            while True:
                batch, _ = claim_batch(engine, None, now, worker, CLAIM_BATCH)
                if not batch.looked_at:
                    break
                claimed += len(batch.claimed)
                batches += 1
            result = {"tick_s": time.perf_counter() - started, "claimed": claimed, "batches": batches}
    save(capture, statements)
    engine.dispose()
    return {**result, "rss_mb": rss_mb()}


def _run_event_loop_result(coroutine):  # type: ignore[no-untyped-def]
    box = []

    async def keep() -> None:
        box.append(await coroutine)

    _run_event_loop(keep())
    return box[0]


def post(url: str, now: datetime, api: str, start_at: float, capture: str) -> dict:
    engine = make_engine(url)
    with engine.connect():
        pass  # connected before the go, like a replica that is already running
    with capture_statements(engine) as statements:
        time.sleep(max(0.0, start_at - time.time()))
        started = time.time()
        summary = _run_event_loop_result(run_due(settings(url, api), engine, now=now))
        ended = time.time()
    save(capture, statements)
    engine.dispose()
    cpu = os.times()
    return {
        "started": started,
        "ended": ended,
        "cpu_s": cpu.user + cpu.system,
        "summary": summary.line(),
        "rss_mb": rss_mb(),
    }


def fake() -> None:
    """chat.postMessage at one per second per channel (429 + Retry-After beyond it), counting check-in ids."""
    from aiohttp import web

    last_post: dict[str, float] = {}
    seen: Counter[int] = Counter()
    counts = {"posts": 0, "rate_limited": 0, "ts": 0}

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method != "chat.postMessage":
            return web.json_response({"ok": True, "messages": [], "has_more": False})
        body = json.loads(await request.read() or b"{}")
        channel = str(body.get("channel"))
        now = time.monotonic()
        last = last_post.get(channel)
        if last is not None and now - last < POST_INTERVAL:
            counts["rate_limited"] += 1
            wait = max(1, math.ceil(POST_INTERVAL - (now - last)))
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(wait)}
            )
        last_post[channel] = now
        counts["posts"] += 1
        metadata = body.get("metadata") or {}
        if metadata.get("event_type") == "kpi_checkin":
            seen[metadata["event_payload"]["checkin_id"]] += 1
        counts["ts"] += 1
        return web.json_response({"ok": True, "channel": channel, "ts": f"{time.time():.0f}.{counts['ts']:06d}"})

    async def stats(_: web.Request) -> web.Response:
        duplicates = sum(n - 1 for n in seen.values() if n > 1)
        return web.json_response({**counts, "distinct": len(seen), "duplicates": duplicates})

    async def serve() -> None:
        app = web.Application(client_max_size=4 * 1024**2)
        app.router.add_post("/api/{method}", api)
        app.router.add_get("/stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(runner, sock, backlog=4096).start()
        print(f"http://127.0.0.1:{sock.getsockname()[1]}/", flush=True)
        await asyncio.Event().wait()

    _run_event_loop(serve())


def main() -> None:
    mode = sys.argv[1]
    if mode == "fake":
        fake()
        return
    url, now = sys.argv[2], datetime.fromisoformat(sys.argv[3])
    if mode == "post":
        result = post(url, now, sys.argv[4] + "api/", float(sys.argv[5]), sys.argv[6])
    else:
        result = measured(mode, url, now, sys.argv[4])
    print(json.dumps(result))


if __name__ == "__main__":
    main()

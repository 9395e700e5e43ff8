"""How fast the bot answers `/kpi check` over signed HTTP, against a bare Bolt app that only acknowledges.

Run from the repository root:  .venv/bin/python bench/slack_check_throughput.py [--seconds 10] [--clients 20]

Both servers run the same way (AsyncApp + Starlette under uvicorn, one process each, loopback only): the real one
is `kpi-advisor serve` on a temporary SQLite database; the bare one acks `/kpi` with an empty body. Each is driven
by the same number of concurrent clients sending signed `/kpi check <goal>` requests for a fixed time.
Targets (issue #3): real ≥ 80 % of bare throughput, p99 ack latency ≤ 250 ms with 20 clients. Prints, never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fake_slack import FakeSlack, command_body, signed_headers  # noqa: E402

SECRET = "bench-signing-secret"
GOALS = [
    "Get 500 likes on our Instagram posts by the end of March",
    "Grow online sales from 120 to 150 orders per month by Q3 2027",
    "Öka antalet förfrågningar via telefon och mejl från 20 till 35 per månad före sommaren",
    "Øke salget i nettbutikken fra 300 til 400 ordrer per måned innen 1. juni 2027",
    "Improve our social media presence",
    "Höja konverteringsgraden från 1,8 % till 2,5 % under kvartal 3",
]

BARE_APP = """
import os, uvicorn
from slack_bolt.async_app import AsyncApp
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.routing import Route

app = AsyncApp(signing_secret=os.environ["SLACK_SIGNING_SECRET"], token=os.environ["SLACK_BOT_TOKEN"],
               client=AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]))

@app.command("/kpi")
async def kpi(ack):
    await ack()

handler = AsyncSlackRequestHandler(app)

async def events(request):
    return await handler.handle(request)

uvicorn.run(Starlette(routes=[Route("/slack/events", events, methods=["POST"])]), host="127.0.0.1",
            port=int(os.environ["PORT"]), log_level="warning", access_log=False, lifespan="off")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on {port} after {timeout} s")


async def drive(port: int, seconds: float, clients: int) -> tuple[int, list[float], int]:
    """Send signed /kpi check requests from ``clients`` concurrent loops for ``seconds``; latencies in ms."""
    import aiohttp

    url = f"http://127.0.0.1:{port}/slack/events"
    bodies = [command_body(f"check {goal}") for goal in GOALS]
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        # Warm up: the first request triggers auth.test in the bare app and imports in both.
        for body in bodies:
            async with session.post(url, data=body.encode(), headers=signed_headers(SECRET, body)) as response:
                await response.read()
        stop = time.perf_counter() + seconds

        async def client(n: int) -> None:
            nonlocal errors
            i = n
            while time.perf_counter() < stop:
                body = bodies[i % len(bodies)]
                i += 1
                started = time.perf_counter()
                async with session.post(url, data=body.encode(), headers=signed_headers(SECRET, body)) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return int(len(latencies) / elapsed), latencies, errors


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load duration per server (default 10)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    args = parser.parse_args()

    fake = FakeSlack().start()
    workdir = Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": f"sqlite:///{workdir / 'kpi.db'}",
    }
    kpi_advisor = Path(sys.executable).with_name("kpi-advisor")
    results = {}
    for name in ("bare", "real"):
        port = free_port()
        if name == "real":
            command = [str(kpi_advisor), "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        else:
            command = [sys.executable, "-c", BARE_APP]
        process = subprocess.Popen(command, env={**env, "PORT": str(port)}, cwd=workdir)
        try:
            wait_until_listening(port, process)
            results[name] = asyncio.run(drive(port, args.seconds, args.clients))
        finally:
            process.terminate()
            process.wait(timeout=10)
    fake.stop()

    print(f"/kpi check over signed HTTP, {args.clients} concurrent clients, {args.seconds:g} s each, loopback")
    for name, (rate, latencies, errors) in results.items():
        label = "bare Bolt app (ack only)" if name == "bare" else "kpi-advisor serve"
        print(
            f"  {label:26} {rate:6d} req/s   p50 {percentile(latencies, 50):6.1f} ms   "
            f"p99 {percentile(latencies, 99):6.1f} ms   mean {statistics.fmean(latencies):6.1f} ms   "
            f"non-200: {errors}"
        )
    ratio = results["real"][0] / max(1, results["bare"][0])
    p99 = percentile(results["real"][1], 99)
    print(f"  ratio real/bare {ratio:.2f} (target ≥ 0.80), real p99 {p99:.1f} ms (target ≤ 250 ms)")


if __name__ == "__main__":
    main()

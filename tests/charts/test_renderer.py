"""The renderer draws in another process and once per version of a chart."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bot.charts import ChartLabels, TrendChart
from bot.charts.renderer import ChartRenderer

LABELS = ChartLabels("#1 Leads", "Leads", "Date", "Values", "Target", "Baseline", "Deadline", "Trend", "Range", "Moved")
CHART = TrendChart(LABELS, "en", ((datetime(2026, 1, 5), 10.0), (datetime(2026, 1, 12), 14.0)), target=30.0)


def test_each_version_is_drawn_once_even_when_asked_for_at_the_same_time() -> None:
    renderer = ChartRenderer()

    async def run() -> tuple[bytes, ...]:
        first = await asyncio.gather(renderer.png(CHART), renderer.png(CHART), renderer.png(CHART))
        again = await renderer.png(CHART)
        moved = await renderer.png(replace(CHART, target=40.0))
        return (*first, again, moved)

    try:
        a, b, c, again, moved = asyncio.run(run())
    finally:
        renderer.close()
    assert a == b == c == again and a.startswith(b"\x89PNG")
    assert moved != a and renderer.drawn == 2


def test_the_key_changes_with_anything_drawn() -> None:
    assert CHART.key() == replace(CHART).key()
    assert CHART.key() != replace(CHART, values=(*CHART.values, (datetime(2026, 1, 19), 15.0))).key()
    assert CHART.key() != replace(CHART, locale="sv_SE").key()
    assert CHART.key() != replace(CHART, labels=replace(LABELS, title="#1 Leads (ny)")).key()


PARENT = """
import asyncio, os, signal, sys
from tests.charts.test_renderer import CHART
from bot.charts.renderer import ChartRenderer

if __name__ == "__main__":
    renderer = ChartRenderer()
    asyncio.run(renderer.png(CHART))
    print(*renderer._pool._processes, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)  # as uvicorn ends: the signal again, no exit handlers
"""


def test_the_chart_process_ends_with_the_bot_however_the_bot_ends(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=root)
    children = [int(pid) for pid in done.stdout.split()]
    assert children, done.stderr
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for init is gone for our purpose
        return stat.read().split()[2] != "Z"

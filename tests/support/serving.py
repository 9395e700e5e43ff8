"""Running `kpi-advisor serve` as a real process for the black-box tests: start it, wait until /healthz answers,
stop it and keep what it printed."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

KPI_ADVISOR = Path(sys.executable).with_name("kpi-advisor")
START_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Served:
    """A running server: its process, base URL, and (after it stopped) what it printed."""

    process: subprocess.Popen
    base: str
    output: str = ""
    exit_code: int | None = None


@contextmanager
def serving(env: dict[str, str], *extra: str) -> Iterator[Served]:
    """`kpi-advisor serve` on a free port of 127.0.0.1 with ``env``, healthy before the block runs, terminated after."""
    port = free_port()
    command = [str(KPI_ADVISOR), "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen([*command, *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = Served(process, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not healthy(served.base):
            if process.poll() is not None:
                pytest.fail(f"serve exited {process.returncode}: {process.stdout.read()}")
            if time.monotonic() > deadline:
                pytest.fail(f"serve did not become healthy within {START_TIMEOUT_SECONDS} s")
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        try:
            served.output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            served.output, _ = process.communicate()
        served.exit_code = process.returncode

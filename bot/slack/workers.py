"""Several HTTP worker processes on one port, each with its own SO_REUSEPORT socket.

Grading is CPU work in Python, so one process saturates one core. uvicorn's own ``--workers`` shares one listening
socket, and whichever worker wakes first accepts: with kept-alive connections (Slack's, a load balancer's) most of
them can end up on one busy worker while the others idle (measured here: anywhere from 0.9× to 1.9× the one-worker
throughput between runs). With SO_REUSEPORT every worker listens on its own socket and the kernel spreads new
connections across them evenly. Linux and the BSDs have it; elsewhere ``--workers`` is refused at start-up.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from typing import Any

RESTART_DELAY_SECONDS = 1.0
log = logging.getLogger(__name__)


class WorkersUnavailable(RuntimeError):
    """The platform cannot run several workers on one port, or the port is taken."""


def reserve_port(host: str, port: int) -> socket.socket:
    """Bind (without listening) a SO_REUSEPORT socket: proves the port is free, turns port 0 into a real port,
    and keeps it ours while workers come and go. Only listening sockets receive connections, so it takes none."""
    if not hasattr(socket, "SO_REUSEPORT"):
        raise WorkersUnavailable("this platform has no SO_REUSEPORT: run one worker (leave out --workers)")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise WorkersUnavailable(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return sock


def _listening_socket(host: str, port: int) -> socket.socket:
    sock = reserve_port(host, port)
    sock.listen(2048)
    sock.setblocking(False)
    return sock


APP_FACTORY = "bot.slack.asgi:create_asgi_app"


def worker_main(factory: str, host: str, port: int, log_level: str, scheduler: bool = False) -> None:
    """One worker process: its own socket, its own app from ``factory`` ("module:function"), uvicorn until SIGTERM.
    ``scheduler`` tells the app (through the environment, which the factory reads) to run the check-in scheduler."""
    import uvicorn

    from bot.slack.runner import CHECKINS_VARIABLE

    os.environ[CHECKINS_VARIABLE] = "1" if scheduler else ""

    config = uvicorn.Config(
        factory,
        factory=True,
        log_level=log_level,
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    sock = _listening_socket(host, port)
    try:
        import uvloop

        uvloop.run(server.serve(sockets=[sock]))
    except ImportError:
        import asyncio

        asyncio.run(server.serve(sockets=[sock]))


class Supervisor:
    """Starts ``count`` workers, restarts one that dies, and stops them all on SIGTERM or SIGINT. With
    ``scheduler`` the first worker (and whichever replaces it) runs the check-in scheduler."""

    def __init__(
        self, host: str, port: int, count: int, log_level: str, factory: str = APP_FACTORY, scheduler: bool = False
    ) -> None:
        self._args = (factory, host, port, log_level)
        self._scheduler = scheduler
        self._count = count
        self._context: Any = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited event loop
        self._processes: list[Any] = []
        self._stopping = False

    def _start(self, index: int) -> Any:
        args = (*self._args, self._scheduler and index == 0)
        process = self._context.Process(target=worker_main, args=args, name=f"kpi-advisor-worker-{index}")
        process.start()
        return process

    def _stop(self, signum: int, _frame: Any) -> None:
        self._stopping = True
        for process in self._processes:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._processes = [self._start(index) for index in range(self._count)]
            while not self._stopping:
                for index, process in enumerate(self._processes):
                    if not process.is_alive() and not self._stopping:
                        log.error("worker %s exited with %s; starting a new one", process.pid, process.exitcode)
                        time.sleep(RESTART_DELAY_SECONDS)
                        self._processes[index] = self._start(index)
                time.sleep(0.2)
            for process in self._processes:
                process.join(timeout=30)
                if process.is_alive():
                    process.kill()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

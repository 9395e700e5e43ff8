"""Drawing charts away from the event loop, each version once.

Drawing a chart is about a tenth of a second of CPU-bound Python. On a worker thread it would still hold the GIL
that the event loop needs to acknowledge everyone else's requests within Slack's 3 s, so charts are drawn in a
separate process (one by default: charts are occasional, and a second would mostly compete for the same cores).
The process is started on first use with the ``spawn`` method — forking a process that runs an event loop and
database pools copies their locks — and imports matplotlib itself, so a bot that never draws never loads it. Like
every ``spawn`` user, a script that draws charts needs the ``if __name__ == "__main__":`` guard (the entry points
have it).

PNGs are kept in a small LRU keyed by ``TrendChart.key()``: the same KPI, values, target trail and language give
the same key, so the Home tab's *Open* and a `/kpi show` of an unchanged KPI reuse one drawing, and a new value or
target gives a new key. Concurrent requests for the same key share one drawing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.charts.spec import TrendChart

CACHE_MAX = 256  # about 70 kB each
WORKERS = 1


def _draw(chart: TrendChart) -> bytes:
    """Runs in the chart process: matplotlib is imported there, on the first chart."""
    from bot.charts.render import render_trend_chart

    return render_trend_chart(chart)


def _follow_parent() -> None:
    """In the chart process: exit as soon as the bot's process is gone, however it went. uvicorn ends on SIGTERM by
    raising the signal again, which skips the interpreter's exit handlers that would stop us, and an orphaned chart
    process would hold the bot's stdout open (and its memory) for ever."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _warm_up() -> None:
    """Import matplotlib and build its font cache in the chart process before the first real chart needs it."""
    import bot.charts.render  # noqa: F401


class ChartRenderer:
    """PNG bytes for a ``TrendChart``, drawn in a worker process, cached by the chart's key."""

    def __init__(self, workers: int = WORKERS, cache_max: int = CACHE_MAX) -> None:
        self.workers = workers
        self.cache_max = cache_max
        self.drawn = 0  # how many charts were actually drawn (the cache answered the rest)
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._pending: dict[tuple[int, str], asyncio.Future[bytes]] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=context, initializer=_follow_parent
                )
                self._pool.submit(_warm_up)
            return self._pool

    def warm_up(self) -> None:
        """Start the chart process now, so the first chart does not wait for it (about a second)."""
        self._executor()

    async def png(self, chart: TrendChart) -> bytes:
        """The chart as PNG bytes: from the cache, from a drawing already under way, or drawn now."""
        key = chart.key()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        loop = asyncio.get_running_loop()
        waiting = (id(loop), key)  # a future belongs to the loop that made it
        pending = self._pending.get(waiting)
        if pending is not None:
            return await asyncio.shield(pending)
        future = loop.run_in_executor(self._executor(), _draw, chart)
        self._pending[waiting] = future
        try:
            png = await asyncio.shield(future)
        except BrokenProcessPool:
            self.close()  # the chart process died (killed, out of memory): the next chart starts a new one
            raise
        finally:
            self._pending.pop(waiting, None)
        with self._lock:
            self.drawn += 1
            self._cache[key] = png
            while len(self._cache) > self.cache_max:
                self._cache.popitem(last=False)
        return png

    def close(self) -> None:
        """Stop the chart process (it would also end with ours)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


_DEFAULT: ChartRenderer | None = None


def default_renderer() -> ChartRenderer:
    """The process-wide renderer: one chart process and one cache for every app and tick in this process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = ChartRenderer()
    return _DEFAULT

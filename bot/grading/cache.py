"""The compiled rule set kept on disk between runs, so a one-off `kpi-advisor check` does not rebuild the lexicons.

Like Python's own .pyc files: the file is named after a digest of every rule and lexicon file and of the grader's
own source, written atomically, and ignored when it is missing, unreadable, not the user's own, or from other files.
Nothing is lost without it: the rule set is then built from the files, as `kpi-advisor rules lint` always does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
CACHE_DIR_ENV = "KPI_ADVISOR_CACHE_DIR"
CACHE_OFF_ENV = "KPI_ADVISOR_NO_CACHE"
_SOURCE = Path(__file__).resolve().parent
T = TypeVar("T")


def cache_dir() -> Path | None:
    if os.environ.get(CACHE_OFF_ENV):
        return None
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kpi-advisor"


def digest(dirs: list[Path]) -> str:
    """What the compiled rule set depends on: the grader's code, the rule and lexicon files, the Python version."""
    h = hashlib.blake2b(digest_size=16)
    h.update(sys.version.encode())
    files = sorted(_SOURCE.glob("*.py"))
    for d in dirs:
        files += sorted(d.glob("*.yml")) + sorted((d / "lexicons").glob("*.yml"))
    for path in files:
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def load_or_build(dirs: list[Path], build: Callable[[list[Path]], T]) -> T:
    """The rule set for ``dirs`` from the cache when it is there and current, else built (and cached)."""
    where = cache_dir()
    if where is None:
        return build(dirs)
    try:
        path = where / f"rules-{digest(dirs)}.pickle"
    except OSError:
        return build(dirs)
    try:
        if path.stat().st_uid == os.getuid():
            with path.open("rb") as f:
                return pickle.load(f)
    except FileNotFoundError:
        pass
    except Exception:
        log.debug("ignoring the rule cache at %s", path, exc_info=True)
    built = build(dirs)
    _store(path, built)
    return built


def _store(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".rules-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("rules-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:
        log.debug("could not write the rule cache at %s", path, exc_info=True)

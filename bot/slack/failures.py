"""How a failure is logged: one line for the operator, never a traceback or a message body at INFO and above."""

from __future__ import annotations

import logging

ERROR_TEXT_MAX = 300


def describe_error(error: BaseException) -> str:
    """One line about a failure for the log: its type and the first line of its message, cut short.

    Tracebacks go to DEBUG only: a request must not leave one in the log, and an error's full text can quote what
    a person typed (SQLAlchemy's parameters are hidden by the engine, see ``bot.store.engine``)."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first[:ERROR_TEXT_MAX]}" if first else type(error).__name__


def log_failure(logger: logging.Logger, what: str, error: BaseException) -> None:
    """Log that ``what`` failed: one ERROR line for the operator, the traceback only at DEBUG."""
    logger.error("%s failed: %s", what, describe_error(error))
    logger.debug("%s failed", what, exc_info=error)

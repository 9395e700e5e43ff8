"""Column types that keep Python values the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator

# KPI numbers and row ids are INTEGER columns: 32 bits on PostgreSQL, which refuses a larger parameter outright.
INTEGER_MAX = 2**31 - 1


def is_row_number(value: Any) -> bool:
    """True for a positive int the store's INTEGER columns can hold: what a KPI number or check-in id read from a
    Slack payload (button value, modal metadata) must be before it reaches a query."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INTEGER_MAX


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime (the only kind the store accepts)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    PostgreSQL stores ``timestamptz`` but returns it in the session's time zone; SQLite has no time zones and would
    return naive values. Normalising here means callers can compare and subtract timestamps from either backend.
    Naive datetimes are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime (UTC)")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

"""What PostgreSQL would do with the statements a piece of code issues: capture them, EXPLAIN each, and name any
sequential scan of the tables that grow with the number of KPIs (shared by the tests and bench/scale.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event

WATCHED_TABLES = ("kpis", "kpi_values", "checkins")


@contextmanager
def capture_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Collect (SQL as sent to the driver, its parameters) of every data statement run on ``engine`` meanwhile;
    for an executemany, the first parameter set stands for all."""
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            statements.append((statement, parameters[0] if executemany and parameters else parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def explain(connection: Connection, statement: str, parameters: Any) -> dict[str, Any]:
    """The plan PostgreSQL chooses for ``statement`` (EXPLAIN without ANALYZE: nothing is executed)."""
    result = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
    raw = result.scalar_one()
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def seq_scans(connection: Connection, statement: str, parameters: Any) -> list[str]:
    """The watched tables ``statement``'s plan reads with a sequential scan (empty: none)."""
    return sorted(
        node["Relation Name"]
        for node in plan_nodes(explain(connection, statement, parameters))
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in WATCHED_TABLES
    )


def unbounded_scans(connection: Connection, statement: str, parameters: Any) -> list[str]:
    """Scans in ``statement``'s plan that read a watched table whole: a sequential scan, or an index scan with no
    index condition (the whole table read in index order). A range scan, bounded by its condition, is neither."""
    found = []
    for node in plan_nodes(explain(connection, statement, parameters)):
        kind, relation = node.get("Node Type", ""), node.get("Relation Name") or node.get("Index Name", "")
        watched = relation in WATCHED_TABLES or any(f"_{table}_" in f"_{relation}_" for table in WATCHED_TABLES)
        whole = kind == "Seq Scan" or (
            (kind.endswith("Index Scan") or kind == "Index Only Scan") and not (node.get("Index Cond"))
        )
        if watched and whole:
            found.append(f"{kind} on {relation}")
    return sorted(found)


def plan_text(connection: Connection, statement: str, parameters: Any) -> str:
    """The plan as EXPLAIN prints it, for a person to read."""
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
    return "\n".join(rows)

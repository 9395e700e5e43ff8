"""`kpi-advisor purge`: delete everything stored about a workspace, and say exactly what was deleted.

Teams that must prove a deletion need more than "done": the command prints the rows deleted from each table and
the rows left afterwards (always 0; counted in the same transaction, which is rolled back otherwise), and with
``--json`` a receipt to keep. Without ``--yes`` it only counts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from typing import Any

SLACK_TEAM_ID = re.compile(r"^[TE][A-Z0-9]{1,31}$")


def _team_id(text: str) -> str:
    if not SLACK_TEAM_ID.match(text):
        raise argparse.ArgumentTypeError(f"not a Slack team id (T… or E…, capitals and digits): {text!r}")
    return text


def add_parser(sub: Any) -> None:
    """Add `purge` to the subcommands ``sub`` (what ``ArgumentParser.add_subparsers`` returned)."""
    purge = sub.add_parser(
        "purge",
        help="delete a workspace's data (register, history, check-ins, conversations, tokens)",
        description="Delete everything stored about the given workspaces, or about those uninstalled longer ago "
        "than KPI_ADVISOR_RETENTION_DAYS (--expired). Without --yes nothing is deleted: the counts are shown.",
    )
    which = purge.add_mutually_exclusive_group(required=True)
    which.add_argument("--team", type=_team_id, action="append", metavar="T…", help="a Slack team id (repeatable)")
    which.add_argument(
        "--expired", action="store_true", help="workspaces uninstalled more than KPI_ADVISOR_RETENTION_DAYS ago"
    )
    purge.add_argument("--yes", action="store_true", help="really delete (default: only count what would go)")
    purge.add_argument("--json", action="store_true", help="print a JSON receipt instead of lines")
    purge.set_defaults(func=cmd_purge)


def cmd_purge(args: argparse.Namespace) -> int:
    import os

    from sqlalchemy.exc import SQLAlchemyError

    from .cli import _safe_url, _upgrade
    from .services import workspaces
    from .settings import RETENTION_VARIABLE, ConfigError, retention_days_from
    from .store import database_url_from_env, make_engine

    url = database_url_from_env()
    problem = _upgrade(url)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    engine = make_engine(url)
    try:
        if args.expired:
            try:
                days = retention_days_from(os.environ.get(RETENTION_VARIABLE, "").strip() or None)
            except ConfigError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
            if days is None:
                print(f"error: {RETENTION_VARIABLE} is not set: no workspace's data has expired", file=sys.stderr)
                return 2
            teams = workspaces.expired_teams(engine, days)
        else:
            teams = args.team
        reports = workspaces.purge(engine, teams, dry_run=not args.yes)
    except (SQLAlchemyError, RuntimeError) as error:
        print(f"error: nothing more was deleted: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if args.json:
        receipt = {
            "database": _safe_url(url),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "deleted": bool(args.yes),
            "workspaces": [
                {"team_id": r.team_id, "known": r.known, "rows": r.deleted, "total": r.total, "left": r.left}
                for r in reports
            ],
        }
        print(json.dumps(receipt, indent=2))
        return 0
    verb = "deleted" if args.yes else "would delete"
    if not reports:
        print("no workspace to purge")
    for report in reports:
        if not report.total:
            print(f"{report.team_id}: nothing stored")
            continue
        tables = ", ".join(f"{name} {count}" for name, count in report.deleted.items() if count)
        left = f"; rows left: {report.left}" if args.yes else ""
        print(f"{report.team_id}: {verb} {report.total} rows ({tables}){left}")
    if not args.yes and any(report.total for report in reports):
        print("nothing was deleted: run again with --yes to delete")
    return 0

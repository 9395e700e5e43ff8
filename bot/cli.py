"""`kpi-advisor`: grade goals from the terminal, lint rule files, and (with the Slack extras) run the bot."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .settings import Settings

LANGS = ("en", "sv", "nb")


def _ruleset(rules_dirs: list[str] | None):
    from .grading import default_ruleset

    return default_ruleset([Path(d) for d in rules_dirs] if rules_dirs else None)


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {raw!r}") from None


def _stdin_line_batches(chunk: int = 1 << 16):
    """Lines of stdin in batches of whatever has arrived.

    Batching keeps a 20,000-line run to a few hundred system calls even with PYTHONUNBUFFERED set, while a program
    that writes one goal and waits for its answer still gets it straight away.
    """
    fd, pending = sys.stdin.fileno(), b""
    while True:
        data = os.read(fd, chunk)
        if not data:
            break
        pending += data
        *complete, pending = pending.split(b"\n")
        if complete:
            yield [line.decode("utf-8", "replace").rstrip("\r") for line in complete]
    if pending:
        yield [pending.decode("utf-8", "replace").rstrip("\r")]


def _write_stdout(text: str) -> None:
    data, fd = text.encode("utf-8"), sys.stdout.fileno()
    while data:
        data = data[os.write(fd, data) :]


def cmd_check(args: argparse.Namespace) -> int:
    from .batch import BatchGrader, available_cpus, to_json
    from .grading import grade_goal

    rules = _ruleset(args.rules)
    if args.jsonl:
        jobs = args.jobs or available_cpus()
        grader = BatchGrader(language=args.lang, today=args.today, rules=rules, jobs=jobs)
        try:
            for answers in grader.stream(_stdin_line_batches()):
                _write_stdout(answers)
        finally:
            grader.close()
        return 0
    text = " ".join(args.goal).strip()
    if not text:
        print('Give a goal to grade, e.g. kpi-advisor check "Get 40 enquiries per month by June"', file=sys.stderr)
        return 2
    try:
        a = grade_goal(text, language=args.lang, today=args.today, rules=rules)
    except Exception as error:  # a person gets one line, never a traceback
        print(f"error: could not grade this goal ({type(error).__name__})", file=sys.stderr)
        return 1
    if args.json:
        _write_stdout(to_json(a.to_dict(), indent=2) + "\n")
        return 0
    from .terminal import render

    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    _write_stdout(render(a, rules.phrases, colour=colour) + "\n")
    return 0


def cmd_rules_lint(args: argparse.Namespace) -> int:
    from .grading import RuleFileError, load_ruleset
    from .grading.examples import run_examples

    dirs = [Path(d) for d in args.dirs]
    try:
        rules = load_ruleset(dirs)
    except RuleFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    failures = run_examples(rules)
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    checked = ", ".join(str(d) for d in rules.directories)
    print(
        f"{len(rules.rules)} rules, {len(rules.concepts)} metric concepts checked in {checked}: "
        f"{'ok' if not failures else f'{len(failures)} example(s) failing'}"
    )
    return 1 if failures else 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "DATABASE_URL"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _upgrade(url: str) -> str | None:
    """Migrate the database at ``url``; return one line describing the failure, or None."""
    from sqlalchemy.exc import SQLAlchemyError

    from .store import upgrade_database

    try:
        upgrade_database(url)
    except (SQLAlchemyError, OSError, ValueError) as error:
        cause = getattr(error, "orig", None) or error
        return f"cannot migrate the database at {_safe_url(url)}: {_first_line(cause)}"
    return None


def cmd_manifest(args: argparse.Namespace) -> int:
    from .manifest import manifest_for_host, manifest_for_socket_mode

    try:
        text = manifest_for_socket_mode() if args.socket_mode else manifest_for_host(args.host)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    _write_stdout(text)
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from .store import database_url_from_env, head_revision

    url = database_url_from_env()
    problem = _upgrade(url)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(f"database at {_safe_url(url)} is at revision {head_revision()}")
    return 0


def _run_event_loop(main: object) -> None:
    """Run ``main`` on uvloop when installed (as uvicorn.run would; it is markedly faster), else on asyncio."""
    import asyncio

    try:
        import uvloop
    except ImportError:
        asyncio.run(main)  # type: ignore[arg-type]
        return
    uvloop.run(main)  # type: ignore[arg-type]


def _ready_settings(**options: Any) -> Settings | None:
    """Settings from the environment, the rules loaded and the database migrated; None (after one line on stderr)
    when any of them fails.

    Both `serve` and `checkins run-due` start this way, so a bad variable reads the same whichever was run. A broken
    team rules directory (KPI_ADVISOR_RULES_DIR) stops start-up with its file and line: otherwise every /kpi check
    would fail later, in a log nobody reads."""
    from .grading import RuleFileError, default_ruleset
    from .settings import ConfigError, settings_from_env

    try:
        settings = settings_from_env(**options)
        default_ruleset()
    except (ConfigError, RuleFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    problem = _upgrade(settings.database_url)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return None
    return settings


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _workers_from_env() -> int:
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else 1


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the Slack bot; any configuration problem ends it with one line on stderr and exit status 2."""
    settings = _ready_settings(port=args.port)
    if settings is None:
        return 2

    import logging

    from .slack.runner import LOG_FORMAT, StartupError, run, run_workers, verify_slack

    logging.basicConfig(level=args.log_level.upper(), format=LOG_FORMAT)

    workers = args.workers if args.workers is not None else _workers_from_env()
    try:
        if workers > 1 and not settings.socket_mode:
            _run_event_loop(verify_slack(settings))
            checkins = not args.no_checkins
            run_workers(settings, host=args.host, workers=workers, log_level=args.log_level, checkins=checkins)
        else:
            _run_event_loop(run(settings, host=args.host, log_level=args.log_level, checkins=not args.no_checkins))
    except StartupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _instant(raw: str) -> datetime:
    """An ISO-8601 instant for --now; a time without a zone is read as UTC."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date or time: {raw!r} (e.g. 2026-12-01T09:30Z)") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def cmd_checkins_run_due(args: argparse.Namespace) -> int:
    """Post the check-ins due now (or at --now) once, print one summary line; exit 1 when some failed."""
    from datetime import timedelta

    settings = _ready_settings(serving=False, port=0)
    if settings is None:
        return 2
    import logging

    import aiohttp
    from slack_sdk.errors import SlackApiError

    from .checkins.runner import checkin_charts, run_due
    from .store import make_engine

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = make_engine(settings.database_url)
    result: list = []

    async def main() -> None:
        charts = checkin_charts(settings, engine)
        try:
            result.append(
                await run_due(settings, engine, now=args.now, lease=timedelta(seconds=args.lease), charts=charts)
            )
            await charts.drain()  # the charts of what was posted, into their threads, before the command ends
        finally:
            await charts.close()

    try:
        _run_event_loop(main())
    except SlackApiError as error:
        print(f"error: Slack refused the request ({error.response.get('error', 'refused')})", file=sys.stderr)
        return 2
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        print(f"error: cannot reach Slack at {settings.slack_api_url}: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    summary = result[0]
    print(summary.line(), flush=True)
    return 1 if summary.failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi-advisor", description="KPI advisor: grade marketing goals and run the Slack bot."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="grade a goal")
    check.add_argument("goal", nargs="*", help="the goal text")
    mode = check.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print the verdict as JSON")
    mode.add_argument("--jsonl", action="store_true", help="grade one goal per stdin line, one JSON object per line")
    check.add_argument("--lang", choices=LANGS, help="the goal's language (detected when left out)")
    check.add_argument(
        "--rules",
        action="append",
        metavar="DIR",
        help="a team rules directory merged over the built-in rules (default: $KPI_ADVISOR_RULES_DIR)",
    )
    check.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help="the date relative deadlines count from")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="with --jsonl, worker processes for large batches (default: one per available core)",
    )
    check.set_defaults(func=cmd_check)

    rules = sub.add_parser("rules", help="work with rule files")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    lint = rules_sub.add_parser("lint", help="validate rule files and run every rule's examples")
    lint.add_argument("dirs", nargs="*", metavar="DIR", help="extra rules directories (the built-in rules always load)")
    lint.set_defaults(func=cmd_rules_lint)

    serve = sub.add_parser("serve", help="run the Slack bot (HTTP, or Socket Mode when SLACK_APP_TOKEN is set)")
    serve.add_argument("--port", type=int, help="HTTP port (default: $PORT, else 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all interfaces)")
    serve.add_argument(
        "--workers",
        type=_positive_int,
        help="HTTP worker processes (default: $WEB_CONCURRENCY, else 1); about one per CPU core under load",
    )
    serve.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="info")
    serve.add_argument("--no-checkins", action="store_true", help="do not run the check-in scheduler in this process")
    serve.set_defaults(func=cmd_serve)

    checkins = sub.add_parser("checkins", help="scheduled KPI check-ins")
    checkins_sub = checkins.add_subparsers(dest="checkins_command", required=True)
    run_due = checkins_sub.add_parser("run-due", help="post the check-ins that are due, once (like one scheduler tick)")
    run_due.add_argument("--now", type=_instant, help="act as if it were this ISO-8601 time (default: now)")
    run_due.add_argument(
        "--lease",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="after how long an unconfirmed claim of another run counts as abandoned (default: 120)",
    )
    run_due.set_defaults(func=cmd_checkins_run_due)

    manifest = sub.add_parser("manifest", help="print the Slack app manifest for your host, or for Socket Mode")
    where = manifest.add_mutually_exclusive_group(required=True)
    where.add_argument("--host", help="the public HTTPS host Slack will call (e.g. kpi.example.com)")
    where.add_argument("--socket-mode", action="store_true", help="no public URL: Slack connects over a WebSocket")
    manifest.set_defaults(func=cmd_manifest)

    db = sub.add_parser("db", help="manage the database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply the migrations to $DATABASE_URL (serve does this too)")
    upgrade.set_defaults(func=cmd_db_upgrade)

    from .cli_purge import add_parser as add_purge

    add_purge(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from .grading import RuleFileError

        if isinstance(exc, RuleFileError | ValueError):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())

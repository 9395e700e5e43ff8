"""The kpi-advisor command as a person and score.py use it: a real process, stdin and stdout."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"


def run(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_check_prints_a_readable_verdict():
    out = run("check", "--today", "2026-11-23", "Öka räckvidden med 20 %")
    assert out.returncode == 0, out.stderr
    assert "/100" in out.stdout and "räckvidd" in out.stdout and "Ett bättre mål" in out.stdout
    assert "\033[" not in out.stdout  # not a terminal: no colour codes


def test_check_colour_on_request():
    out = run("check", "--color", "always", "Fler följare")
    assert "\033[" in out.stdout


def test_json_has_the_contract():
    out = run("check", "--json", "Grow online sales from 120 to 150 orders per month by Q3 2027")
    data = json.loads(out.stdout)
    assert data["level"] == 5 and data["level_name"] == "transaction" and data["language"] == "en"
    assert data["smart"] == {
        "specific": True,
        "measurable": True,
        "achievable": True,
        "relevant": True,
        "time_bound": True,
    }
    assert data["grade"] == "A" and data["findings"] == []


def test_jsonl_one_object_per_line_in_order():
    goals = ["Fler följare", "", "Double newsletter sign-ups within 6 months", "Øke salget med 10 % i år"]
    out = run("check", "--jsonl", stdin="\n".join(goals) + "\n")
    lines = out.stdout.splitlines()
    assert len(lines) == len(goals)
    assert [json.loads(line)["text"] for line in lines] == goals


def test_empty_goal_is_a_clear_error():
    out = run("check")
    assert out.returncode == 2 and "Give a goal" in out.stderr


def test_lang_override():
    assert json.loads(run("check", "--json", "--lang", "nb", "Get 40 bookings").stdout)["language"] == "nb"


def test_rules_lint_ok():
    out = run("rules", "lint")
    assert out.returncode == 0 and "ok" in out.stdout


def test_rules_lint_reports_file_and_line(tmp_path):
    (tmp_path / "broken.yml").write_text("severity: warning\ntitle: [unclosed\n", encoding="utf-8")
    out = run("rules", "lint", str(tmp_path))
    assert out.returncode == 1
    assert f"{tmp_path / 'broken.yml'}:" in out.stderr and "YAML syntax" in out.stderr


def test_malformed_team_rules_stop_check_with_one_line(tmp_path):
    (tmp_path / "broken.yml").write_text("severity: loud\n", encoding="utf-8")
    out = run("check", "Get 40 bookings", env={"KPI_ADVISOR_RULES_DIR": str(tmp_path)})
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0 and "broken.yml:1" in out.stderr


@pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="the shared eval set is not beside this checkout")
def test_public_eval_set_passes():
    cmd = f"{sys.executable} -m bot.cli check --jsonl"
    out = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), str(EVAL / "goals.public.yml"), "--cmd", cmd],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-3000:]
    assert out.stdout.splitlines()[-1].startswith("PASS")


def test_jsonl_answers_each_line_before_stdin_closes():
    """A program that writes one goal and waits for the answer must not wait forever."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "check", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    try:
        for goal in ("Fler följare", "Get 40 bookings by June"):
            proc.stdin.write(goal + "\n")
            proc.stdin.flush()
            assert json.loads(proc.stdout.readline())["text"] == goal
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 0

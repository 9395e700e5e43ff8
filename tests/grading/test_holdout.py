"""Labelled goal sets scored by the shared eval script, each with the day its relative deadlines count from.

goals_holdout.yml was written without looking at the lexicon; goals_typed.yml holds goals as people type them
(typos, missing å/ä/ö/æ/ø, jargon, metrics that should go down, context clauses, loose baselines, past deadlines),
written by someone who had not seen the grader. They guard generalisation: a lexicon change that helps one phrasing
and breaks others shows up here.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
HERE = Path(__file__).parent


@pytest.mark.skipif(not SCORE.exists(), reason="the shared eval script is not beside this checkout")
@pytest.mark.parametrize(
    ("name", "today"),
    [
        ("goals_holdout.yml", "2026-11-23"),
        ("goals_typed.yml", None),
        ("goals_typed_2.yml", None),
        ("goals_typed_3.yml", None),
    ],
)
def test_goal_set_meets_the_eval_thresholds(name, today):
    cmd = f"{sys.executable} -m bot.cli check --jsonl" + (f" --today {today}" if today else "")
    out = subprocess.run(
        [sys.executable, str(SCORE), str(HERE / name), "--cmd", cmd],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-3000:]
    assert out.stdout.splitlines()[-1].startswith("PASS")

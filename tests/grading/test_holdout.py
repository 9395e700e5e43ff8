"""The held-out goal set (written without looking at the lexicon) scored by the shared eval script.

It guards generalisation: a lexicon change that helps one phrasing and breaks others shows up here.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
HOLDOUT = Path(__file__).with_name("goals_holdout.yml")


@pytest.mark.skipif(not SCORE.exists(), reason="the shared eval script is not beside this checkout")
def test_holdout_set_meets_the_eval_thresholds():
    cmd = f"{sys.executable} -m bot.cli check --jsonl --today 2026-11-23"
    out = subprocess.run(
        [sys.executable, str(SCORE), str(HOLDOUT), "--cmd", cmd], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stdout[-3000:]
    assert out.stdout.splitlines()[-1].startswith("PASS")

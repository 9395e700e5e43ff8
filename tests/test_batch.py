"""`kpi-advisor check --jsonl`: one strict JSON object per input line, in order, whatever the line holds."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.batch import BatchGrader, verdict_lines
from bot.grading import default_ruleset

ROOT = Path(__file__).resolve().parents[2]
NASTY = st.sampled_from(
    [
        "9" * 400,
        "1e400",
        "1" + "0" * 20 + " orders",
        ":rocket: :100: :1234:",
        "<!channel> <@U1> <#C1|x> <https://a.b|c>",
        "\x00\x01\x1b[31m",
        "\u2028\u2029\x85\x0b\x0c\x1c",
        "🙂" * 50,
        "NaN Infinity -Infinity",
        "x" * 100_000,
        "räckvidd " * 2_000,
        "from 1 to 99999999999999999999 by 2027-02-30",
        "\ud800 lone surrogate",
    ]
)
LINE = st.one_of(st.text(max_size=200).map(lambda s: s.replace("\n", " ")), NASTY)


def strict(line: str) -> dict:
    def refuse(name: str) -> None:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(line, parse_constant=refuse)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(st.lists(LINE, min_size=1, max_size=8))
def test_every_line_gets_one_strict_json_object_in_order(lines):
    out = "".join(verdict_lines(lines, language=None, today=date(2026, 11, 29), rules=default_ruleset()))
    written = out.split("\n")
    assert written[-1] == "" and len(written) - 1 == len(lines)
    for text, line in zip(lines, written, strict=False):
        verdict = strict(line)
        assert "error" not in verdict, verdict
        assert verdict["text"] == text.encode("utf-8", "replace").decode("utf-8") or verdict["text"] == text
        assert 0 <= verdict["score"] <= 100


def test_the_command_answers_every_line_of_a_hostile_batch_in_order():
    lines = [
        b"Get 40 leads by June",
        b"text=\xff\xfe invalid utf-8",
        b"9" * 400 + b" orders",
        b"",
        b"   ",
        b"\x00 nul and \x1b escape",
        "\u2028 and \u2029 inside".encode(),
        b"Reduce churn from 8% to 5% by Q2 2027\r",
        b"x" * 100_000,
        b":rocket: :rocket: :100:",
    ] * 30  # more than one worker batch
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "--jsonl", "--jobs", "2", "--today", "2026-11-29"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == b""
    out = result.stdout.decode("utf-8").split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    verdicts = [strict(line) for line in out[:-1]]
    assert all("error" not in v for v in verdicts)
    assert [v["text"][:20] for v in verdicts[:10]] == [
        line.decode("utf-8", "replace").rstrip("\r")[:20] for line in lines[:10]
    ]
    assert verdicts[2]["target"] is None and verdicts[7]["direction"] == "decrease"
    assert verdicts[9]["smart"]["measurable"] is False


def test_a_large_batch_over_workers_is_the_same_as_in_one_process():
    rules = default_ruleset()
    lines = [f"Get {n} bookings a month by June, up from {n // 2}" for n in range(10, 700)]
    one = "".join(verdict_lines(lines, language=None, today=date(2026, 11, 29), rules=rules))
    grader = BatchGrader(language=None, today=date(2026, 11, 29), rules=rules, jobs=2)
    try:
        assert grader.grade(lines) == one
    finally:
        grader.close()


def test_streamed_batches_come_back_in_order_large_and_small_mixed():
    rules = default_ruleset()
    batches = [[f"Get {n} bookings a month by June" for n in range(start, start + size)] for start, size in
               ((0, 300), (300, 3), (303, 700), (1003, 1))]  # fmt: skip
    grader = BatchGrader(language=None, today=date(2026, 11, 29), rules=rules, jobs=2)
    try:
        streamed = "".join(grader.stream(iter(batches)))
    finally:
        grader.close()
    expected = "".join(
        verdict_lines([line for b in batches for line in b], language=None, today=date(2026, 11, 29), rules=rules)
    )
    assert streamed == expected

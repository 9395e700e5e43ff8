"""How fast `kpi-advisor check` grades: 20,000 goals through `--jsonl` and single calls, start-up included.

Run from the repository root:  .venv/bin/python bench/grader_throughput.py [--goals 20000]
Targets (issue #10): ≥ 5,000 goals/s for the batch, ≤ 200 ms wall for one call, both with start-up. The batch is
also run with one process (--jobs 1) in the same run, so the ratio of the two says what the worker processes add
on this machine. Prints measurements, never fails.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SEED_GOALS = [
    "Increase reach on Facebook to 100,000 people",
    "Get 500 likes on our Instagram posts by the end of March",
    "Grow online sales from 120 to 150 orders per month by Q3 2027",
    "Lower cost per click to 2 SEK",
    "Improve our social media presence",
    "Raise the website conversion rate from 2% to 3% by June 30",
    "Double newsletter sign-ups within 6 months",
    "Get 40 inquiries per month by phone, email and the contact form by December",
    "Öka räckvidden på Instagram med 50 %",
    "Fler gilla-markeringar och kommentarer på Facebook",
    "Öka antalet förfrågningar via telefon och mejl från 20 till 35 per månad före sommaren",
    "Nå branschsnittet för klickfrekvens senast i juni",
    "Höja konverteringsgraden från 1,8 % till 2,5 % under kvartal 3",
    "Öka antalet bokningar i salongen från 40 till 60 per vecka senast 1 september",
    "Øke rekkevidden på Facebook til 80 000 personer innen utgangen av året",
    "Flere likes og delinger på Instagram",
    "Øke salget i nettbutikken fra 300 til 400 ordrer per måned innen 1. juni 2027",
    "Få 1000 fullførte videovisninger per uke",
    "Redusere kostnad per lead til 150 kr innen Q2",
    ":rocket: *Grow* repeat customers in <#C1|umea> from 18% to 25% by <!here> the end of 2027 <@U123>",
]


def make_goals(n: int) -> list[str]:
    """Distinct lines (a counter varies the numbers) so no cache can make the run look faster than real use."""
    out = []
    for i, goal in zip(range(n), itertools.cycle(SEED_GOALS), strict=False):
        out.append(goal.replace("40", str(40 + i % 97)).replace("2 SEK", f"{2 + i % 5} SEK"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--goals", type=int, default=20_000)
    parser.add_argument("--single-runs", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("kpi-advisor", path=str(Path(sys.executable).parent)) or "kpi-advisor"
    stdin = "\n".join(make_goals(args.goals)) + "\n"

    def batch_seconds(*extra: str) -> float:
        start = time.perf_counter()
        proc = subprocess.run(
            [exe, "check", "--jsonl", *extra], input=stdin, capture_output=True, text=True, check=True
        )
        took = time.perf_counter() - start
        lines = proc.stdout.count("\n")
        assert lines == args.goals, f"expected {args.goals} lines, got {lines}"
        return took

    batch = batch_seconds()
    one_process = batch_seconds("--jobs", "1")

    singles = []
    for _ in range(args.single_runs):
        start = time.perf_counter()
        subprocess.run([exe, "check", SEED_GOALS[2]], capture_output=True, check=True)
        singles.append(time.perf_counter() - start)

    rate = args.goals / batch
    single = statistics.median(singles)
    print(
        f"batch: {args.goals} goals in {batch:.2f} s wall = {rate:,.0f} goals/s "
        f"(target 5,000/s; ratio {rate / 5000:.2f}×); one process: {args.goals / one_process:,.0f} goals/s "
        f"(workers add {one_process / batch:.2f}×)"
    )
    print(
        f"single call: median {single * 1000:.0f} ms wall over {args.single_runs} runs "
        f"(min {min(singles) * 1000:.0f}, max {max(singles) * 1000:.0f}; target ≤ 200 ms; ratio {0.2 / single:.2f}×)"
    )


if __name__ == "__main__":
    main()

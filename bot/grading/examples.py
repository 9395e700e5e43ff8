"""Running every rule's own examples: the check that keeps rules honest (used by the tests and `rules lint`)."""

from __future__ import annotations

from datetime import date

from .grader import grade_goal
from .ruleset import RuleSet

# Examples are written with relative dates ("next month", "in June"); a fixed day keeps them deterministic.
EXAMPLE_DAY = date(2026, 1, 15)


def run_examples(rules: RuleSet, today: date = EXAMPLE_DAY) -> list[str]:
    """One line per example that does not behave as its rule says; empty when all do."""
    failures = []
    for rule in rules.rules:
        for expected, groups in ((True, rule.fire), (False, rule.pass_)):
            for lang, examples in groups.items():
                for example in examples:
                    a = grade_goal(example.text, language=lang, today=today, context=example.context, rules=rules)
                    if (rule.id in a.rules) != expected:
                        verb = "should fire" if expected else "should not fire"
                        failures.append(
                            f"{rule.source}: {rule.id} {verb} on {lang} example {example.text!r} "
                            f"(found: {', '.join(sorted(a.rules)) or 'nothing'})"
                        )
    return failures

"""Every rule's own examples, one test each: a rule that stops firing where it should (or starts where it should
not) fails here with its file and example."""

import pytest

from bot.grading import default_ruleset, grade_goal
from bot.grading.examples import EXAMPLE_DAY, run_examples

RULES = default_ruleset([])
CASES = [
    pytest.param(rule, lang, example, expected, id=f"{rule.id}-{lang}-{'fire' if expected else 'pass'}-{i}")
    for rule in RULES.rules
    for expected, groups in ((True, rule.fire), (False, rule.pass_))
    for lang, examples in groups.items()
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "lang", "example", "expected"), CASES)
def test_rule_example(rule, lang, example, expected):
    a = grade_goal(example.text, language=lang, today=EXAMPLE_DAY, context=example.context, rules=RULES)
    assert (rule.id in a.rules) is expected, f"{rule.id} on {example.text!r}: found {sorted(a.rules)}"


def test_every_catalogue_rule_exists_with_examples_in_every_language():
    ids = {r.id for r in RULES.rules}
    catalogue = {
        "low-level-main-goal",
        "vanity-reach",
        "engagement-as-result",
        "clicks-without-context",
        "video-views-3s",
        "narrow-conversion",
        "cost-only",
        "frequency-ignored",
        "generic-benchmark",
        "rate-vs-volume",
        "micro-as-main",
        "not-specific",
        "not-measurable",
        "no-deadline",
        "no-baseline",
        "unrealistic-target",
        "no-owner",
        "no-action-plan",
        "static-kpi",
    }
    assert catalogue <= ids
    for rule in RULES.rules:
        for groups in (rule.fire, rule.pass_):
            assert set(groups) == {"en", "sv", "nb"}, rule.id
            assert all(groups[lang] for lang in groups), rule.id


def test_run_examples_reports_nothing_for_the_builtin_rules():
    assert run_examples(RULES) == []

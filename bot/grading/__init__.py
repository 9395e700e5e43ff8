"""The goal grader: pure functions from a goal text to an Assessment. Knows nothing of Slack or storage."""

from .assessment import Assessment, Finding, grade_for
from .facts import GoalContext
from .grader import grade_goal
from .ruleset import RuleSet, default_ruleset, load_ruleset
from .yamlfile import RuleFileError

__all__ = [
    "Assessment",
    "Finding",
    "GoalContext",
    "RuleFileError",
    "RuleSet",
    "default_ruleset",
    "grade_for",
    "grade_goal",
    "load_ruleset",
]

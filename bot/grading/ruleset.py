"""Loading the rules: every file validated, a team's own directory merged over the built-in one.

Rules are data (one YAML file per rule, the id is the file stem); this module is the schema they are held to. A
malformed file stops start-up with its path, line and what is wrong, the same message `kpi-advisor rules lint` prints.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .cache import load_or_build
from .conditions import Condition, compile_condition
from .facts import GoalContext
from .lexicon import LANGUAGES, Concept, Lexicon, build_lexicon, localised, phrase_lists, read_lexicons
from .phrases import Node
from .yamlfile import RuleFileError, fail, load_yaml

SEVERITIES = ("error", "warning", "info")
RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RULE_KEYS = {
    "id",
    "severity",
    "smart",
    "title",
    "message",
    "suggestion",
    "rationale",
    "when",
    "examples",
    "sources",
    "rewrite",
}
REQUIRED_RULE_KEYS = ("severity", "title", "message", "suggestion", "rationale", "when", "examples")
SMART_FLAGS = ("specific", "measurable", "achievable", "relevant", "time_bound")
REWRITES = ("other-metric", "base-metric", "support-macro", "ask-for-goal")
RULES_DIR_ENV = "KPI_ADVISOR_RULES_DIR"
MESSAGE_FIELDS = {"metric", "level", "better"}


class Example(NamedTuple):
    text: str
    context: GoalContext = GoalContext()


class Rule(NamedTuple):
    id: str
    severity: str
    title: Mapping[str, str]
    message: Mapping[str, str]
    suggestion: Mapping[str, str]
    rationale: Mapping[str, str]
    when: Condition
    fire: Mapping[str, tuple[Example, ...]]
    pass_: Mapping[str, tuple[Example, ...]]
    smart: str | None
    rewrite: str | None  # what the better goal does when this rule fires (REWRITES), or nothing
    source: Path


@dataclass
class RuleSet:
    """Everything the grader needs from `rules/`, validated and compiled."""

    rules: list[Rule]
    lexicon: Lexicon
    directories: list[Path] = field(default_factory=list)
    findings: dict[tuple[str, ...], Any] = field(default_factory=dict, repr=False)  # written findings (grader)

    @property
    def concepts(self) -> dict[str, Concept]:
        return self.lexicon.concepts

    @property
    def phrases(self) -> dict[str, Any]:
        return self.lexicon.phrases

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


def builtin_rules_dir() -> Path:
    """`rules/` beside the package in a checkout, or `bot/_rules` inside an installed wheel."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "_rules"
    return installed if installed.is_dir() else package.parent / "rules"


def _examples(path: Path, where: list, value: Any) -> tuple[dict, dict]:
    if not isinstance(value, Mapping):
        raise fail(path, where, "expected examples per language: {en: {fire: [...], pass: [...]}, sv: ..., nb: ...}")
    fire: dict[str, tuple[Example, ...]] = {}
    passing: dict[str, tuple[Example, ...]] = {}
    for lang in LANGUAGES:
        block = value.get(lang)
        if not isinstance(block, Mapping):
            raise fail(path, where, f"no examples in {lang!r}: every rule needs examples in en, sv and nb")
        for kind, target in (("fire", fire), ("pass", passing)):
            items = block.get(kind)
            if not isinstance(items, list) or not items:
                raise fail(path, [*where, lang], f"needs at least one {kind!r} example")
            parsed = []
            for i, item in enumerate(items):
                if isinstance(item, str) and item.strip():
                    parsed.append(Example(item))
                elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
                    try:
                        parsed.append(Example(item["text"], GoalContext(**(item.get("context") or {}))))
                    except TypeError as exc:
                        raise fail(path, [*where, lang, kind, i], f"bad example context: {exc}") from exc
                else:
                    raise fail(path, [*where, lang, kind, i], "an example is a text or {text: ..., context: {...}}")
            target[lang] = tuple(parsed)
        extra = set(block) - {"fire", "pass"}
        if extra:
            raise fail(path, [*where, lang, sorted(extra)[0]], "examples are listed under fire and pass")
    return fire, passing


def _texts(path: Path, data: Mapping) -> dict[str, dict[str, str]]:
    texts = {key: localised(path, [key], data[key]) for key in ("title", "message", "suggestion", "rationale")}
    for key, per_language in texts.items():
        for lang, text in per_language.items():
            try:
                fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            except ValueError as exc:
                raise fail(path, [key, lang], f"bad {{placeholder}}: {exc}") from exc
            if fields - MESSAGE_FIELDS:
                known = ", ".join("{" + f + "}" for f in sorted(MESSAGE_FIELDS))
                raise fail(
                    path, [key, lang], f"unknown placeholder {{{sorted(fields - MESSAGE_FIELDS)[0]}}}; use {known}"
                )
    return texts


def _load_rule(
    path: Path, term_names: set[str], tags_known: set[str], inline_lists: dict[str, dict[str, list[Node]]]
) -> Rule:
    data = load_yaml(path)
    rule_id = path.stem
    if not RULE_ID.match(rule_id):
        raise RuleFileError(
            path, None, f"the file name {rule_id!r} is not a valid rule id (lower-case words joined by -)"
        )
    if not isinstance(data, Mapping):
        raise RuleFileError(path, 1, "a rule file is a mapping")
    unknown = set(data) - RULE_KEYS
    if unknown:
        raise fail(path, [sorted(unknown)[0]], f"unknown field; expected {', '.join(sorted(RULE_KEYS))}")
    for key in REQUIRED_RULE_KEYS:
        if key not in data:
            raise RuleFileError(path, 1, f"missing required field {key!r}")
    if "id" in data and data["id"] != rule_id:
        raise fail(path, ["id"], f"id {data['id']!r} differs from the file name {rule_id!r}")
    if data["severity"] not in SEVERITIES:
        raise fail(path, ["severity"], f"severity must be one of {', '.join(SEVERITIES)}")
    smart = data.get("smart")
    if smart is not None and smart not in SMART_FLAGS:
        raise fail(path, ["smart"], f"smart must be one of {', '.join(SMART_FLAGS)}")
    rewrite = data.get("rewrite")
    if rewrite is not None and rewrite not in REWRITES:
        raise fail(path, ["rewrite"], f"rewrite must be one of {', '.join(REWRITES)}")
    texts = _texts(path, data)

    def inline(spec: Any, where: list) -> str:
        name = f"rule:{rule_id}:{len([n for n in inline_lists if n.startswith(f'rule:{rule_id}:')])}"
        inline_lists[name] = phrase_lists(path, where, spec, every_language=False)
        return name

    when = compile_condition(data["when"], path, ["when"], term_names, tags_known, inline)
    fire, passing = _examples(path, ["examples"], data["examples"])
    return Rule(
        rule_id,
        data["severity"],
        texts["title"],
        texts["message"],
        texts["suggestion"],
        texts["rationale"],
        when,
        fire,
        passing,
        smart,
        rewrite,
        path,
    )


def load_ruleset(directories: list[Path] | None = None) -> RuleSet:
    """Load and validate the built-in rules, then each extra directory over them (later files win by name)."""
    dirs = [builtin_rules_dir(), *(directories or [])]
    for d in dirs:
        if not d.is_dir():
            raise RuleFileError(d, None, "no such rules directory")
    collected = read_lexicons(dirs)
    tags_known = {t for spec, _, _ in collected.concepts.values() for t in spec.get("tags", [])}
    rule_files: dict[str, Path] = {}
    for d in dirs:
        for path in sorted(d.glob("*.yml")):
            rule_files[path.stem] = path
    inline_lists: dict[str, dict[str, list[Node]]] = {}
    term_names = set(collected.lists)
    rules = [_load_rule(path, term_names, tags_known, inline_lists) for path in rule_files.values()]
    rules.sort(key=lambda r: (SEVERITIES.index(r.severity), r.id))
    return RuleSet(rules, build_lexicon(collected, inline_lists), dirs)


def _split_dirs(value: str | None) -> list[Path]:
    return [Path(p) for p in value.split(os.pathsep) if p] if value else []


@lru_cache(maxsize=8)
def _cached(dirs: tuple[Path, ...]) -> RuleSet:
    return load_or_build([builtin_rules_dir(), *dirs], lambda all_dirs: load_ruleset(all_dirs[1:]))


def default_ruleset(extra_dirs: list[Path] | None = None) -> RuleSet:
    """The rule set for this process: built-in rules plus `KPI_ADVISOR_RULES_DIR` (or the given directories).

    Relative directories are resolved against the working directory of the first use."""
    if extra_dirs is None:
        extra_dirs = _split_dirs(os.environ.get(RULES_DIR_ENV))
    return _cached(tuple(Path(d).resolve() for d in extra_dirs))

"""Loading the rules and lexicons: every file validated, a team's own directory merged over the built-in one.

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
from typing import Any

from .conditions import (
    CONVERSIONS,
    LANGUAGES,
    STAGES,
    Condition,
    TermMatcher,
    check_patterns,
    compile_condition,
    compile_terms,
    literal_length,
)
from .facts import GoalContext
from .metric_matcher import MetricMatcher
from .yamlfile import RuleFileError, fail, load_yaml

SEVERITIES = ("error", "warning", "info")
RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RULE_KEYS = {"id", "severity", "smart", "title", "message", "suggestion", "rationale", "when", "examples", "sources"}
REQUIRED_RULE_KEYS = ("severity", "title", "message", "suggestion", "rationale", "when", "examples")
SMART_FLAGS = ("specific", "measurable", "achievable", "relevant", "time_bound")
CONCEPT_KEYS = {"level", "stage", "conversion", "tags", "label", "terms", "better", "base"}
RULES_DIR_ENV = "KPI_ADVISOR_RULES_DIR"
MESSAGE_FIELDS = {"metric", "level", "better"}


@dataclass(frozen=True)
class Example:
    text: str
    context: GoalContext = field(default_factory=GoalContext)


@dataclass(frozen=True)
class Rule:
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
    source: Path


@dataclass(frozen=True)
class Concept:
    id: str
    level: int | None
    stage: str | None
    conversion: str | None
    tags: frozenset[str]
    label: Mapping[str, str]
    better: str | None
    base: str | None


@dataclass
class RuleSet:
    """Everything the grader needs from `rules/`, validated and compiled."""

    rules: list[Rule]
    concepts: dict[str, Concept]
    metric_alternatives: dict[str, list[tuple[int, str, str]]]
    terms: dict[str, TermMatcher]
    vocabulary: dict[str, dict[str, float]]
    letters: dict[str, str]
    phrases: dict[str, Any]
    directories: list[Path] = field(default_factory=list)
    _matchers: dict[str, MetricMatcher] = field(default_factory=dict, repr=False)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def metric_matcher(self, language: str) -> MetricMatcher:
        """Built on first use: a one-off `kpi-advisor check` only pays for the language it needs."""
        matcher = self._matchers.get(language)
        if matcher is None:
            matcher = self._matchers[language] = MetricMatcher(self.metric_alternatives[language])
        return matcher

    @property
    def platform_regex(self) -> re.Pattern[str]:
        rx = self.__dict__.get("_platform_rx")
        if rx is None:
            names = "|".join(re.escape(p.lower()) for p in self.phrases.get("platforms", [])) or "(?!)"
            rx = self.__dict__["_platform_rx"] = re.compile(r"(?<!\w)(?:" + names + r")(?!\w)")
        return rx


def builtin_rules_dir() -> Path:
    """`rules/` beside the package in a checkout, or `bot/_rules` inside an installed wheel."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "_rules"
    return installed if installed.is_dir() else package.parent / "rules"


def _localised(path: Path, where: list, value: Any, *, allow_list: bool = False) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise fail(path, where, "expected a mapping with en, sv and nb")
    for lang in LANGUAGES:
        text = value.get(lang)
        ok = (isinstance(text, str) and text.strip()) or (allow_list and isinstance(text, list) and text)
        if not ok:
            raise fail(path, [*where, lang] if lang in value else where, f"missing or empty {lang!r} text")
    extra = set(value) - set(LANGUAGES)
    if extra:
        raise fail(path, [*where, sorted(extra)[0]], f"unknown language; use {', '.join(LANGUAGES)}")
    return dict(value)


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
                    ctx = item.get("context") or {}
                    try:
                        parsed.append(Example(item["text"], GoalContext(**ctx)))
                    except TypeError as exc:
                        raise fail(path, [*where, lang, kind, i], f"bad example context: {exc}") from exc
                else:
                    raise fail(path, [*where, lang, kind, i], "an example is a text or {text: ..., context: {...}}")
            target[lang] = tuple(parsed)
        extra = set(block) - {"fire", "pass"}
        if extra:
            raise fail(path, [*where, lang, sorted(extra)[0]], "examples are listed under fire and pass")
    return fire, passing


def _load_rule(path: Path, named_terms: Mapping[str, TermMatcher], tags_known: set[str]) -> Rule:
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
    texts = {key: _localised(path, [key], data[key]) for key in ("title", "message", "suggestion", "rationale")}
    for key, localised in texts.items():
        for lang, text in localised.items():
            try:
                fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            except ValueError as exc:
                raise fail(path, [key, lang], f"bad {{placeholder}}: {exc}") from exc
            if fields - MESSAGE_FIELDS:
                raise fail(
                    path,
                    [key, lang],
                    f"unknown placeholder {{{sorted(fields - MESSAGE_FIELDS)[0]}}}; "
                    f"use {', '.join('{' + f + '}' for f in sorted(MESSAGE_FIELDS))}",
                )
    when = compile_condition(data["when"], path, ["when"], named_terms, tags_known)
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
        path,
    )


def _load_concepts(path: Path, concepts: dict[str, tuple[dict, Path]]) -> None:
    data = load_yaml(path)
    if not isinstance(data, Mapping) or not isinstance(data.get("concepts"), Mapping):
        raise RuleFileError(path, 1, "a metric lexicon is a mapping with a 'concepts' mapping")
    for cid, spec in data["concepts"].items():
        where = ["concepts", cid]
        if not isinstance(spec, Mapping):
            raise fail(path, where, "a concept is a mapping")
        unknown = set(spec) - CONCEPT_KEYS
        if unknown:
            raise fail(path, [*where, sorted(unknown)[0]], f"unknown field; expected {', '.join(sorted(CONCEPT_KEYS))}")
        level = spec.get("level")
        if level is not None and not (isinstance(level, int) and 1 <= level <= 5):
            raise fail(path, [*where, "level"], "level is 1–5 or null")
        if spec.get("stage") not in (None, *STAGES):
            raise fail(path, [*where, "stage"], f"stage is one of {', '.join(STAGES)} or null")
        if spec.get("conversion") not in (None, *CONVERSIONS):
            raise fail(path, [*where, "conversion"], "conversion is macro, micro or null")
        tags = spec.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise fail(path, [*where, "tags"], "tags is a list of names")
        _localised(path, [*where, "label"], spec.get("label"))
        terms = spec.get("terms")
        if not isinstance(terms, Mapping):
            raise fail(path, [*where, "terms"], "terms is a mapping of language → patterns")
        for lang in LANGUAGES:
            if lang not in terms:
                raise fail(path, [*where, "terms"], f"no {lang!r} terms: every concept is named in en, sv and nb")
        check_patterns(terms, path, [*where, "terms"])
        concepts[cid] = (dict(spec), path)


def _check_concept_links(concepts: Mapping[str, tuple[dict, Path]]) -> None:
    for cid, (spec, path) in concepts.items():
        for key in ("better", "base"):
            ref = spec.get(key)
            if ref is not None and ref not in concepts:
                raise fail(path, ["concepts", cid, key], f"{key} names an unknown concept {ref!r}")


def _metric_alternatives(concepts: Mapping[str, tuple[dict, Path]]) -> dict[str, list[tuple[int, str, str]]]:
    """Per language: (literal length, concept id, pattern) for every metric term."""
    return {
        lang: [
            (literal_length(pattern), cid, pattern)
            for cid, (spec, _) in concepts.items()
            for pattern in spec["terms"].get(lang) or []
        ]
        for lang in LANGUAGES
    }


def _merge(base: dict, extra: Mapping) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), dict) else value
    return out


def load_ruleset(directories: list[Path] | None = None) -> RuleSet:
    """Load and validate the built-in rules, then each extra directory over them (later files win by name)."""
    dirs = [builtin_rules_dir(), *(directories or [])]
    for d in dirs:
        if not d.is_dir():
            raise RuleFileError(d, None, "no such rules directory")
    concepts: dict[str, tuple[dict, Path]] = {}
    term_specs: dict[str, tuple[Mapping, Path]] = {}
    vocabulary_words: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    letters: dict[str, str] = {}
    phrases: dict[str, Any] = {}
    for d in dirs:
        lex = d / "lexicons"
        for path in sorted(lex.glob("*.yml")) if lex.is_dir() else []:
            if path.stem == "metrics" or path.stem.startswith("metrics-"):
                _load_concepts(path, concepts)
            elif path.stem == "terms":
                data = load_yaml(path)
                if not isinstance(data, Mapping) or not isinstance(data.get("terms"), Mapping):
                    raise RuleFileError(path, 1, "a term file is a mapping with a 'terms' mapping")
                term_specs.update({name: (spec, path) for name, spec in data["terms"].items()})
            elif path.stem == "languages":
                data = load_yaml(path)
                langs = data.get("languages") if isinstance(data, Mapping) else None
                if not isinstance(langs, Mapping):
                    raise RuleFileError(path, 1, "a language file is a mapping with a 'languages' mapping")
                for lang, spec in langs.items():
                    if lang == "chars":
                        letters.update(spec)
                        continue
                    if (
                        lang not in LANGUAGES
                        or not isinstance(spec, Mapping)
                        or not isinstance(spec.get("words"), list)
                    ):
                        raise fail(path, ["languages", lang], "expected en, sv or nb with a 'words' list")
                    vocabulary_words[lang].update(str(w).lower() for w in spec["words"])
            elif path.stem == "phrases":
                data = load_yaml(path)
                if not isinstance(data, Mapping):
                    raise RuleFileError(path, 1, "the phrase file is a mapping")
                phrases = _merge(phrases, data)
            else:
                raise RuleFileError(path, None, "unknown lexicon file; expected metrics, terms, languages or phrases")
    if not concepts:
        raise RuleFileError(dirs[0] / "lexicons" / "metrics.yml", None, "no metric concepts found")
    _check_concept_links(concepts)
    terms = {name: compile_terms(spec, path, ["terms", name]) for name, (spec, path) in term_specs.items()}
    tags_known = {t for spec, _ in concepts.values() for t in spec.get("tags", [])}
    rule_files: dict[str, Path] = {}
    for d in dirs:
        for path in sorted(d.glob("*.yml")):
            rule_files[path.stem] = path
    rules = [_load_rule(path, terms, tags_known) for path in rule_files.values()]
    rules.sort(key=lambda r: (SEVERITIES.index(r.severity), r.id))
    vocabulary: dict[str, dict[str, float]] = {}
    for lang, words in vocabulary_words.items():
        for word in words:
            vocabulary.setdefault(word, {})[lang] = 1.0
    for weights in vocabulary.values():
        share = 1.0 / len(weights)
        for lang in weights:
            weights[lang] = share
    built = {
        cid: Concept(
            cid,
            spec.get("level"),
            spec.get("stage"),
            spec.get("conversion"),
            frozenset(spec.get("tags", [])),
            spec["label"],
            spec.get("better"),
            spec.get("base"),
        )
        for cid, (spec, _) in concepts.items()
    }
    return RuleSet(rules, built, _metric_alternatives(concepts), terms, vocabulary, letters, phrases, dirs)


def _split_dirs(value: str | None) -> list[Path]:
    return [Path(p) for p in value.split(os.pathsep) if p] if value else []


@lru_cache(maxsize=8)
def _cached(dirs: tuple[Path, ...]) -> RuleSet:
    return load_ruleset(list(dirs))


@lru_cache(maxsize=8)
def _cached_for_env(value: str | None) -> RuleSet:
    """Relative directories in the variable are resolved against the working directory of the first use."""
    return _cached(tuple(Path(d).resolve() for d in _split_dirs(value)))


@lru_cache(maxsize=1)
def _rules_dir_setting() -> str | None:
    # Read once: an absent variable costs a raised and caught KeyError on every os.environ.get.
    return os.environ.get(RULES_DIR_ENV)


def default_ruleset(extra_dirs: list[Path] | None = None) -> RuleSet:
    """The rule set for this process: built-in rules plus `KPI_ADVISOR_RULES_DIR` (or the given directories).

    The variable is read on first use; setting it later in the same process does not load other rules. Called on
    every grading and by every Block Kit builder, so the usual case is two cache hits."""
    if extra_dirs is None:
        return _cached_for_env(_rules_dir_setting())
    return _cached(tuple(Path(d).resolve() for d in extra_dirs))

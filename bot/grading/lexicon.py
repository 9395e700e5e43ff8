"""Loading the lexicons in ``rules/lexicons/``: every file validated, a team's directory merged over the built-in one.

The files are the grader's knowledge, kept as data (``kpi-advisor rules lint`` checks them):
  metrics.yml     metric concepts: goal-model level, REAL stage, macro/micro, which way is good, phrases per language
  terms.yml       named phrase lists the rules ask about ("frequency", "generic-benchmark", …)
  directions.yml  words that say which way a goal wants its metric to move, and which clause states the goal
  numbers.yml     scale words, units and currencies, multipliers, the cue words around targets and baselines
  dates.yml       months, seasons, units, prepositions and fixed phrases the deadline reader resolves
  languages.yml   the words that tell en, sv and nb apart, and the letters only one of them writes
  phrases.yml     the words the grader writes itself (better-goal templates, placeholders, month names)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .phrases import Node, PhraseError, PhraseIndex, atom_keys, parse
from .vocabulary import Vocabulary
from .yamlfile import PathKey, RuleFileError, fail, load_yaml

LANGUAGES = ("en", "sv", "nb")
STAGES = ("reach", "engage", "activate", "loyalty")
CONVERSIONS = ("macro", "micro")
POLARITIES = ("higher", "lower")
CONCEPT_KEYS = {"level", "stage", "conversion", "tags", "label", "terms", "instead", "base", "polarity", "as-rate"}
READER_LISTS = {
    "directions": ("increase", "reach", "decrease", "improve", "past", "clause-break", "channel"),
    "numbers": (
        *("from", "to", "baseline-before", "baseline-after", "baseline-after-direct", "target-before"),
        *("relative-before", "compared-before"),
        *("change-after", "not-target-before", "not-target-after", "duration-after", "times", "approximately"),
    ),
}
DATE_PHRASES = ("this-year", "next-year", "this-quarter", "next-quarter", "this-month", "next-month", "this-week")
DATE_PHRASES += ("next-week", "first-half", "second-half")
PERIODS = ("day", "week", "month", "quarter", "year")
NOT_A_METRIC = ""  # the label of the not-metrics phrases: they win the words they match, and name nothing
LANGUAGE_NEUTRAL_LISTS = frozenset({"phrase-bounds"})  # short function words: "i" is English too, and "på" Swedish
VOCABULARY_WEIGHT = 1.0  # languages.yml words
LEXICON_WEIGHT = 0.5  # words of metric and cue phrases


class Concept(NamedTuple):
    id: str
    level: int | None
    stage: str | None
    conversion: str | None
    tags: frozenset[str]
    label: Mapping[str, str]
    instead: str | None  # the level-4/5 concept to propose when a finding asks for another metric
    base: str | None  # for a cost, the volume it is the cost of
    polarity: str  # higher | lower: which way is good
    as_rate: str | None = None  # the concept it is when its numbers are percentages ("konverteringen till 3 %")


@dataclass
class DateWords:
    months: dict[str, int] = field(default_factory=dict)
    units: dict[str, tuple[int, str]] = field(default_factory=dict)  # word → (count, "d" days | "m" months)
    counts: dict[str, int] = field(default_factory=dict)
    ordinals: dict[str, int] = field(default_factory=dict)
    seasons: dict[str, tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=dict)
    prepositions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    campaign: frozenset[str] = frozenset()
    week_words: frozenset[str] = frozenset()
    quarter_words: frozenset[str] = frozenset()


@dataclass
class NumberWords:
    scales: dict[str, float] = field(default_factory=dict)
    units: dict[str, tuple[str, float]] = field(default_factory=dict)  # word → (unit or currency code, factor)
    symbols: dict[str, str] = field(default_factory=dict)
    money_metric: str | None = None  # the concept of a goal that names only an amount of money


@dataclass
class Lexicon:
    """The lexicons, validated and compiled."""

    concepts: dict[str, Concept]
    phrases_index: PhraseIndex  # metric phrases and cue lists, in one automaton
    cue_names: frozenset[str]
    words: Vocabulary
    numbers: NumberWords
    dates: DateWords
    letters: dict[str, str]
    phrases: dict[str, Any]
    abbreviations: dict[str, str]


def _phrase(path: Path, where: PathKey, source: Any) -> Node:
    if not isinstance(source, str) or not source.strip():
        raise fail(path, where, "a phrase is a non-empty text")
    try:
        return parse(source)
    except PhraseError as exc:
        raise fail(path, where, f"bad phrase: {exc}") from exc


def localised(path: Path, where: PathKey, value: Any) -> dict[str, str]:
    """A text in each of en, sv and nb."""
    if not isinstance(value, Mapping):
        raise fail(path, where, "expected a mapping with en, sv and nb")
    for lang in LANGUAGES:
        text = value.get(lang)
        if not (isinstance(text, str) and text.strip()):
            raise fail(path, [*where, lang] if lang in value else where, f"missing or empty {lang!r} text")
    extra = set(value) - set(LANGUAGES)
    if extra:
        raise fail(path, [*where, sorted(extra)[0]], f"unknown language; use {', '.join(LANGUAGES)}")
    return dict(value)


def phrase_lists(path: Path, where: PathKey, value: Any, *, every_language: bool = True) -> dict[str, list[Node]]:
    """{lang: [phrase, ...]}, parsed; with ``every_language`` each of en, sv and nb must be there."""
    if not isinstance(value, Mapping) or not value:
        raise fail(path, where, "expected a mapping of language → list of phrases")
    out: dict[str, list[Node]] = {}
    for lang, items in value.items():
        if lang not in LANGUAGES:
            raise fail(path, [*where, lang], f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        if not isinstance(items, list) or not items:
            raise fail(path, [*where, lang], "expected a non-empty list of phrases")
        out[lang] = [_phrase(path, [*where, lang, i], item) for i, item in enumerate(items)]
    missing = [lang for lang in LANGUAGES if lang not in out]
    if every_language and missing:
        raise fail(path, where, f"no {missing[0]!r} phrases: every list is written in en, sv and nb")
    return out


def _mapping(path: Path, where: PathKey, value: Any, what: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise fail(path, where, f"expected {what}")
    return value


def _level(path: Path, where: PathKey, spec: Mapping) -> int | None:
    level = spec.get("level")
    if level is not None and not (isinstance(level, int) and 1 <= level <= 5):
        raise fail(path, [*where, "level"], "level is 1–5 or null")
    return level


def _concept(path: Path, cid: str, spec: Any) -> tuple[dict, dict[str, list[Node]]]:
    where = ["concepts", cid]
    spec = _mapping(path, where, spec, "a concept mapping")
    unknown = set(spec) - CONCEPT_KEYS
    if unknown:
        raise fail(path, [*where, sorted(unknown)[0]], f"unknown field; expected {', '.join(sorted(CONCEPT_KEYS))}")
    _level(path, where, spec)
    for key, allowed in (("stage", STAGES), ("conversion", CONVERSIONS), ("polarity", POLARITIES)):
        if spec.get(key) not in (None, *allowed):
            raise fail(path, [*where, key], f"{key} is one of {', '.join(allowed)} or left out")
    tags = spec.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail(path, [*where, "tags"], "tags is a list of names")
    localised(path, [*where, "label"], spec.get("label"))
    return dict(spec), phrase_lists(path, [*where, "terms"], spec.get("terms"))


def _scalar_map(path: Path, where: PathKey, value: Any, check, what: str) -> dict[str, Any]:
    value = _mapping(path, where, value, f"a mapping of word → {what}")
    out = {}
    for word, item in value.items():
        parsed = check(item)
        if parsed is None:
            raise fail(path, [*where, word], f"expected {what}")
        out[str(word).lower()] = parsed
    return out


def _month_day(text: Any) -> tuple[int, int] | None:
    try:
        month, day = (int(p) for p in str(text).split("-"))
    except ValueError:
        return None
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _season(item: Any) -> tuple[tuple[int, int], tuple[int, int]] | None:
    parts = str(item).split()
    days = [_month_day(p) for p in parts]
    if len(days) != 2 or None in days:
        return None
    return days[0], days[1]  # type: ignore[return-value]


def _unit(item: Any) -> tuple[int, str] | None:
    text = str(item)
    if len(text) >= 2 and text[:-1].isdigit() and text[-1] in "dm":
        return int(text[:-1]), text[-1]
    return None


def _positive_int(item: Any) -> int | None:
    return item if isinstance(item, int) and not isinstance(item, bool) and item > 0 else None


def _per_language(path: Path, where: PathKey, value: Any, check, what: str) -> dict[str, Any]:
    value = _mapping(path, where, value, "a mapping of language → words")
    out: dict[str, Any] = {}
    for lang in LANGUAGES:
        if lang not in value:
            raise fail(path, where, f"no {lang!r} words")
        out.update(_scalar_map(path, [*where, lang], value[lang], check, what))
    return out


class _Collector:
    """Everything read from the lexicon files of every directory, later files winning by name."""

    def __init__(self) -> None:
        self.concepts: dict[str, tuple[dict, dict[str, list[Node]], Path]] = {}
        self.lists: dict[str, tuple[dict[str, list[Node]], Path]] = {}
        self.vocabulary: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        self.letters: dict[str, str] = {}
        self.phrases: dict[str, Any] = {}
        self.numbers = NumberWords()
        self.dates = DateWords()
        self.abbreviations: dict[str, str] = {}
        self.not_metrics: dict[str, list[Node]] = {}
        self.money_metric_path = Path()

    def metrics(self, path: Path, data: Any) -> None:
        data = _mapping(path, [], data, "a metric lexicon: a mapping with a 'concepts' mapping")
        concepts = _mapping(path, ["concepts"], data.get("concepts"), "a 'concepts' mapping")
        for cid, spec in concepts.items():
            parsed, terms = _concept(path, str(cid), spec)
            self.concepts[str(cid)] = (parsed, terms, path)
        if "not-metrics" in data:
            self.not_metrics.update(phrase_lists(path, ["not-metrics"], data["not-metrics"], every_language=False))
        abbreviations = data.get("abbreviations", [])
        if not isinstance(abbreviations, list) or not all(isinstance(a, str) for a in abbreviations):
            raise fail(path, ["abbreviations"], "abbreviations is a list of words as they are written (ROAS)")
        self.abbreviations.update({a.lower(): a for a in abbreviations})

    def terms(self, path: Path, data: Any) -> None:
        lists = _mapping(path, ["terms"], _mapping(path, [], data, "a mapping").get("terms"), "a 'terms' mapping")
        for name, spec in lists.items():
            self.lists[str(name)] = (phrase_lists(path, ["terms", name], spec), path)

    def directions(self, path: Path, data: Any) -> None:
        data = _mapping(path, [], data, "a mapping of list name → phrases per language")
        for name, spec in data.items():
            if name not in READER_LISTS["directions"]:
                raise fail(path, [name], f"unknown list; expected {', '.join(READER_LISTS['directions'])}")
            self.lists[name] = (phrase_lists(path, [name], spec), path)

    def numbers_file(self, path: Path, data: Any) -> None:
        data = _mapping(path, [], data, "a mapping")
        known = {"scales", "units", "symbols", "multipliers", "cues", "money-metric"}
        for key in data:
            if key not in known:
                raise fail(path, [key], f"unknown section; expected {', '.join(sorted(known))}")
        if "scales" in data:
            number = (lambda v: float(v) if isinstance(v, int | float) and v > 0 else None, "a positive number")
            self.numbers.scales.update(_scalar_map(path, ["scales"], data["scales"], *number))
        if "units" in data:
            self.numbers.units.update(
                _scalar_map(path, ["units"], data["units"], _unit_spec, "'CODE' or 'CODE FACTOR'")
            )
        if "symbols" in data:
            code = (lambda v: v if isinstance(v, str) and v else None, "a currency code")
            self.numbers.symbols.update(_scalar_map(path, ["symbols"], data["symbols"], *code))
        if "money-metric" in data:
            if not isinstance(data["money-metric"], str):
                raise fail(path, ["money-metric"], "expected a concept id")
            self.numbers.money_metric = data["money-metric"]
            self.money_metric_path = path
        for factor, spec in _mapping(path, ["multipliers"], data.get("multipliers", {}), "factor → phrases").items():
            if not isinstance(factor, int | float) or factor <= 0:
                raise fail(path, ["multipliers", factor], "a multiplier is a positive number (2, 3, 0.5)")
            self.lists[f"multiplier:{factor}"] = (phrase_lists(path, ["multipliers", factor], spec), path)
        for name, spec in _mapping(path, ["cues"], data.get("cues", {}), "a mapping of cue lists").items():
            if name not in READER_LISTS["numbers"]:
                raise fail(path, ["cues", name], f"unknown cue list; expected {', '.join(READER_LISTS['numbers'])}")
            self.lists[name] = (phrase_lists(path, ["cues", name], spec), path)

    def dates_file(self, path: Path, data: Any) -> None:
        data = _mapping(path, [], data, "a mapping")
        d = self.dates
        readers = {
            "months": (lambda v: v if isinstance(v, int) and 1 <= v <= 12 else None, "a month number 1–12"),
            "units": (_unit, "a length such as 1d, 7d, 1m, 3m, 12m"),
            "counts": (_positive_int, "a whole number"),
            "ordinals": (lambda v: v if v in (1, 2, 3, 4) else None, "1–4"),
        }
        for key, (check, what) in readers.items():
            if key in data:
                getattr(d, key).update(_per_language(path, [key], data[key], check, what))
        if "seasons" in data:
            for lang, spec in _mapping(path, ["seasons"], data["seasons"], "seasons per language").items():
                spec = _mapping(path, ["seasons", lang], spec, "a mapping of season → 'MM-DD MM-DD'")
                for name, days in spec.items():
                    parsed = _season(days)
                    if parsed is None:
                        raise fail(path, ["seasons", lang, name], "expected 'MM-DD MM-DD' (first and last day)")
                    name = str(name).lower()
                    d.seasons[name] = parsed
                    self.lists[f"season:{name}"] = ({lang: [_phrase(path, ["seasons", lang, name], name)]}, path)
        for role, words in _mapping(path, ["prepositions"], data.get("prepositions", {}), "roles").items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise fail(path, ["prepositions", role], "expected a list of words")
            d.prepositions[role] = tuple(sorted({w.lower() for w in words}, key=len, reverse=True))
        for name, spec in _mapping(path, ["phrases"], data.get("phrases", {}), "name → phrases").items():
            if name not in DATE_PHRASES:
                raise fail(path, ["phrases", name], f"unknown date phrase; expected {', '.join(DATE_PHRASES)}")
            self.lists[f"date:{name}"] = (phrase_lists(path, ["phrases", name], spec), path)
        for name, spec in _mapping(path, ["periods"], data.get("periods", {}), "period → phrases").items():
            if name not in PERIODS:
                raise fail(path, ["periods", name], f"unknown period; expected {', '.join(PERIODS)}")
            self.lists[f"period:{name}"] = (phrase_lists(path, ["periods", name], spec), path)
        for key in ("campaign", "week-words", "quarter-words"):
            if key in data:
                words = data[key]
                if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                    raise fail(path, [key], "expected a list of words")
                setattr(d, key.replace("-", "_"), frozenset(w.lower() for w in words))

    def languages(self, path: Path, data: Any) -> None:
        langs = _mapping(path, ["languages"], _mapping(path, [], data, "a mapping").get("languages"), "languages")
        for lang, spec in langs.items():
            if lang == "chars":
                self.letters.update(_mapping(path, ["languages", "chars"], spec, "language → letters"))
                continue
            if lang not in LANGUAGES or not isinstance(spec, Mapping) or not isinstance(spec.get("words"), list):
                raise fail(path, ["languages", lang], "expected en, sv or nb with a 'words' list")
            self.vocabulary[lang].update(str(w).lower() for w in spec["words"])

    def phrases_file(self, path: Path, data: Any) -> None:
        self.phrases = _merge(self.phrases, _mapping(path, [], data, "a mapping"))


def _unit_spec(item: Any) -> tuple[str, float] | None:
    parts = str(item).split()
    if len(parts) == 1:
        return parts[0], 1.0
    if len(parts) == 2:
        try:
            return parts[0], float(parts[1])
        except ValueError:
            return None
    return None


def _merge(base: dict, extra: Mapping) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), dict) else value
    return out


_FILES = {
    "metrics": _Collector.metrics,
    "terms": _Collector.terms,
    "directions": _Collector.directions,
    "numbers": _Collector.numbers_file,
    "dates": _Collector.dates_file,
    "languages": _Collector.languages,
    "phrases": _Collector.phrases_file,
}


def read_lexicons(dirs: list[Path]) -> _Collector:
    collected = _Collector()
    for d in dirs:
        lex = d / "lexicons"
        for path in sorted(lex.glob("*.yml")) if lex.is_dir() else []:
            stem = "metrics" if path.stem.startswith("metrics-") else path.stem
            reader = _FILES.get(stem)
            if reader is None:
                raise RuleFileError(path, None, f"unknown lexicon file; expected one of {', '.join(_FILES)}")
            reader(collected, path, load_yaml(path))
    if not collected.concepts:
        raise RuleFileError(dirs[0] / "lexicons" / "metrics.yml", None, "no metric concepts found")
    money = collected.numbers.money_metric
    if money is not None and money not in collected.concepts:
        raise fail(collected.money_metric_path, ["money-metric"], f"no concept {money!r} in the metric lexicons")
    for cid, (spec, _, path) in collected.concepts.items():
        for key in ("instead", "base", "as-rate"):
            ref = spec.get(key)
            if ref is not None and ref not in collected.concepts:
                raise fail(path, ["concepts", cid, key], f"{key} names an unknown concept {ref!r}")
    return collected


def build_lexicon(collected: _Collector, extra_lists: dict[str, dict[str, list[Node]]]) -> Lexicon:
    """Compile what was read (plus the rules' own phrase lists) into the indexes the grader uses."""
    vocabulary = Vocabulary()
    for lang, words in collected.vocabulary.items():
        for word in words:
            for key in atom_keys(parse(word)) if word.strip() else ():
                vocabulary.add(key, lang, VOCABULARY_WEIGHT)
    metric_phrases = []
    for cid, (_, terms, _) in collected.concepts.items():
        for lang, nodes in terms.items():
            metric_phrases += [(cid, lang, node) for node in nodes]
    for lang, nodes in collected.not_metrics.items():
        metric_phrases += [(NOT_A_METRIC, lang, node) for node in nodes]
    cue_phrases = [
        (name, lang, node)
        for name, lists in [*((n, s) for n, (s, _) in collected.lists.items()), *extra_lists.items()]
        for lang, nodes in lists.items()
        for node in nodes
    ]
    for name, lang, node in [*metric_phrases, *cue_phrases]:
        weight = 0.0 if name in LANGUAGE_NEUTRAL_LISTS else LEXICON_WEIGHT
        for key in atom_keys(node):
            vocabulary.add(key, lang if weight else None, weight)
    numbers, dates = collected.numbers, collected.dates
    neutral = [*numbers.scales, *numbers.units, *dates.months, *dates.units, *dates.counts, *dates.ordinals]
    for word in neutral:
        vocabulary.add("w:" + word, None, 0.0)
    vocabulary.finish()
    scale_keys = frozenset("w:" + w for w in numbers.scales)
    concepts = {
        cid: Concept(
            cid,
            spec.get("level"),
            spec.get("stage"),
            spec.get("conversion"),
            frozenset(spec.get("tags", [])),
            spec["label"],
            spec.get("instead"),
            spec.get("base"),
            spec.get("polarity") or "higher",
            spec.get("as-rate"),
        )
        for cid, (spec, _, _) in collected.concepts.items()
    }
    return Lexicon(
        concepts=concepts,
        phrases_index=PhraseIndex(
            [
                *((c, lang, True, node) for c, lang, node in metric_phrases),
                *((n, lang, False, node) for n, lang, node in cue_phrases),
            ],
            scale_keys,
        ),
        cue_names=frozenset(collected.lists) | frozenset(extra_lists),
        words=vocabulary,
        numbers=numbers,
        dates=dates,
        letters=collected.letters,
        phrases=collected.phrases,
        abbreviations=collected.abbreviations,
    )

"""Numbers, units, targets and baselines in goal texts.

People write `10,000`, `10 000`, `1,5 %`, `2 MSEK`, `1,2 millioner`, `10k`; targets come as `from X to Y`, `by 25 %`,
`double`, `fördubbla`, `tredoble`. Deadline phrases are masked before this runs so years and days never become targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import Quantity
from .required import holds_any
from .word_start import WordStartScan

_NUM = (
    r"(?P<num>[0-9]{1,3}(?: [0-9]{3})+(?![0-9])|[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]{1,3}(?:\.[0-9]{3})+(?![0-9])"
    r"|[0-9]+(?:[.,][0-9]+)?)"
)
_SCALE = (
    r"(?: ?(?P<scale>k|tusen|thousand|millions?|miljon(?:er)?|millioner|million|mill\.?|mln|mio|miljard(?:er)?"
    r"|milliard(?:er)?|billion|bn)(?!\w))?"
)
_UNIT = (
    r"(?: ?(?P<unit>%|procent|prosent|percent|per cent|pct|msek|mnok|mkr|mnkr|tkr|kr\.?|kronor|kroner|sek|nok|dkk"
    r"|eur|euro|€|usd|\$|£)(?!\w))?"
)
QUANTITY = r"(?P<cur>[$€£] ?)?" + _NUM + _SCALE + _UNIT
_DIGIT = re.compile(r"[0-9]")
_QUANTITY_RX = WordStartScan(QUANTITY, before=r"[\w.,]", separator=r"[^\w.,]")

_SCALES = {
    "k": 1e3,
    "tusen": 1e3,
    "thousand": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "miljon": 1e6,
    "miljoner": 1e6,
    "millioner": 1e6,
    "mill": 1e6,
    "mill.": 1e6,
    "mln": 1e6,
    "mio": 1e6,
    "miljard": 1e9,
    "miljarder": 1e9,
    "milliard": 1e9,
    "milliarder": 1e9,
    "billion": 1e9,
    "bn": 1e9,
}
_CURRENCY = {
    "msek": ("SEK", 1e6),
    "mnok": ("NOK", 1e6),
    "mkr": ("kr", 1e6),
    "mnkr": ("kr", 1e6),
    "tkr": ("kr", 1e3),
    "kr": ("kr", 1),
    "kr.": ("kr", 1),
    "kronor": ("SEK", 1),
    "kroner": ("NOK", 1),
    "sek": ("SEK", 1),
    "nok": ("NOK", 1),
    "dkk": ("DKK", 1),
    "eur": ("EUR", 1),
    "euro": ("EUR", 1),
    "€": ("EUR", 1),
    "usd": ("USD", 1),
    "$": ("USD", 1),
    "£": ("GBP", 1),
}
_PERCENT = {"%", "procent", "prosent", "percent", "per cent", "pct"}

_MULTIPLIER_WORDS = [
    (
        "x2",
        r"double[ds]?|doubling|fördubbl\w*|dubblera\w*|dubbla(?:r|s|)|doble[rt]?|fordoble\w*|twice as many"
        r"|dobbelt så mange|dubbelt så många",
    ),
    (
        "x3",
        r"triple[ds]?|tripling|treble[ds]?|tredubbl\w*|tredoble\w*|three times as many|tre ganger så mange"
        r"|tre gånger så många",
    ),
    ("x4", r"quadruple[ds]?|fyrdubbl\w*|firedoble\w*"),
    ("x5", r"femdubbl\w*|femdoble\w*"),
    ("x10", r"tiodubbl\w*|tidoble\w*|tenfold"),
    ("x0_5", r"halve[ds]?|halving|halver\w*|cut in half|by half|med hälften|med halvparten"),
]
MULTIPLIERS = WordStartScan(
    r"(?:" + "|".join(f"(?P<{name}>{words})" for name, words in _MULTIPLIER_WORDS) + r")(?!\w)",
    before=r"\w",
    separator=r"\W",
)
_TIMES = re.compile(
    r"(?<!\w)(?:x ?(?P<a>[0-9]+)|(?P<b>[0-9]+) ?x|(?P<c>[0-9]+) (?:times|gånger|ganger) "
    r"(?:more|as many|as much|fler|så många|så mycket|flere|så mange|så mye))(?!\w)"
)

# Strings a pattern cannot match without: checking them with `in` is far cheaper than a failed search.
_FROM_NEEDS = ("fr",)  # from, från, fra
_ARROW_NEEDS = ("->", "→")
_TIMES_NEEDS = ("x", "times", "gånger", "ganger")
_FROM_TO = re.compile(
    r"(?<!\w)(?:from|från|fra|går från|gå fra) (?:today's |dagens |)(?P<a>" + QUANTITY.replace("?P<", "?P<a_") + r")"
    r"(?: \w+){0,3}? (?:to|till|til|->|→|-) (?P<b>" + QUANTITY.replace("?P<", "?P<b_") + r")"
)
_ARROW = re.compile(
    r"(?P<a>" + QUANTITY.replace("?P<", "?P<a_") + r") ?(?:->|→) ?(?P<b>" + QUANTITY.replace("?P<", "?P<b_") + ")"
)
_RELATIVE = re.compile(
    r"(?:(?<!\w)(?:by|med|with|up|upp|opp|around|about|ca\.?|cirka|omkring|rundt) |(?<![\w.,])(?P<sign>[+-]) ?)"
    r"(?P<q>" + QUANTITY.replace("?P<", "?P<q_") + ")"
)
_PCT_CHANGE = re.compile(
    r"(?P<q>" + QUANTITY.replace("?P<", "?P<q_") + r") (?:more|fewer|higher|lower|less|growth|increase|decrease|uplift|"
    r"fler|färre|mer|mindre|högre|lägre|ökning|minskning|tillväxt|flere|færre|høyere|lavere|økning|reduksjon|vekst"
    r"|nedgang)(?!\w)"
)
_EXCLUDED_BEFORE = re.compile(
    r"(?:(?:frequency|frekvens\w*)(?: of| på| av)?|i snitt|top|topp|rank\w*|plass|plats|nr\.?|no\.?"
    r"|nummer|step|steg|level|nivå|version|v\.)\s*$"
)
_EXCLUDED_AFTER = re.compile(
    r"^\s*(?:times|gånger|ganger|seconds?|sekunder|sek\b|s\b|minutes?|minuter|minutter|hours?|timmar|timer"
    r"|stars?|stjärnor|stjerner|of \d|av \d|out of|/\s*[0-9])"
)
# Words right before a number that make it the target ("to 35", "minst 40"). Checked with str.endswith on the text
# before the number: the regex equivalent, anchored at the end, was tried from every position of that text.
_TARGET_CUES = (
    "to", "till", "til", "reach", "nå", "above", "over", "at least", "minst", "minimum", "under", "below", "max",
    "max.", "maximum", "högst", "maks", "maks.", "min", "min.", "≥", ">", "<", "≤", "target", "mål", "goal", "of",
    "på", "at", "hit", "get", "få", "achieve", "uppnå", "oppnå", "about", "around", "ca", "ca.",
)  # fmt: skip
_DECREASE = WordStartScan(
    r"(?:lower\w*|reduc\w*|cut\w*|decreas\w*|halve\w*|minimi[sz]e\w*|drop\w*|bring down|below|under|fewer|less"
    r"|sänk\w*|minsk\w*|halver\w*|reducer\w*|färre|lägre|högst|senke\w*|kutt\w*|færre|lavere|maks\w*|max)(?!\w)",
    before=r"\w",
    separator=r"\W",
)
_INCREASE = WordStartScan(
    r"(?:increas\w*|grow\w*|rais\w*|boost\w*|improv\w*|more|higher|doubl\w*|tripl\w*|get|reach|drive|gain"
    r"|öka\w*|höj\w*|fler|mer|högre|fördubbl\w*|få|nå|øke\w*|hev\w*|flere|høyere|dobl\w*|vekst|tillväxt)(?!\w)",
    before=r"\w",
    separator=r"\W",
)


@dataclass
class Targets:
    target: Quantity | None = None
    baseline: Quantity | None = None
    relative_pct: float | None = None
    multiplier: float | None = None
    direction: str = "increase"


_COMMA_GROUPS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_DOT_GROUPS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")


def _value(m: re.Match, prefix: str, language: str, span: tuple[int, int] | None = None) -> Quantity | None:
    """The quantity in ``m``'s groups named ``prefix`` + num/scale/unit/cur; ``span`` is where the whole quantity
    is when ``prefix`` is empty (by default ``m``'s own span)."""
    g = m.groupdict()
    raw = g[prefix + "num"]
    if raw is None:
        return None
    digits = raw.replace(" ", "")
    if _COMMA_GROUPS.fullmatch(digits):
        digits = digits.replace(",", "")
    elif _DOT_GROUPS.fullmatch(digits) and (language != "en" or digits.count(".") > 1):
        digits = digits.replace(".", "")
    else:
        digits = digits.replace(",", ".")
    try:
        value = float(digits)
    except ValueError:
        return None
    scale = g.get(prefix + "scale")
    if scale:
        value *= _SCALES.get(scale, 1)
    unit_raw = g.get(prefix + "unit") or (g.get(prefix + "cur") or "").strip() or None
    unit = None
    if unit_raw in _PERCENT:
        unit = "%"
    elif unit_raw:
        code, factor = _CURRENCY.get(unit_raw, (unit_raw.upper(), 1))
        value *= factor
        unit = {"sv": "SEK", "nb": "NOK"}.get(language, "kr") if code == "kr" else code
    if prefix:
        return Quantity(value, unit, m.start(prefix[:-1]), m.end(prefix[:-1]), m.group(prefix[:-1]))
    start, end = span or m.span()
    return Quantity(value, unit, start, end, m.string[start:end])


def all_quantities(text: str, language: str) -> list[Quantity]:
    out = []
    for start, end, m in _QUANTITY_RX.finditer(text):
        q = _value(m, "", language, span=(start, end))
        if q is not None:
            out.append(q)
    return out


def direction_of(text: str) -> str:
    """Whether the goal asks for more or less: the first verb or comparative that says so."""
    down, up = _DECREASE.search(text), _INCREASE.search(text)
    if down and (not up or down[0] < up[0]):
        return "decrease"
    return "increase"


def find_targets(text: str, language: str, blocked: list[tuple[int, int]]) -> Targets:
    """The target, the baseline and any relative change, from text whose deadline phrases are already masked."""
    result = Targets(direction=direction_of(text))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in blocked)

    used: list[tuple[int, int]] = []
    has_digit = _DIGIT.search(text) is not None
    for rx, needs in ((_FROM_TO, _FROM_NEEDS), (_ARROW, _ARROW_NEEDS)) if has_digit else ():
        if not holds_any(text, needs):
            continue
        m = rx.search(text)
        if m and free(*m.span()):
            a, b = _value(m, "a_", language), _value(m, "b_", language)
            if a is not None and b is not None:
                if a.unit is None and b.unit is not None:
                    a = Quantity(a.value, b.unit, a.start, a.end, a.raw)
                result.baseline, result.target = a, b
                result.direction = "decrease" if b.value < a.value else "increase"
                used.append(m.span())
                break
    if result.target is None and has_digit and holds_any(text, _PERCENT):
        for rx in (_RELATIVE, _PCT_CHANGE):
            for m in rx.finditer(text):
                q = _value(m, "q_", language)
                if q is None or q.unit != "%" or not free(q.start, q.end):
                    continue
                result.relative_pct = q.value
                if m.groupdict().get("sign") == "-":
                    result.direction = "decrease"
                used.append((q.start, q.end))
                break
            if result.relative_pct is not None:
                break
    found = MULTIPLIERS.search(text)
    if found:
        m = found[2]
        result.multiplier = float(m.lastgroup[1:].replace("_", "."))
        if result.multiplier < 1:
            result.direction = "decrease"
    if result.multiplier is None and has_digit and holds_any(text, _TIMES_NEEDS):
        m = _TIMES.search(text)
        if m:
            result.multiplier = float(m.group("a") or m.group("b") or m.group("c"))
            used.append(m.span())
    if result.target is None and result.relative_pct is None and has_digit:
        candidates = []
        for q in all_quantities(text, language):
            if not free(q.start, q.end) or any(q.start < e and q.end > s for s, e in used):
                continue
            before, after = text[max(0, q.start - 24) : q.start], text[q.end : q.end + 16]
            # "3 times" is a frequency; "100 000 times" is a count of views.
            if _EXCLUDED_BEFORE.search(before) or (_EXCLUDED_AFTER.match(after) and q.value <= 20):
                continue
            cue = before.rstrip().endswith(_TARGET_CUES)
            candidates.append((0 if cue else 1, q.start, q))
        if candidates:
            candidates.sort(key=lambda c: (c[0], c[1]))
            result.target = candidates[0][2]
    return result

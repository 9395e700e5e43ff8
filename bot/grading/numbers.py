"""Numbers as people write them, and which of them is the target, the baseline or a relative change.

`10,000`, `10 000`, `1,5 %`, `2 MSEK`, `300 tkr`, `1.2M`, `10k`, `$5,000`: a number token, an optional scale word
and an optional unit (numbers.yml). The roles come from the cue phrases around a number ("from X to Y", "up from
60", "by 15 %", "vs 120 today", "dagens nivå 40") and from multiplier words ("double", "fördubbla"). Numbers inside a
deadline phrase were taken by the date reader first; numbers in a context clause ("fell 10 % last year") are not
the goal's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from itertools import pairwise

from .facts import Quantity
from .lexicon import NumberWords
from .phrases import Found
from .tokens import Token

MAX_DIGITS = 15  # beyond this a "number" is noise (a pasted id, a key): never a target, never a float overflow
_COMMA_GROUPS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_DOT_GROUPS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_ATTACHED_ONLY = {"m"}  # "1.2m" is a million, "5 m" is more likely metres
FROM_TO_GAP = 3  # words allowed between "from X" and "to Y" ("from 120 orders a month to 150")
NOW_GAP = 4  # words allowed between a number and "today" ("25 bikes a month now")


@dataclass
class Targets:
    target: Quantity | None = None
    baseline: Quantity | None = None
    relative_pct: float | None = None
    multiplier: float | None = None
    direction: str | None = None  # from the numbers alone: from 8 to 5 is a decrease


def _value(raw: str, language: str) -> float | None:
    digits = raw.replace(" ", "")
    if sum(c.isdigit() for c in digits) > MAX_DIGITS:
        return None
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
    return value if math.isfinite(value) else None


def quantities(tokens: Sequence[Token], words: NumberWords, language: str, taken: set[int]) -> list[Quantity]:
    """Every number outside ``taken`` token positions, with its scale and unit folded into value and unit."""
    out: list[Quantity] = []
    for i, t in enumerate(tokens):
        if t.kind != "num" or i in taken:
            continue
        value = _value(t.text, language)
        if value is None:
            continue
        start, end, unit = i, i + 1, None
        if i > 0 and tokens[i - 1].kind == "sym" and tokens[i - 1].text in words.symbols and i - 1 not in taken:
            start, unit = i - 1, words.symbols[tokens[i - 1].text]
        nxt = tokens[end] if end < len(tokens) else None
        scaled = nxt is not None and nxt.kind == "word" and nxt.read in words.scales
        if scaled and nxt is not None and (nxt.read not in _ATTACHED_ONLY or nxt.start == t.end):
            value *= words.scales[nxt.read]
            end += 1
            nxt = tokens[end] if end < len(tokens) else None
        if nxt is not None and unit is None and (nxt.read in words.units) and end not in taken:
            code, factor = words.units[nxt.read]
            value *= factor
            unit = code
            end += 1
        if unit == "kr":
            unit = {"sv": "SEK", "nb": "NOK"}.get(language, "kr")
        if not math.isfinite(value):
            continue
        text = " ".join(tok.text for tok in tokens[start:end])
        out.append(Quantity(value, unit, start, end, text))
    return out


class _Cues:
    """Where each cue list matched, by the token it starts and ends at. A word such as "about" or "ca" between a
    cue and its number does not separate them ("up from roughly 55")."""

    def __init__(self, found: dict[str, list[Found]]) -> None:
        self.found = found
        self.approximately = {f.end: f.start for f in found.get("approximately", ())}

    def ends_at(self, name: str, i: int) -> bool:
        matches = self.found.get(name, ())
        before = self.approximately.get(i)
        return any(f.end == i or f.end == before for f in matches)

    def starts_at(self, name: str, i: int) -> bool:
        return any(f.start == i for f in self.found.get(name, ()))

    def compared(self, q: Quantity) -> bool:
        """ "mot 900 tkr i fjol", "mot 1,8 MNOK i år": a number compared with, then a word about the past or now."""
        if not self.ends_at("compared-before", q.start):
            return False
        after = range(q.end, q.end + 3)
        return any(
            self.first(name, after) for name in ("past", "baseline-after", "baseline-after-direct", "date:this-year")
        )

    def said_now_after(self, tokens: Sequence[Token], q: Quantity) -> bool:
        """ "35 today", "25 bikes a month now": a present-time word right after a number or a few words later,
        with no other number in between."""
        if self.starts_at("baseline-after-direct", q.end):
            return True
        j = q.end
        while j < len(tokens) and j - q.end <= NOW_GAP:
            if self.starts_at("baseline-after", j):
                return True
            if tokens[j].kind != "word":
                return False
            j += 1
        return False

    def first(self, name: str, allowed: range) -> Found | None:
        return next((f for f in self.found.get(name, ()) if f.start in allowed), None)


def read_targets(
    tokens: Sequence[Token],
    found: dict[str, list[Found]],
    numbers: list[Quantity],
    goal: Container[int],
    *,
    durations: bool = False,
    beside_metric: Container[int] = (),
) -> Targets:
    """Target, baseline and relative change. Only numbers inside ``goal`` (the clause that states the goal) can be
    the target or the change; a stated baseline counts wherever it is."""
    cues = _Cues(found)
    result = Targets()
    used: set[int] = set()
    in_goal = [q for q in numbers if q.start in goal]
    for a, b in pairwise(in_goal):
        if b.start - a.end > FROM_TO_GAP + 1:
            continue
        between = range(a.end, b.start + 1)
        arrow = b.start == a.end + 1 and tokens[a.end].text in ("->", "→")
        if arrow or (cues.ends_at("from", a.start) and any(cues.ends_at("to", j) for j in between)):
            if a.unit is None and b.unit is not None:
                a = Quantity(a.value, b.unit, a.start, a.end, a.raw)
            result.baseline, result.target = a, b
            result.direction = "decrease" if b.value < a.value else "increase"
            used |= {a.start, b.start}
            break
    for q in in_goal:
        if q.start in used or q.unit != "%":
            continue
        before = tokens[q.start - 1] if q.start > 0 else None
        if cues.ends_at("relative-before", q.start) or (before is not None and before.text in ("+", "-")):
            result.relative_pct = q.value
            if before is not None and before.text == "-" and before.end == tokens[q.start].start:
                result.direction = "decrease"
        elif cues.starts_at("change-after", q.end):
            result.relative_pct = q.value
        else:
            continue
        used.add(q.start)
        break
    if result.baseline is None:
        for q in numbers:
            if q.start in used:
                continue
            if cues.ends_at("baseline-before", q.start) or cues.said_now_after(tokens, q) or cues.compared(q):
                result.baseline = q
                used.add(q.start)
                break
    result.multiplier = _multiplier(tokens, found, in_goal, goal, used)
    if result.target is None:
        # With a relative change ("by 25 %") only a number said to be the target counts as one too ("to at least
        # 800 cards"); without one, the best candidate.
        explicit = result.relative_pct is not None or result.multiplier is not None
        result.target = _target(cues, in_goal, used, durations, beside_metric, explicit_only=explicit)
    return result


def _multiplier(
    tokens: Sequence[Token], found: dict[str, list[Found]], in_goal: list[Quantity], goal: range, used: set[int]
) -> float | None:
    for name, matches in found.items():
        if name.startswith("multiplier:") and any(m.start in goal for m in matches):
            return float(name.partition(":")[2])
    for q in in_goal:
        if q.start in used or q.unit is not None or not 1 < q.value <= 20:
            continue
        before = tokens[q.start - 1] if q.start > 0 else None
        after = tokens[q.end] if q.end < len(tokens) else None
        attached_x = (before is not None and before.text == "x" and before.end == tokens[q.start].start) or (
            after is not None and after.text == "x" and after.start == tokens[q.end - 1].end
        )
        times = any(f.start == q.end for f in found.get("times", ()))
        if attached_x or times:
            used.add(q.start)
            return q.value
    return None


def _target(
    cues: _Cues,
    in_goal: list[Quantity],
    used: set[int],
    durations: bool,
    beside_metric: Container[int],
    *,
    explicit_only: bool = False,
) -> Quantity | None:
    """The goal's number: one right beside the metric's words ("350 bookinger", "turnover 2.4M"), else one with a
    target cue before it ("to 35", "minst 40"), else the first one that is not a frequency, a rank or (unless the
    metric is a time) a duration."""
    candidates = []
    for q in in_goal:
        if q.start in used or cues.ends_at("not-target-before", q.start):
            continue
        if cues.starts_at("not-target-after", q.end) and q.value <= 20:
            continue
        if not durations and cues.starts_at("duration-after", q.end) and q.value <= 20:
            continue
        rank = (
            0
            if (q.end in beside_metric or q.start in beside_metric)
            else 1
            if cues.ends_at("target-before", q.start)
            else 2
        )
        if rank < 2 or not explicit_only:
            candidates.append((rank, q.start, q))
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None

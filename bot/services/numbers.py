"""Numbers as people type and read them in en, sv and nb: "1 200", "1,5", "12 %", "$1,200.50".

Swedes and Norwegians write a decimal comma and group thousands with spaces; English writers use a decimal point and
comma groups. Reading both (and answering in the reader's own convention) is what makes `/kpi update 3 1,5` mean
what the person meant.
"""

from __future__ import annotations

import math
import re

# Spaces, no-break spaces, thin spaces and apostrophes group thousands ("1 200", "1'200").
_GROUP_SPACES = "\u0020\u00a0\u202f\u2009'’"
_NUMBER = re.compile(
    r"""
    (?P<sign>[-+−]?)\s*
    (?P<currency>[$€£])?\s*
    (?P<digits>\d{1,3}(?:[\u0020\u00a0\u202f\u2009'’]\d{3})+(?![\d])(?:[.,]\d+)?|\d[\d.,]*)
    \s*(?P<unit>%|kr\.?|sek|nok|eur|usd|[$€£])?
    (?=\s|$)
    """,
    re.VERBOSE | re.IGNORECASE,
)


def parse_number(text: str, language: str = "en") -> float | None:
    """Return the number ``text`` holds as a whole (e.g. a modal field), or None when it is not one number."""
    value, rest = split_leading_number(text, language)
    return value if value is not None and not rest else None


def split_leading_number(text: str, language: str = "en") -> tuple[float | None, str]:
    """Return the number at the start of ``text`` and what follows it (a note), or (None, text)."""
    stripped = text.strip()
    match = _NUMBER.match(stripped)
    if match is None:
        return None, stripped
    value = _to_float(match.group("digits"), language)
    if value is None:
        return None, stripped
    if match.group("sign") in ("-", "−"):
        value = -value
    return value, stripped[match.end() :].strip()


def _to_float(raw: str, language: str) -> float | None:
    digits = raw.translate({ord(c): None for c in _GROUP_SPACES})
    if digits.endswith((".", ",")):
        digits = digits[:-1]
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        group = "." if decimal == "," else ","
        if digits.count(decimal) > 1:
            return None
        digits = digits.replace(group, "").replace(decimal, ".")
    elif commas:
        grouped = re.fullmatch(r"\d{1,3}(?:,\d{3})+", digits)
        if commas > 1 and grouped:
            digits = digits.replace(",", "")
        elif commas == 1 and grouped and language == "en":
            digits = digits.replace(",", "")  # "1,200" in English is twelve hundred
        elif commas == 1:
            digits = digits.replace(",", ".")  # "1,5" and Nordic "1,200" are decimals
        else:
            return None
    elif dots > 1:
        if not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):
            return None
        digits = digits.replace(".", "")  # "1.200.000": Norwegian grouping
    try:
        value = float(digits)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def format_number(value: float | None, language: str = "en", *, unit: str | None = None) -> str:
    """Render ``value`` as the reader writes numbers: "1,200.5" in en, "1 200,5" in sv and nb; "–" for none."""
    if value is None:
        return "–"
    rounded = round(value, 2)
    text = f"{rounded:,.2f}".rstrip("0").rstrip(".") if not float(rounded).is_integer() else f"{int(rounded):,}"
    if language in ("sv", "nb"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    if unit:
        separator = "" if unit in ("%",) and language == "en" else "\u00a0"
        text = f"{text}{separator}{unit}"
    return text

"""The verdict as a person reads it in a terminal: coloured when the output is a terminal and NO_COLOR is unset."""

from __future__ import annotations

from .grading import Assessment

_COLOURS = {
    "A": "32",
    "B": "32",
    "C": "33",
    "D": "33",
    "E": "31",
    "F": "31",
    "error": "31",
    "warning": "33",
    "info": "36",
    "dim": "2",
    "bold": "1",
}
_HEADINGS = {
    "en": {
        "level": "Level",
        "smart": "SMART",
        "findings": "Findings",
        "better": "A better goal",
        "none": "No findings.",
        "left_out": "Only the part that states the goal was graded ({n} characters left out).",
    },
    "sv": {
        "level": "Nivå",
        "smart": "SMART",
        "findings": "Anmärkningar",
        "better": "Ett bättre mål",
        "none": "Inga anmärkningar.",
        "left_out": "Bara delen som anger målet bedömdes ({n} tecken utelämnade).",
    },
    "nb": {
        "level": "Nivå",
        "smart": "SMART",
        "findings": "Funn",
        "better": "Et bedre mål",
        "none": "Ingen funn.",
        "left_out": "Bare delen som angir målet ble vurdert ({n} tegn utelatt).",
    },
}
_MARKS = {True: "✓", False: "✗", None: "?"}


def render(a: Assessment, phrases: dict, *, colour: bool) -> str:
    level_names, smart_names = phrases["levels"][a.language], phrases["smart"][a.language]

    def paint(text: str, key: str) -> str:
        return f"\033[{_COLOURS[key]}m{text}\033[0m" if colour else text

    words = _HEADINGS[a.language]
    lines = [paint(f"{a.grade}  {a.score}/100", a.grade) + paint(f"   [{a.language}]", "dim")]
    if a.level:
        ladder = " ".join("●" if n <= a.level else "○" for n in range(1, 6))
        lines.append(f"{words['level']}: {ladder}  {a.level}/5 {level_names[a.level]} · {a.metric_label}")
    else:
        lines.append(f"{words['level']}: ○ ○ ○ ○ ○  –")
    flags = "  ".join(f"{_MARKS[v]} {smart_names[k]}" for k, v in a.smart.items())
    lines.append(f"{words['smart']}: {flags}")
    lines.append("")
    lines.append(paint(words["findings"], "bold") if a.findings else words["none"])
    for f in a.findings:
        lines.append(f"  {paint(f.severity.upper().ljust(7), f.severity)} {paint(f.title, 'bold')} ({f.rule})")
        lines.append(f"          {f.message}")
        lines.append(f"          → {f.suggestion}")
    lines.append("")
    lines.append(paint(words["better"], "bold"))
    lines.append(f"  {a.better_goal}")
    if a.better_goal_note:
        lines.append(paint(f"  ({a.better_goal_note})", "dim"))
    if a.left_out_chars:
        lines.append("")
        lines.append(paint(words["left_out"].format(n=a.left_out_chars), "dim"))
    return "\n".join(lines)

"""Block Kit for a graded goal: the `/kpi check` answer, its "Why?" follow-up and the short reply in threads."""

from __future__ import annotations

import json
from json.encoder import encode_basestring

from bot.grading import Assessment, default_ruleset
from bot.slack.escaping import (
    BUTTON_VALUE_MAX,
    ECHO_MAX,
    PLAIN_TEXT_HEADER_MAX,
    SECTION_TEXT_MAX,
    echo_mrkdwn,
    echo_plain,
    escape_mrkdwn,
    mrkdwn,
    plain,
    readable,
    truncate,
)
from bot.slack.i18n import t

MESSAGE_BLOCKS_MAX = 50
# Slack rejects messages whose blocks hold much more than ~12,000 characters (msg_blocks_too_long).
MESSAGE_CHARS_BUDGET = 11_000
FINDINGS_SHOWN = 8
FINDING_TEXT_MAX = 1200
BUTTON_GOAL_MAX = 1000

ACTION_SHARE = "check_share"
ACTION_SAVE = "check_save"
ACTION_WHY = "check_why"

# One encoder for sizes and button values: json.dumps(..., ensure_ascii=False) builds a new one on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)  # our blocks are trees we just built

_SEVERITY_ICON = {"error": ":red_circle:", "warning": ":large_orange_circle:", "info": ":large_blue_circle:"}
_SMART_MARK = {True: ":white_check_mark:", False: ":x:", None: ":grey_question:"}


def _names(language: str) -> tuple[dict, dict]:
    phrases = default_ruleset().phrases
    return phrases["levels"][language], phrases["smart"][language]


def ladder(level: int | None) -> str:
    """The 1–5 goal model as dots, filled up to ``level``: ``●●●○○``."""
    filled = min(max(level or 0, 0), 5)
    return "●" * filled + "○" * (5 - filled)


def level_line(a: Assessment, language: str) -> str:
    """ "Level ●●●○○ 3/5 engagement · likes" in mrkdwn (the metric label comes from our lexicon, escaped anyway)."""
    level_names, _ = _names(language)
    if not a.level:
        return f"*{t(language, 'check.level')}* {ladder(None)} {t(language, 'check.no_level')}"
    label = f" · {escape_mrkdwn(a.metric_label)}" if a.metric_label else ""
    return f"*{t(language, 'check.level')}* {ladder(a.level)} {a.level}/5 {level_names[a.level]}{label}"


def smart_line(a: Assessment, language: str) -> str:
    """The SMART checklist on one line: a mark and the letter's name for each criterion."""
    _, smart_names = _names(language)
    marks = "   ".join(f"{_SMART_MARK[value]} {smart_names[key]}" for key, value in a.smart.items())
    return f"*{t(language, 'check.smart')}*   {marks}"


def button_value(goal_text: str) -> str:
    """What the buttons carry back to us: the goal's first 1,000 characters.

    Slack caps a button value at 2,000 characters and counts the three buttons towards the message size, so a
    pasted essay is re-graded on its opening (the grader reads only its first 2,000 characters anyway).
    """
    value = _ENCODER.encode({"goal": goal_text[:BUTTON_GOAL_MAX]})
    while len(value) > BUTTON_VALUE_MAX:  # JSON escapes can lengthen the text
        goal_text = goal_text[: len(goal_text) * 3 // 4]
        value = _ENCODER.encode({"goal": goal_text[:BUTTON_GOAL_MAX]})
    return value


def goal_from_button_value(value: str | None) -> str:
    """The goal a button carried; empty when the value is not ours (not a string, not our JSON)."""
    if not isinstance(value, str):
        return ""
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return ""
    goal = data.get("goal") if isinstance(data, dict) else None
    return goal if isinstance(goal, str) else ""


def _finding_text(finding) -> str:
    icon = _SEVERITY_ICON.get(finding.severity, ":white_circle:")
    title, message, suggestion = (escape_mrkdwn(x) for x in (finding.title, finding.message, finding.suggestion))
    body = f"{icon} *{title}*\n{message}\n→ {suggestion}"
    return truncate(body, FINDING_TEXT_MAX)


def build_check_result(a: Assessment, *, with_actions: bool = True, shared_by: str | None = None) -> list[dict]:
    """The verdict on a goal in the goal's language: grade and N/100, the goal echoed (plain text, shortened),
    the 1–5 ladder, SMART, each finding with its suggestion, the better goal, then the buttons.

    Stays within Slack's limits whatever the input: ≤ 50 blocks, section text ≤ 3,000 characters and the whole
    message under ~11,000 characters (findings beyond the budget are summarised as "…and N more").
    """
    lang = a.language
    head = plain(t(lang, "check.heading", grade=a.grade, score=a.score), PLAIN_TEXT_HEADER_MAX)
    blocks: list[dict] = [{"type": "header", "text": head}]
    goal = echo_plain(a.text)
    if len(readable(a.text)) > ECHO_MAX:
        goal = f"{goal} {t(lang, 'check.truncated', count=len(a.text))}"
    blocks.append({"type": "section", "text": plain(f"{t(lang, 'check.goal')}: {goal}")})
    blocks.append({"type": "section", "text": mrkdwn(level_line(a, lang) + "\n" + smart_line(a, lang))})
    blocks.append({"type": "divider"})
    tail: list[dict] = [
        {"type": "divider"},
        {
            "type": "section",
            "text": mrkdwn(f"*{t(lang, 'check.better')}*\n{echo_mrkdwn(a.better_goal, 1500)}"),
        },
        *better_goal_notes(a),
    ]
    if shared_by:
        tail.append({"type": "context", "elements": [mrkdwn(t(lang, "check.shared_by", user=shared_by))]})
    if with_actions:
        value = button_value(a.text)
        tail.append(
            {
                "type": "actions",
                "block_id": "check_actions",
                "elements": [
                    button(t(lang, "check.share"), ACTION_SHARE, value, style="primary"),
                    button(t(lang, "check.save"), ACTION_SAVE, value),
                    button(t(lang, "check.why"), ACTION_WHY, value),
                ],
            }
        )
    used = _chars(blocks) + _chars(tail)
    findings: list[dict] = []
    findings_chars = 0
    if not a.findings:
        findings.append({"type": "section", "text": mrkdwn(t(lang, "check.no_findings"))})
    else:
        findings.append({"type": "section", "text": mrkdwn(f"*{t(lang, 'check.findings')}*")})
        for shown, finding in enumerate(a.findings):
            text = _finding_text(finding)
            block = {"type": "section", "text": mrkdwn(text)}
            block_chars = _section_chars(text)
            room = MESSAGE_BLOCKS_MAX - len(blocks) - len(tail) - len(findings) - 1
            if shown >= FINDINGS_SHOWN or room <= 0 or used + findings_chars + block_chars > MESSAGE_CHARS_BUDGET:
                more = len(a.findings) - shown
                findings.append({"type": "context", "elements": [mrkdwn(t(lang, "check.more_findings", count=more))]})
                break
            findings.append(block)
            findings_chars += block_chars
    return blocks + findings + tail


def better_goal_notes(a: Assessment) -> list[dict]:
    """Under the better goal: which metric it proposes instead and why, and that a long message was graded on the
    sentences that state the goal."""
    notes = [echo_mrkdwn(a.better_goal_note, 500)] if a.better_goal_note else []
    if a.left_out_chars:
        notes.append(t(a.language, "check.left_out", count=a.left_out_chars))
    return [{"type": "context", "elements": [mrkdwn(note)]} for note in notes]


def build_why(a: Assessment) -> list[dict]:
    """The rationale behind each finding, for the "Why?" button."""
    lang = a.language
    blocks: list[dict] = [{"type": "header", "text": plain(t(lang, "check.why_title"), PLAIN_TEXT_HEADER_MAX)}]
    if not a.findings:
        blocks.append({"type": "section", "text": mrkdwn(t(lang, "check.no_findings"))})
    for finding in a.findings[: MESSAGE_BLOCKS_MAX - 1]:
        body = f"*{escape_mrkdwn(finding.title)}*\n{escape_mrkdwn(finding.rationale)}"
        if _chars(blocks) + len(body) > MESSAGE_CHARS_BUDGET:
            break
        blocks.append({"type": "section", "text": mrkdwn(truncate(body, FINDING_TEXT_MAX))})
    return blocks


def build_coach_reply(a: Assessment) -> list[dict]:
    """The short answer to a goal sent in a mention or DM: grade, ladder, the most important question, better goal."""
    lang = a.language
    lines = [
        f"*{t(lang, 'check.heading', grade=a.grade, score=a.score)}*",
        level_line(a, lang),
        smart_line(a, lang),
    ]
    blocks: list[dict] = [{"type": "section", "text": mrkdwn("\n".join(lines))}]
    if a.findings:
        top = a.findings[0]
        question = f"*{t(lang, 'check.question')}:* {escape_mrkdwn(top.message)}\n→ {escape_mrkdwn(top.suggestion)}"
        blocks.append({"type": "section", "text": mrkdwn(truncate(question, FINDING_TEXT_MAX))})
    better = f"*{t(lang, 'check.better')}*\n{echo_mrkdwn(a.better_goal, 1500)}"
    blocks.append({"type": "section", "text": mrkdwn(better)})
    return blocks + better_goal_notes(a)


def fallback_text(a: Assessment) -> str:
    """The notification text of a verdict: grade, score and the better goal, escaped (it is mrkdwn too)."""
    return f"{a.grade} · {a.score}/100 – {t(a.language, 'check.better')}: {echo_mrkdwn(a.better_goal, 500)}"


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> dict:
    button = {"type": "button", "text": plain(label, 75), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def _chars(blocks: list[dict]) -> int:
    return len(_ENCODER.encode(blocks))


_SECTION_OVERHEAD = _chars([{"type": "section", "text": mrkdwn("x")}]) - len(encode_basestring("x"))


def _section_chars(text: str) -> int:
    """What ``_chars`` gives for one mrkdwn section holding ``text``, encoding only the text (empty or over-long
    text, which ``mrkdwn`` changes, is encoded for real). Sizing every finding this way keeps a whole JSON encoding
    per finding off the path of every `/kpi check`."""
    if not text or len(text) > SECTION_TEXT_MAX:
        return _chars([{"type": "section", "text": mrkdwn(text)}])
    return _SECTION_OVERHEAD + len(encode_basestring(text))

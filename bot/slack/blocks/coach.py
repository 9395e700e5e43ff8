"""Block Kit for the coaching conversation in a thread: one pure function from a coach Reply to a message.

The goal and the findings are echoed escaped (an owner written as ``<@U123>`` shows as ``@U123`` and pings nobody);
the finished goal gets the same "Save as KPI" button as a `/kpi check` verdict, so the add modal opens prefilled.
"""

from __future__ import annotations

from bot.conversation import Reply
from bot.slack.blocks.check import (
    ACTION_SAVE,
    FINDING_TEXT_MAX,
    button,
    button_value,
    level_line,
    smart_line,
)
from bot.slack.escaping import echo_mrkdwn, escape_mrkdwn, mrkdwn, truncate
from bot.slack.i18n import t

FINDINGS_IN_CRITIQUE = 4
_SEVERITY_ICON = {"error": ":red_circle:", "warning": ":large_orange_circle:", "info": ":large_blue_circle:"}


def _section(text: str) -> dict:
    return {"type": "section", "text": mrkdwn(text)}


def _question(reply: Reply) -> list[dict]:
    if not reply.question:
        return []
    lang = reply.language
    text = f"*{t(lang, f'coach.q.{reply.question}')}*  {t(lang, f'coach.hint.{reply.question}')}"
    return [_section(text)]


def _titles(findings) -> str:
    return ", ".join(escape_mrkdwn(f.title) for f in findings)


def _intro(lang: str) -> list[dict]:
    return [
        _section(t(lang, "coach.intro")),
        _section(t(lang, "coach.intro_example")),
        {"type": "context", "elements": [mrkdwn(t(lang, "coach.intro_commands"))]},
    ]


def _critique(reply: Reply) -> list[dict]:
    a, lang = reply.assessment, reply.language
    assert a is not None
    head = f"*{t(lang, 'check.heading', grade=a.grade, score=a.score)}*\n{level_line(a, lang)}\n{smart_line(a, lang)}"
    blocks = [_section(head), _section(f"*{t(lang, 'coach.draft')}:* {echo_mrkdwn(reply.goal or '')}")]
    lines = []
    for finding in a.findings[:FINDINGS_IN_CRITIQUE]:
        icon = _SEVERITY_ICON.get(finding.severity, ":white_circle:")
        lines.append(f"{icon} *{escape_mrkdwn(finding.title)}* – {escape_mrkdwn(finding.message)}")
    if lines:
        blocks.append(_section(truncate("\n".join(lines), FINDING_TEXT_MAX * 2)))
    if a.findings:
        blocks.append(_section(f"*{t(lang, 'check.better')}:* {echo_mrkdwn(a.better_goal, 1500)}"))
    return blocks


def _progress(reply: Reply) -> list[dict]:
    lang = reply.language
    lines = [f"*{t(lang, 'coach.score_change', before=reply.score_before, after=reply.score_after)}*"]
    if reply.gone:
        lines.append(f":white_check_mark: {t(lang, 'coach.gone')}: {_titles(reply.gone)}")
    if reply.added:
        lines.append(f":warning: {t(lang, 'coach.added')}: {_titles(reply.added)}")
    blocks = [_section("\n".join(lines))]
    if reply.kind == "finished":
        blocks.append(_section(f"{t(lang, 'coach.finished')}\n>{echo_mrkdwn(reply.goal or '', 1500)}"))
    else:
        blocks.append(_section(f"*{t(lang, 'coach.draft')}:* {echo_mrkdwn(reply.goal or '', 1500)}"))
    return blocks


def _save_button(reply: Reply) -> list[dict]:
    lang = reply.language
    return [
        {"type": "context", "elements": [mrkdwn(t(lang, "coach.save_hint"))]},
        {
            "type": "actions",
            "block_id": "coach_actions",
            "elements": [button(t(lang, "check.save"), ACTION_SAVE, button_value(reply.goal or ""), style="primary")],
        },
    ]


def _why(reply: Reply) -> list[dict]:
    lang = reply.language
    if reply.focus is None:
        return [_section(t(lang, "coach.why_none"))]
    body = f"*{t(lang, 'coach.why_title')}: {escape_mrkdwn(reply.focus.title)}*\n{escape_mrkdwn(reply.focus.rationale)}"
    return [_section(truncate(body, FINDING_TEXT_MAX))]


def build_coach_turn(reply: Reply) -> list[dict]:
    """The bot's message for one turn of the conversation, in the conversation's language."""
    lang = reply.language
    if reply.kind == "intro" and reply.goal is None:
        return _intro(lang)
    if reply.kind == "fresh":
        return [_section(t(lang, "coach.fresh")), _section(t(lang, "coach.intro_example"))]
    if reply.kind == "why":
        return _why(reply) + _question(reply)
    if reply.kind in ("unclear", "intro"):
        draft = f"*{t(lang, 'coach.draft')}:* {echo_mrkdwn(reply.goal or '')} ({reply.score_after}/100)"
        lead = t(lang, "coach.unclear") if reply.kind == "unclear" else t(lang, "coach.intro_commands")
        return [_section(f"{lead}\n{draft}"), *_question(reply)]
    blocks = _critique(reply) if reply.kind == "critique" else _progress(reply)
    blocks += _question(reply)
    if reply.kind == "finished" or (reply.kind == "critique" and reply.question in (None, "plan")):
        blocks += _save_button(reply)
    return blocks


def coach_fallback(reply: Reply) -> str:
    """The notification text of a turn: the score and the question (or the intro), escaped like the blocks."""
    lang = reply.language
    question = t(lang, f"coach.q.{reply.question}") if reply.question else ""
    if reply.kind == "intro" and reply.goal is None:
        return t(lang, "coach.intro")
    if reply.kind == "fresh":
        return t(lang, "coach.fresh")
    if reply.kind == "finished":
        return f"{reply.score_after}/100 – {echo_mrkdwn(reply.goal or '', 500)}"
    if reply.kind == "why" and reply.focus is not None:
        return f"{escape_mrkdwn(reply.focus.title)}: {question}".strip()
    score = f"{reply.score_after}/100" if reply.score_after is not None else ""
    return " – ".join(part for part in (score, question) if part) or t(lang, "coach.intro")


def build_coach_saved(language: str, *, number: int, name: str, owner: str) -> list[dict]:
    """The answer to `save` in the thread: the new KPI's number, name and owner."""
    text = t(language, "coach.saved", number=number, name=echo_mrkdwn(name, 120), owner=owner)
    return [_section(text)]

"""Block Kit for the coaching conversation in a thread: one pure function from a coach Reply to a message.

The goal and the findings are echoed escaped (an owner written as ``<@U123>`` shows as ``@U123`` and pings nobody);
what the reply changed is said back field by field ("Noted: today's value 30 · target 45"), so the person sees what
will be saved, not only the sentence. Every way forward the text offers is also a button (``coach_*`` actions: save,
save anyway, keep going, skip, start over, the person a name means), each carrying what a typed reply would say.
"""

from __future__ import annotations

from bot.conversation import Reply
from bot.conversation.coach import OWNER_BUTTON
from bot.conversation.phrasing import metric_name, owner_reference
from bot.grading import default_ruleset
from bot.grading.rewrite import format_date, format_number
from bot.slack.blocks.check import FINDING_TEXT_MAX, button, level_line, smart_line
from bot.slack.escaping import echo_mrkdwn, escape_mrkdwn, mrkdwn, truncate
from bot.slack.i18n import t

FINDINGS_IN_CRITIQUE = 4
PLAN_SHOWN = 200
ACTION_PREFIX = "coach_"  # coach_save, coach_save_anyway, coach_keep_going, coach_skip, coach_new, coach_owner_N
_SEVERITY_ICON = {"error": ":red_circle:", "warning": ":large_orange_circle:", "info": ":large_blue_circle:"}
_NOTED = ("metric", "scope", "baseline", "target", "relative_pct", "deadline", "owner", "plan")


def _section(text: str) -> dict:
    return {"type": "section", "text": mrkdwn(text)}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(text)]}


def _buttons(lang: str, *pressed: str, block_id: str = "coach_actions") -> dict:
    keys = {"save": "save", "save-anyway": "save_anyway", "keep-going": "keep_going", "skip": "skip", "new": "new"}
    elements = [
        button(
            t(lang, f"coach.button.{keys[p]}"),
            f"{ACTION_PREFIX}{keys[p]}",
            p,
            style="primary" if p in ("save", "save-anyway") else None,
        )
        for p in pressed
    ]
    return {"type": "actions", "block_id": block_id, "elements": elements}


def listing(items: list[str], lang: str) -> str:
    """ "a, b and c" in the reader's language."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t(lang, 'coach.and')} {items[-1]}"


def _question(reply: Reply) -> list[dict]:
    if not reply.question:
        return []
    lang = reply.language
    text = f"*{t(lang, f'coach.q.{reply.question}')}*  {t(lang, f'coach.hint.{reply.question}')}"
    return [_section(text)]


def _titles(findings) -> str:
    return ", ".join(escape_mrkdwn(f.title) for f in findings)


def _noted(reply: Reply) -> str | None:
    """The fields this reply set, with their values as they will be saved."""
    draft, lang = reply.draft, reply.language
    if draft is None:
        return None
    rules = default_ruleset()
    parts = []
    for name in (n for n in _NOTED if n in reply.changed):
        value = getattr(draft, name)
        if value in (None, ()):
            continue
        if name == "metric":
            shown = escape_mrkdwn(metric_name(draft, lang, rules))
        elif name == "scope":
            shown = escape_mrkdwn(listing([rules.concepts[c].label[lang] for c in value], lang))
        elif name in ("baseline", "target"):
            shown = format_number(value, draft.unit, lang)
        elif name == "relative_pct":
            shown = format_number(value, "%", lang)
        elif name == "deadline":
            shown = format_date(value, lang, rules)
        elif name == "owner":
            # the name we found them by; else "@U123": shown, but nobody is pinged by a draft
            shown = escape_mrkdwn(draft.owner_name) if draft.owner_name else echo_mrkdwn(owner_reference(value))
        else:
            shown = f"_{echo_mrkdwn(value, PLAN_SHOWN)}_"
        parts.append(f"{t(lang, f'coach.field.{name}')}: {shown}")
    return f":memo: *{t(lang, 'coach.noted')}:* " + " · ".join(parts) if parts else None


def _notes(reply: Reply) -> list[str]:
    """What else the reply has to say: numbers set aside or left out, a name nobody has, a question skipped."""
    lang, notes = reply.language, []
    if reply.cleared and reply.draft is not None and reply.draft.metric:
        metric = escape_mrkdwn(metric_name(reply.draft, lang, default_ruleset()))
        notes.append(t(lang, "coach.cleared", metric=metric))
    draft = reply.draft
    if reply.turned and draft is not None and draft.target is not None and draft.baseline is not None:
        key = "coach.turned_down" if draft.direction == "decrease" else "coach.turned_up"
        target, baseline = (format_number(v, draft.unit, lang) for v in (draft.target, draft.baseline))
        notes.append(t(lang, key, target=target, baseline=baseline))
    if reply.left_out:
        numbers = listing([f"*{escape_mrkdwn(n)}*" for n in reply.left_out], lang)
        notes.append(t(lang, "coach.left_out", numbers=numbers, example=escape_mrkdwn(reply.left_out[0])))
    if reply.elsewhere and reply.draft is not None and reply.draft.metric:
        numbers = listing([f"*{escape_mrkdwn(n)}*" for n in reply.elsewhere], lang)
        metric = escape_mrkdwn(metric_name(reply.draft, lang, default_ruleset()))
        notes.append(t(lang, "coach.elsewhere", numbers=numbers, metric=metric))
    if reply.not_found:
        key = "coach.people_unavailable" if reply.people_unavailable else "coach.not_found"
        notes.append(t(lang, key, name=escape_mrkdwn(reply.not_found)))
    if reply.skipped:
        notes.append(t(lang, "coach.no_owner" if reply.skipped == "owner" else f"coach.skipped.{reply.skipped}"))
    return notes


def _missing(reply: Reply) -> str:
    return listing([t(reply.language, f"coach.missing.{q}") for q in reply.missing], reply.language)


def _intro(reply: Reply) -> list[dict]:
    lang = reply.language
    if reply.left_out_chars:
        return [_section(t(lang, "coach.long_no_goal"))]
    return [
        _section(t(lang, "coach.intro")),
        _section(t(lang, "coach.intro_example")),
        _context(t(lang, "coach.intro_commands")),
    ]


def _critique(reply: Reply) -> list[dict]:
    a, lang = reply.assessment, reply.language
    assert a is not None
    head = f"*{t(lang, 'check.heading', grade=a.grade, score=a.score)}*\n{level_line(a, lang)}\n{smart_line(a, lang)}"
    blocks = []
    if reply.excerpt:
        excerpt = echo_mrkdwn(reply.excerpt, 300)
        blocks.append(_context(t(lang, "coach.long", excerpt=excerpt, count=reply.left_out_chars)))
    blocks += [_section(head), _section(f"*{t(lang, 'coach.draft')}:* {echo_mrkdwn(reply.goal or '')}")]
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
    lines = []
    if reply.score_before is not None and reply.score_before != reply.score_after:
        lines.append(f"*{t(lang, 'coach.score_change', before=reply.score_before, after=reply.score_after)}*")
    if reply.kind == "resume":
        lines.append(t(lang, "coach.resume"))
    noted = _noted(reply)
    if noted:
        lines.append(noted)
    if reply.gone:
        lines.append(f":white_check_mark: {t(lang, 'coach.gone')}: {_titles(reply.gone)}")
    if reply.added:
        lines.append(f":warning: {t(lang, 'coach.added')}: {_titles(reply.added)}")
    lines += _notes(reply)
    blocks = [_section("\n".join(lines))] if lines else []
    goal = echo_mrkdwn(reply.goal or "", 1500)
    if reply.question is None and reply.kind != "confirm_owner":
        lead = t(lang, "coach.finished_open", missing=_missing(reply)) if reply.missing else t(lang, "coach.finished")
        blocks.append(_section(f"{lead}\n>{goal}"))
    else:
        blocks.append(_section(f"*{t(lang, 'coach.draft')}:* {goal}"))
    return blocks


def _confirm_owner(reply: Reply) -> list[dict]:
    lang = reply.language
    first = escape_mrkdwn(reply.candidates[0][1])
    text = f"*{t(lang, 'coach.confirm_owner', name=first)}* {t(lang, 'coach.confirm_owner_others')}"
    elements = [
        button(label, f"{ACTION_PREFIX}owner_{n}", f"{OWNER_BUTTON}{user}")  # plain text: shown as named
        for n, (user, label) in enumerate(reply.candidates)
    ]
    return [_section(text), {"type": "actions", "block_id": "coach_owner", "elements": elements}]


def _unclear(reply: Reply) -> list[dict]:
    lang = reply.language
    notes = _notes(reply)
    if reply.same:
        notes.insert(0, t(lang, "coach.same"))
    if reply.rejected:
        notes.insert(0, t(lang, "coach.owner_other"))
    if not notes:
        q = reply.question
        expected = f"{t(lang, f'coach.expected.{q}')}, {t(lang, f'coach.hint.{q}')}." if q else ""
        notes = [f"{t(lang, 'coach.unclear')} {expected or t(lang, 'coach.expected.none')}"]
    draft = f"*{t(lang, 'coach.draft')}:* {echo_mrkdwn(reply.goal or '')} ({reply.score_after}/100)"
    blocks = [_section("\n".join([*notes, draft]))]
    if reply.way_out:
        blocks += [_section(t(lang, "coach.way_out")), _buttons(lang, "skip", "new", "save")]
    return blocks


def build_coach_turn(reply: Reply) -> list[dict]:
    """The bot's message for one turn of the conversation, in the conversation's language."""
    lang = reply.language
    if reply.kind == "intro" and reply.goal is None:
        return _intro(reply)
    if reply.kind == "fresh":
        return [_section(t(lang, "coach.fresh")), _section(t(lang, "coach.intro_example"))]
    if reply.kind == "why":
        return _why(reply) + _question(reply)
    if reply.kind == "confirm_save":
        text = t(lang, "coach.confirm_save", missing=_missing(reply))
        goal = f"*{t(lang, 'coach.draft')}:* {echo_mrkdwn(reply.goal or '', 1500)}"
        return [_section(f"{text}\n{goal}"), _buttons(lang, "save-anyway", "keep-going")]
    if reply.kind in ("unclear", "lookup"):
        return _unclear(reply) + ([] if reply.way_out else _question(reply))
    if reply.kind == "intro":
        draft = f"*{t(lang, 'coach.draft')}:* {echo_mrkdwn(reply.goal or '')} ({reply.score_after}/100)"
        return [_section(f"{t(lang, 'coach.intro_commands')}\n{draft}"), *_question(reply)]
    blocks = _critique(reply) if reply.kind == "critique" else _progress(reply)
    if reply.kind == "confirm_owner":
        return blocks + _confirm_owner(reply)
    blocks += _question(reply)
    if reply.question in (None, "plan"):
        blocks += [_context(t(lang, "coach.save_hint")), _buttons(lang, "save")]
    return blocks


def _why(reply: Reply) -> list[dict]:
    lang = reply.language
    if reply.focus is None:
        return [_section(t(lang, "coach.why_none"))]
    body = f"*{t(lang, 'coach.why_title')}: {escape_mrkdwn(reply.focus.title)}*\n{escape_mrkdwn(reply.focus.rationale)}"
    return [_section(truncate(body, FINDING_TEXT_MAX))]


def coach_fallback(reply: Reply) -> str:
    """The notification text of a turn: the score and the question (or the intro), escaped like the blocks."""
    lang = reply.language
    question = t(lang, f"coach.q.{reply.question}") if reply.question else ""
    if reply.kind == "intro" and reply.goal is None:
        return t(lang, "coach.long_no_goal" if reply.left_out_chars else "coach.intro")
    if reply.kind == "fresh":
        return t(lang, "coach.fresh")
    if reply.kind == "confirm_save":
        return t(lang, "coach.confirm_save", missing=_missing(reply))
    if reply.kind == "confirm_owner" and reply.candidates:
        return t(lang, "coach.confirm_owner", name=escape_mrkdwn(reply.candidates[0][1]))
    if reply.kind == "finished":
        return f"{reply.score_after}/100 – {echo_mrkdwn(reply.goal or '', 500)}"
    if reply.kind == "why" and reply.focus is not None:
        return f"{escape_mrkdwn(reply.focus.title)}: {question}".strip()
    score = f"{reply.score_after}/100" if reply.score_after is not None else ""
    return " – ".join(part for part in (score, question) if part) or t(lang, "coach.intro")


def build_coach_saved(language: str, *, number: int, name: str, owner: str | None, updated: bool = False) -> list[dict]:
    """The answer to `save` in the thread: the KPI's number and name, and its owner or how to add one."""
    return [_section(coach_saved_text(language, number=number, name=name, owner=owner, updated=updated))]


def coach_saved_text(language: str, *, number: int, name: str, owner: str | None, updated: bool = False) -> str:
    head = t(language, "coach.updated" if updated else "coach.saved", number=number, name=echo_mrkdwn(name, 120))
    if owner:
        return f"{head} {t(language, 'coach.saved_owner', owner=owner, number=number)}"
    return f"{head} {t(language, 'coach.saved_no_owner', number=number)}"

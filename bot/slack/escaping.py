"""Echoing what people typed without letting it ping anyone or break a message.

Slack parses ``<…>`` in mrkdwn as mentions and links: a goal that contains ``<!channel>`` would notify a whole
channel if we echoed it verbatim. Slack's rule is to escape only ``&``, ``<`` and ``>``; that neutralises every
special sequence. Before escaping, ``readable`` turns Slack's markup into what the person saw (``@channel``,
``@name``, ``#general``) so the echo reads naturally. Every limit here is a Slack limit (see the knowledge file).
"""

from __future__ import annotations

from bot.grading import markup

SECTION_TEXT_MAX = 3000
PLAIN_TEXT_HEADER_MAX = 150
BUTTON_VALUE_MAX = 2000
ECHO_MAX = 600


def escape_mrkdwn(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so mrkdwn shows ``text`` literally: no mentions, no links, no broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def readable(text: str) -> str:
    """Slack markup as a person reads it: ``<@U1|ann>`` → ``@ann``, ``<!here>`` → ``@here``, links → their label.

    The result is for display only; it still needs ``escape_mrkdwn`` (or a plain_text object) before it goes out.
    """
    if "<" not in text:
        return text
    text = markup.USER.sub(lambda m: f"@{m.group(2) or m.group(1)}", text)
    text = markup.CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = markup.SUBTEAM.sub(lambda m: f"@{m.group(2) or 'group'}", text)
    text = markup.DATE.sub(lambda m: m.group(2), text)
    text = markup.SPECIAL.sub(lambda m: f"@{m.group(2) or m.group(1)}", text)
    return markup.LINK.sub(lambda m: m.group(2) or m.group(1), text)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def echo_mrkdwn(text: str, limit: int = ECHO_MAX) -> str:
    """User text ready for a mrkdwn field: readable, shortened to ``limit`` and escaped (escaping after cutting,
    so an entity is never cut in half)."""
    return escape_mrkdwn(truncate(readable(text), limit))


def echo_plain(text: str, limit: int = ECHO_MAX) -> str:
    """User text ready for a plain_text field (never parsed for mentions): readable and shortened."""
    return truncate(readable(text), limit) or " "


def plain(text: str, limit: int = SECTION_TEXT_MAX) -> dict:
    """A plain_text object; ``emoji`` on so ``:tada:`` still renders."""
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> dict:
    """A mrkdwn object for text we composed (user parts already escaped); ``verbatim`` stops auto-linking names."""
    return {"type": "mrkdwn", "text": _truncate_escaped(text, limit) or " ", "verbatim": True}


def _truncate_escaped(text: str, limit: int) -> str:
    """Cut already-escaped mrkdwn without leaving half an entity (``&am``) or half a mention (``<@U1``)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for opener, closer in (("&", ";"), ("<", ">")):
        last = cut.rfind(opener)
        if last != -1 and cut.find(closer, last) == -1:
            cut = cut[:last]
    return cut.rstrip() + "…"

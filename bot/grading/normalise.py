"""Turning Slack message text into plain words the grader can read.

Slack sends mentions, links, emoji codes, bold markers and HTML entities inside the text. None of them carries
meaning for a goal, and some (a link's URL, a user id) would confuse the number and word matching.
"""

from __future__ import annotations

import re
import unicodedata

from . import markup

# Slack's own limit on a message is 40,000 characters; beyond this much, input is not a message and is not read.
MAX_INPUT_CHARS = 50_000

_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+'\-]+:(?::skin-tone-\d:)?", re.IGNORECASE)
_SURROGATES = re.compile("[\ud800-\udfff]")
_MARKERS = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))
_TRANSLATE = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


_TO_TRANSLATE = re.compile("[" + "".join(chr(code) for code in _TRANSLATE) + "]")


def _label(m: re.Match[str]) -> str:
    return f" {m.group(2) or ''} "


def strip_slack_markup(text: str) -> tuple[str, tuple[str, ...]]:
    """Plain text without Slack markup, and the user ids that were mentioned (in order)."""
    mentions: tuple[str, ...] = ()
    if "<" in text:
        mentions = tuple(m.group(1) for m in markup.USER.finditer(text))
        text = markup.USER.sub(" ", text)
        text = markup.CHANNEL.sub(" ", text)  # a channel's name is how the workspace is organised, not the goal
        for pattern in (markup.LINK, markup.DATE, markup.SUBTEAM):
            text = pattern.sub(_label, text)
        text = markup.ANY_SPECIAL.sub(" ", text)  # broadcasts (<!channel>) say nothing about the goal
    if "&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
    if ":" in text:
        text = _EMOJI.sub(" ", text)
    if any(c in text for c in "*_~`"):
        text = _MARKERS.sub(" ", text)
    return text, mentions


def normalise(text: str) -> tuple[str, tuple[str, ...]]:
    """Lower-cased, markup-free, single-spaced text for matching, plus the mentioned user ids.

    Lone surrogates (which cannot be written out as UTF-8) become spaces; input beyond MAX_INPUT_CHARS is dropped."""
    text = text[:MAX_INPUT_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFC", _SURROGATES.sub(" ", text))
    plain, mentions = strip_slack_markup(text)
    if not plain.isascii() and _TO_TRANSLATE.search(plain):  # a dict-table translate is slow; most texts need none
        plain = plain.translate(_TRANSLATE)
    plain = " ".join(plain.lower().split())  # str.split and \s agree on what whitespace is
    return plain, mentions

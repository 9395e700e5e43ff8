"""Slack's message markup, once: the patterns for mentions, channels, user groups, dates, broadcasts and links.

The grader strips this markup before reading a goal (``normalise``) and the Slack layer turns it into what a person
saw before echoing it (``bot.slack.escaping``); both read the same grammar, so it lives here. Each pattern captures
the id or target first and the label after ``|`` second, when Slack sent one.
"""

from __future__ import annotations

import re

USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|([^>]*))?>")
SUBTEAM = re.compile(r"<!subteam\^([^|>]*)(?:\|([^>]*))?>")
DATE = re.compile(r"<!date\^([^|>]*)\|([^>]*)>")
SPECIAL = re.compile(r"<!([a-z]+)(?:\|([^>]*))?>")
ANY_SPECIAL = re.compile(r"<![^>]*>")  # whatever else Slack may invent after <!
LINK = re.compile(r"<((?:https?|mailto|tel):[^|>]*)(?:\|([^>]*))?>")

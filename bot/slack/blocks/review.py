"""Block Kit for the periodic KPI review of a channel (`/kpi review`, and the quarterly post)."""

from __future__ import annotations

from bot.checkins.review import ReviewFindings
from bot.slack.escaping import echo_mrkdwn, mrkdwn
from bot.slack.i18n import t

NAME_MAX = 60
LISTED_MAX = 15


def _kpis(entries: list[tuple[int, str]]) -> str:
    shown = [f"#{number} {echo_mrkdwn(name, NAME_MAX)}" for number, name in entries[:LISTED_MAX]]
    more = f" (+{len(entries) - LISTED_MAX})" if len(entries) > LISTED_MAX else ""
    return ", ".join(shown) + more


def build_review(findings: ReviewFindings, language: str, channel_id: str | None) -> list[dict]:
    """The review as a message: one section per finding, in the reader's language."""
    lang = language
    channel = f"<#{channel_id}>" if channel_id and channel_id.isalnum() else "–"
    blocks: list[dict] = [{"type": "section", "text": mrkdwn(f"*{t(lang, 'review.title', channel=channel)}*")}]
    if findings.kpi_count == 0:
        blocks.append({"type": "section", "text": mrkdwn(t(lang, "review.empty"))})
        return blocks
    lines: list[str] = []
    if findings.missing_stages:
        stages = ", ".join(t(lang, f"review.stage.{stage}") for stage in findings.missing_stages)
        lines.append(t(lang, "review.stages_missing", stages=stages))
    else:
        lines.append(t(lang, "review.stages_ok"))
    if findings.level_mix:
        mix = " · ".join(f"{level}: {count}" for level, count in findings.level_mix.items())
        lines.append(t(lang, "review.levels", mix=mix))
    if findings.low_level_majority:
        lines.append(t(lang, "review.low_levels"))
    if findings.micro_without_macro:
        lines.append(t(lang, "review.micro", kpis=_kpis(findings.micro_without_macro)))
    if findings.not_revisited:
        lines.append(t(lang, "review.not_revisited", kpis=_kpis(findings.not_revisited)))
    for owner, count in findings.overloaded_owners:
        lines.append(t(lang, "review.overloaded", owner=owner, count=count))
    if len(lines) <= 2 and not findings.missing_stages:
        lines.append(t(lang, "review.fine"))
    blocks.extend({"type": "section", "text": mrkdwn(line)} for line in lines)
    return blocks
